import { CHANGES_RESTORED } from '../api';
import { condarc, LISTING, setUp } from './fakes';

describe('Every change is said, every count named', () => {
  it('a sign-in says what it changed in .condarc and that it comes back', async () => {
    const { model, server } = setUp();
    await model.initialize();
    server.status = {
      ...LISTING,
      changes: [
        {
          key: 'channels',
          before: ['conda-forge', 'defaults'],
          after: [],
          text: 'channels: [conda-forge, defaults] → [] (…)'
        },
        {
          key: 'channel_alias',
          before: null,
          after: 'https://r.example/api/repo',
          text: 'channel_alias set to https://r.example/api/repo (…)'
        }
      ]
    };
    await model.connection.signIn({ username: 'u', password: 'p' }, 'https://r.example');
    const said = model.activity.feedback!;
    expect(said.text).toContain(CHANGES_RESTORED);
    expect(said.details).toEqual([
      'channels: [conda-forge, defaults] → [] (…)',
      'channel_alias set to https://r.example/api/repo (…)'
    ]);
  });

  it('names the defaults written for the user, with why', async () => {
    const { model, api, server } = setUp(LISTING);
    server.condarc = condarc([]);
    await model.initialize();
    api.addChannels.mockImplementationOnce(async () => condarc(['defaults'], ['internal-tools']));
    await model.condarc.add([], ['internal-tools'], 'picker');
    const text = model.activity.feedback!.text;
    expect(text).toMatch(
      /^Added 1 channel to channels \(defaults, added for you: conda reads default_channels only through defaults in channels\) and 1 channel to default_channels \(internal-tools\)/
    );
  });
});
