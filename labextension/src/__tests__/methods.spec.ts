import { ApiError, CHANGES_RESTORED } from '../api';
import { browserOnServerMachine, SSO_POLL_MS } from '../models/sso';
import { LISTING, preferences, SERVER_METHODS, SERVICES, setUp, SIGNED_OUT } from './fakes';

const WITH_METHODS = SERVICES.map(s => (s.id === 'server' ? { ...s, sign_in: SERVER_METHODS } : s));

function serverPrefs(defaultMethod?: string) {
  return preferences({
    services: WITH_METHODS,
    domains: { server: 'https://repo.example.com', enterprise: null },
    ...(defaultMethod ? { default_methods: { server: defaultMethod } } : {})
  });
}

describe('Sign-in methods', () => {
  it('offers the server default method first, and the choice', async () => {
    const { model } = setUp(SIGNED_OUT, serverPrefs('sso'));
    await model.initialize();
    const connection = model.connection;
    expect(connection.methods.map(m => m.id)).toEqual(['password', 'sso', 'access_token']);
    expect(connection.method?.id).toBe('sso');
    connection.setMethod('access_token');
    expect(connection.method?.id).toBe('access_token');
    connection.setMethod('nonsense');
    expect(connection.method?.id).toBe('access_token');
  });

  it('sends the chosen method with its fields', async () => {
    const { model, api, server } = setUp(SIGNED_OUT, serverPrefs());
    await model.initialize();
    model.connection.setMethod('access_token');
    server.status = LISTING;
    expect(await model.connection.signIn({ token: ' tok ' })).toBe(true);
    expect(api.connect).toHaveBeenCalledWith(
      { service: 'server', method: 'access_token', token: 'tok', attempt: expect.any(String) },
      expect.anything()
    );
    expect(model.connection.signedInWith).toBe('access_token');
  });

  it('never sends single sign-on as a connect', async () => {
    const { model, api } = setUp(SIGNED_OUT, serverPrefs('sso'));
    await model.initialize();
    expect(await model.connection.signIn({})).toBe(false);
    expect(api.connect).not.toHaveBeenCalled();
  });
});

