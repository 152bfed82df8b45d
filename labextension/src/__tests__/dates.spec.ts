import { humanDate } from '../dates';

describe('humanDate', () => {
  it('reads day, month name, year; never ISO or numeric', () => {
    expect(humanDate('2027-03-05')).toBe('5 March 2027');
    expect(humanDate('2027-03-05T12:00:00Z')).toMatch(/^[4-6] March 2027$/); // the local day
  });

  it('keeps text that is not a date', () => {
    expect(humanDate('soon')).toBe('soon');
    expect(humanDate(null)).toBe('');
  });
});
