import { preferences, setUp } from './fakes';

describe('PreferencesModel', () => {
  it('looks domains and services up by id', async () => {
    const { model } = setUp(
      undefined,
      preferences({ domains: { server: 'https://s.example', enterprise: null } })
    );
    await model.initialize();
    const prefs = model.preferences;
    expect(prefs.domainOf('server')).toBe('https://s.example');
    expect(prefs.domainOf('enterprise')).toBeNull();
    expect(prefs.domainOf('cloud')).toBeNull();
    expect(prefs.domainServices.map(s => s.id)).toEqual(['server', 'enterprise']);
    expect(prefs.serviceInfo('enterprise')?.short_title).toBe('Enterprise 4 Repository');
    expect(prefs.serviceInfo('unknown')).toBeNull();
  });

  it('sends only the domains that changed', async () => {
    const { model, api } = setUp(
      undefined,
      preferences({ domains: { server: 'https://s.example', enterprise: null } })
    );
    await model.initialize();
    expect(
      await model.preferences.save({
        server: 'https://s.example ',
        enterprise: 'https://e.example'
      })
    ).toBe(true);
    expect(api.putPreferences).toHaveBeenCalledWith({
      domains: { enterprise: 'https://e.example' }
    });
    expect(model.preferences.domainOf('enterprise')).toBe('https://e.example');
  });

  it('remembers the domain of the chosen service with Set Domain', async () => {
    const { model, api } = setUp();
    await model.initialize();
    model.connection.service = 'enterprise';
    expect(await model.connection.setDomain(' https://e.example ')).toBe(true);
    expect(api.putPreferences).toHaveBeenCalledWith({
      domains: { enterprise: 'https://e.example' }
    });
  });
});