describe('Single sign-on', () => {
  async function started(defaultMethod = 'sso') {
    const setup = setUp(SIGNED_OUT, serverPrefs(defaultMethod));
    await setup.model.initialize();
    expect(await setup.model.sso.start('https://repo.example.com')).toBe(true);
    return setup;
  }

  it('opens the provider page and waits for the pasted address', async () => {
    const { model, api, opened } = await started();
    expect(api.startSso).toHaveBeenCalledWith({}); // the remembered domain is not resent
    expect(opened).toEqual(['https://idp.example.com/auth?state=s']);
    expect(model.sso.pending?.id).toBe('sso-1');
  });

  it('sends a newly typed domain', async () => {
    const { model, api } = setUp(SIGNED_OUT, serverPrefs('sso'));
    await model.initialize();
    await model.sso.start(' https://other.example.com ');
    expect(api.startSso).toHaveBeenCalledWith({ domain: 'https://other.example.com' });
  });

  it('finishes with the address and shows the connection', async () => {
    const { model, api, server } = await started();
    server.status = LISTING;
    expect(await model.sso.finish(' http://localhost:8765/?code=c&state=s ')).toBe(true);
    expect(api.finishSso).toHaveBeenCalledWith('sso-1', 'http://localhost:8765/?code=c&state=s');
    expect(model.sso.pending).toBeNull();
    expect(model.connection.connected).toBe(true);
    expect(model.connection.signedInWith).toBe('sso');
  });

  it.each(['sso_state_mismatch', 'bad_redirect_address'])(
    'keeps waiting after %s and says so',
    async code => {
      const { model, api } = await started();
      api.finishSso.mockRejectedValueOnce(new ApiError(400, code, 'Not that address.'));
      expect(await model.sso.finish('http://localhost:1/?x')).toBe(false);
      expect(model.sso.pending?.id).toBe('sso-1');
      expect(model.activity.feedback).toMatchObject({ kind: 'error', at: 'signin', code });
      expect(model.activity.feedback?.text).toMatch(/^Not that address\. Still waiting/);
    }
  );

  it.each(['sso_denied', 'sso_not_pending'])('goes back to the form after %s', async code => {
    const { model, api } = await started();
    api.finishSso.mockRejectedValueOnce(new ApiError(401, code, 'Refused.'));
    expect(await model.sso.finish('http://localhost:1/?x')).toBe(false);
    expect(model.sso.pending).toBeNull();
    expect(model.activity.feedback?.code).toBe(code);
    expect(model.connection.method?.id).toBe('sso');
  });

  describe("on the Jupyter server's machine", () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    async function listening() {
      const setup = setUp(SIGNED_OUT, serverPrefs('sso'), true);
      setup.api.startSso.mockImplementationOnce(async body => ({
        id: 'sso-1',
        authorization_url: 'https://idp.example.com/auth?state=s',
        redirect_uri: 'http://localhost:8765/',
        expires_in: 600,
        listening: body.listen === true
      }));
      await setup.model.initialize();
      expect(await setup.model.sso.start()).toBe(true);
      return setup;
    }

    it('asks the server to listen, then finishes by itself', async () => {
      const { model, api, server } = await listening();
      expect(api.startSso).toHaveBeenCalledWith({ listen: true });
      expect(model.sso.pending?.listening).toBe(true);
      await jest.advanceTimersByTimeAsync(SSO_POLL_MS);
      expect(api.ssoProgress).toHaveBeenCalledWith('sso-1');
      expect(model.sso.pending).not.toBeNull(); // still waiting
      server.status = LISTING;
      api.ssoProgress.mockResolvedValueOnce({
        state: 'signed_in',
        status: LISTING,
        error: null,
        message: null
      });
      await jest.advanceTimersByTimeAsync(SSO_POLL_MS);
      expect(model.sso.pending).toBeNull();
      expect(model.connection.connected).toBe(true);
      expect(model.connection.signedInWith).toBe('sso');
      const calls = api.ssoProgress.mock.calls.length;
      await jest.advanceTimersByTimeAsync(5 * SSO_POLL_MS);
      expect(api.ssoProgress.mock.calls.length).toBe(calls); // polling stopped
    });

    it('says why a listened sign-in failed and goes back to the form', async () => {
      const { model, api } = await listening();
      api.ssoProgress.mockResolvedValueOnce({
        state: 'failed',
        status: null,
        error: 'sso_denied',
        message: 'The sign-in was refused at the provider.'
      });
      await jest.advanceTimersByTimeAsync(SSO_POLL_MS);
      expect(model.sso.pending).toBeNull();
      expect(model.activity.feedback).toMatchObject({ kind: 'error', code: 'sso_denied' });
      expect(model.activity.feedback?.text).toMatch(/refused at the provider\. Sign in again/);
    });

    it('stops asking once cancelled', async () => {
      const { model, api } = await listening();
      await model.sso.cancel();
      await jest.advanceTimersByTimeAsync(5 * SSO_POLL_MS);
      expect(api.ssoProgress).not.toHaveBeenCalled();
    });
  });

  it('says what the sign-in changed, as a password sign-in does', async () => {
    const { model, server } = await started();
    const change = { key: 'channels', before: ['defaults'], after: [], text: 'channels: …' };
    server.status = { ...LISTING, changes: [change] };
    await model.sso.finish('http://localhost:8765/?code=c&state=s');
    expect(model.activity.feedback?.text).toContain(CHANGES_RESTORED);
    expect(model.activity.feedback?.details).toEqual(['channels: …']);
  });

  it('leaves what it attempted for Troubleshoot when it fails', async () => {
    const { model, api } = setUp(SIGNED_OUT, serverPrefs('sso'));
    await model.initialize();
    api.startSso.mockRejectedValueOnce(new ApiError(502, 'sso_not_offered', 'No SSO here.'));
    expect(await model.sso.start(' https://other.example.com ')).toBe(false);
    expect(model.connection.failedAttempt).toEqual({
      service: 'server',
      domain: 'https://other.example.com',
      method: 'sso'
    });
  });

  it('does not ask for a listener when the page comes from another machine', async () => {
    const { api } = await started();
    expect(api.startSso).toHaveBeenCalledWith({});
  });

  it('cancels at the server', async () => {
    const { model, api } = await started();
    expect(await model.sso.cancel()).toBe(true);
    expect(api.cancelSso).toHaveBeenCalledWith('sso-1');
    expect(model.sso.pending).toBeNull();
  });
});

describe('browserOnServerMachine', () => {
  it.each(['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'LOCALHOST'])('%s is', host =>
    expect(browserOnServerMachine(host)).toBe(true)
  );
  it.each(['hub.example.org', '10.0.0.5', '127.0.0.1.nip.io', 'localhost.example.org', ''])(
    '%s is not',
    host => expect(browserOnServerMachine(host)).toBe(false)
  );
});
