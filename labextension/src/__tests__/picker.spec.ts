import { listAction } from '../models/picker';
import { LISTING, setUp, settle, SIGNED_OUT } from './fakes';

describe('ChannelPickerModel', () => {
  it('loads the first page when a repository that lists channels is connected', async () => {
    const { model, api } = setUp(LISTING);
    await model.initialize();
    await settle();
    expect(model.picker.available).toBe(true);
    expect(api.channels).toHaveBeenCalledWith('', 0, 50, expect.anything());
    expect(model.picker.page?.items).toHaveLength(50);
  });

  it('pages, searches and forgets the picks when the repository goes', async () => {
    const { model, api, server } = setUp(LISTING);
    await model.initialize();
    await settle();
    const picker = model.picker;
    await picker.loadPage(100);
    expect(picker.page).toMatchObject({ offset: 100, total: 120 });
    expect(picker.page?.items).toHaveLength(20);

    picker.search('py');
    await new Promise(resolve => setTimeout(resolve, 5));
    await settle();
    expect(api.channels).toHaveBeenLastCalledWith('py', 0, 50, expect.anything());
    picker.toggleChoice('py-1', 'channels', true);
    expect(picker.choices.size).toBe(1);

    server.status = SIGNED_OUT; // signed out elsewhere
    await model.connection.poll();
    expect(picker.available).toBe(false);
    expect(picker.page).toBeNull();
    expect(picker.choices.size).toBe(0);
    expect(picker.query).toBe('');
  });

  it('adds the picked channels to the lists they were picked for', async () => {
    const { model, api } = setUp(LISTING);
    await model.initialize();
    await settle();
    const picker = model.picker;
    picker.toggleChoice('ch-1', 'channels', true);
    picker.toggleChoice('ch-2', 'default_channels', true);
    picker.toggleChoice('ch-2', 'channels', true);
    picker.toggleChoice('ch-2', 'channels', false);

    expect(await picker.addChannels()).toBe(true);

    expect(api.addChannels).toHaveBeenCalledWith({
      channels: ['ch-1'],
      default_channels: ['ch-2']
    });
    expect(picker.choices.size).toBe(0);
    // every count names its entries
    expect(model.activity.feedback?.text).toMatch(
      /^Added 1 channel to channels \(ch-1\) and 1 channel to default_channels \(ch-2\)/
    );
    expect(picker.isInChannels({ name: 'ch-1', url: 'x', privacy: null, description: null })).toBe(
      true
    );
  });

  it('maps the keys of the channel list to its actions and leaves the rest alone', () => {
    expect(listAction({ key: 'ArrowDown' })).toBe('next');
    expect(listAction({ key: 'ArrowUp' })).toBe('previous');
    expect(listAction({ key: 'PageDown' })).toBe('pageDown');
    expect(listAction({ key: 'PageUp' })).toBe('pageUp');
    expect(listAction({ key: 'Home' })).toBe('first');
    expect(listAction({ key: 'End' })).toBe('last');
    expect(listAction({ key: ' ' })).toBe('toggleChannels');
    expect(listAction({ key: 'D' })).toBe('toggleDefaultChannels');
    expect(listAction({ key: 'Enter' })).toBe('add');
    expect(listAction({ key: 'Tab' })).toBeNull(); // the list is one Tab stop
    expect(listAction({ key: 'ArrowDown', ctrlKey: true })).toBeNull();
    expect(listAction({ key: 'Enter', metaKey: true })).toBeNull();
  });

  it('moves the current item with the keys and turns the page at either end', async () => {
    const { model, api } = setUp(LISTING);
    await model.initialize();
    await settle();
    const picker = model.picker;
    expect(picker.active).toBe(0);
    picker.act('next');
    picker.act('pageDown');
    expect(picker.active).toBe(11);
    picker.act('pageUp');
    picker.act('pageUp'); // stops at the top of the page
    expect(picker.active).toBe(0);
    picker.act('last');
    expect(picker.active).toBe(49);
    picker.act('pageDown'); // at the end of the page: the next page, from its top
    await settle();
    expect(api.channels).toHaveBeenLastCalledWith('', 50, 50, expect.anything());
    expect(picker.page?.offset).toBe(50);
    expect(picker.active).toBe(0);
    picker.act('previous'); // back over the top: the previous page's last item
    await settle();
    expect(picker.page?.offset).toBe(0);
    expect(picker.active).toBe(49);
    picker.act('first');
    picker.act('previous'); // nothing before the first page
    expect(picker.active).toBe(0);
    expect(picker.page?.offset).toBe(0);

    picker.act('next');
    picker.act('toggleChannels');
    picker.act('toggleDefaultChannels');
    picker.act('next');
    picker.act('toggleChannels');
    picker.act('toggleChannels'); // Space again: no longer picked
    expect([...picker.choices]).toEqual([['ch-1', { channels: true, default_channels: true }]]);
  });

  it('runs a waiting search when the keyboard enters the list, and waits for its page', async () => {
    const { model, api } = setUp(LISTING);
    await model.initialize();
    await settle();
    const picker = model.picker;
    picker.act('last');
    picker.search('py');
    expect(api.channels).not.toHaveBeenCalledWith('py', 0, 50, expect.anything());
    picker.enterList(); // ArrowDown from the search box, before the search's pause is over
    expect(api.channels).toHaveBeenLastCalledWith('py', 0, 50, expect.anything());
    picker.act('toggleChannels'); // the items on screen do not answer "py" yet
    expect(picker.choices.size).toBe(0);
    await settle();
    expect(picker.active).toBe(0);
    picker.act('toggleChannels');
    expect([...picker.choices.keys()]).toEqual(['py-0']);
    await new Promise(resolve => setTimeout(resolve, 5));
    expect(api.channels.mock.calls.filter(call => call[0] === 'py')).toHaveLength(1);
  });
});
