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
    expect(model.activity.feedback?.text).toMatch(
      /^Added 1 channel to channels and 1 channel to default_channels/
    );
    expect(picker.isInChannels({ name: 'ch-1', url: 'x', privacy: null, description: null })).toBe(
      true
    );
  });
});
