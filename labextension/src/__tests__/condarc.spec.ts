import { condarc, setUp } from './fakes';

describe('CondarcModel: Configure Conda', () => {
  it('stages edits until Save and drops them with Discard', async () => {
    const { model, api, server } = setUp();
    server.condarc = condarc(['defaults', 'conda-forge', 'bioconda']);
    await model.initialize();
    const editor = model.condarc;
    expect(editor.dirty).toBe(false);

    editor.moveEntry('channels', 2, -1);
    editor.removeEntry('channels', 2); // conda-forge, now third
    expect(editor.draft?.channels).toEqual(['defaults', 'bioconda']);
    expect(editor.dirty).toBe(true);
    expect(api.putCondarc).not.toHaveBeenCalled();

    expect(await editor.discard()).toBe(true);
    expect(editor.dirty).toBe(false);
    expect(editor.draft?.channels).toEqual(['defaults', 'conda-forge', 'bioconda']);
  });

  it('asks before removing defaults and says so when saving', async () => {
    const { model, api } = setUp();
    await model.initialize();
    const editor = model.condarc;
    editor.removeEntry('channels', 0);
    expect(editor.pendingRemoval).toEqual({ list: 'channels', index: 0 });
    expect(editor.dirty).toBe(false);
    editor.confirmRemoval();
    expect(editor.draft?.channels).toEqual([]);

    expect(await editor.save()).toBe(true);
    expect(api.putCondarc).toHaveBeenCalledWith({
      version: 'v-defaults',
      channels: [],
      confirm_defaults: true
    });
    expect(editor.dirty).toBe(false);
  });

  it('adds by hand into the draft while it has unsaved edits', async () => {
    const { model, api } = setUp();
    await model.initialize();
    const editor = model.condarc;
    editor.moveEntry('channels', 0, 1); // one entry: nothing moves
    expect(editor.dirty).toBe(false);
    expect(await editor.addByHand('channels', 'conda-forge')).toBe(true);
    expect(api.addChannels).toHaveBeenCalledTimes(1); // written at once

    editor.removeEntry('channels', 1);
    expect(await editor.addByHand('default_channels', ' main ')).toBe(true);
    expect(api.addChannels).toHaveBeenCalledTimes(1); // staged this time
    expect(editor.draft?.default_channels).toEqual(['main']);
  });

  it('refuses a token typed into a channel URL', async () => {
    const { model, api } = setUp();
    await model.initialize();
    expect(await model.condarc.addByHand('channels', 'https://r.example/t/abc123/main')).toBe(
      false
    );
    expect(api.addChannels).not.toHaveBeenCalled();
    expect(model.activity.feedback?.code).toBe('bad_input');
  });
});
