/**
 * Dates as people read them: "5 March 2027" (day, month name, year) on every surface, never
 * 2027-03-05 or 3/5/2027, which half the world reads the other way round (core/dates.py).
 */

const FORMAT: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', year: 'numeric' };

/** "5 March 2027" for an ISO date or date-time; other text as it is. */
export function humanDate(iso: string | null | undefined): string {
  if (!iso) {
    return '';
  }
  // A bare date is a calendar day: shown as that day wherever the browser is.
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const date = new Date(iso);
  if (isNaN(date.getTime())) {
    return iso;
  }
  return date.toLocaleDateString('en-GB', dateOnly ? { ...FORMAT, timeZone: 'UTC' } : FORMAT);
}
