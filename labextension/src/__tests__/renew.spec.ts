import { LISTING, preferences, SERVER_METHODS, SERVICES, setUp, SIGNED_OUT, settle } from './fakes';

const WITH_METHODS = SERVICES.map(s => (s.id === 'server' ? { ...s, sign_in: SERVER_METHODS } : s));

function serverPrefs(defaultMethod?: string) {
  return preferences({
    services: WITH_METHODS,
    domains: { server: 'https://repo.example.com', enterprise: null },
    ...(defaultMethod ? { default_methods: { server: defaultMethod } } : {})
  });
}

describe('Renew', () => {
  const EXPIRING = {
    ...LISTING,
    expires_at: '2030-01-02T00:00:00Z',
    package_managers: ['rattler']
  };

  it('is offered when the token expires, not for a command-line connection', async () => {
    const { model } = setUp(EXPIRING, serverPrefs());
    await model.initialize();
    expect(model.renew.available).toBe(true);
    expect(model.renew.expiresAt).toBe('2030-01-02T00:00:00Z');
    model.connection.adopt({ ...EXPIRING, source: 'cli' });
    expect(model.renew.available).toBe(false);
    model.connection.adopt({ ...LISTING, warnings: ['The token expires in 3 days.'] });
    expect(model.renew.available).toBe(true);
    model.connection.adopt(LISTING);
    expect(model.renew.available).toBe(false);
  });

  it("renews with the connection's method, never single sign-on", async () => {
    const { model, api, server } = setUp(SIGNED_OUT, serverPrefs());
    await model.initialize();
    model.connection.setMethod('access_token');
    server.status = EXPIRING;
    await model.connection.signIn({ token: 'tok' });
    expect(model.renew.methods.map(m => m.id)).toEqual(['password', 'access_token']);
    expect(model.renew.method?.id).toBe('access_token');
    model.renew.show();
    expect(await model.renew.renew({ token: ' new ' })).toBe(true);
    expect(api.renew).toHaveBeenCalledWith({ method: 'access_token', token: 'new' });
    expect(model.renew.open).toBe(false);
    expect(model.activity.feedback?.text).toMatch(/Renewed/);
  });

  it('falls back to the default method, and closes when signed out', async () => {
    const { model, api, server } = setUp(EXPIRING, serverPrefs('sso'));
    await model.initialize();
    expect(model.renew.method?.id).toBe('password'); // sso does not renew in place
    model.renew.show();
    expect(await model.renew.renew({ username: 'demo', password: ' p ' })).toBe(true);
    expect(api.renew).toHaveBeenCalledWith({
      method: 'password',
      username: 'demo',
      password: ' p '
    });
    model.renew.show();
    server.status = SIGNED_OUT;
    await model.connection.signOut();
    await settle();
    expect(model.renew.open).toBe(false);
  });
});
