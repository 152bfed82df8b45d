import { ApiError } from '../api';
import { LISTING, preferences, setUp, SIGNED_OUT } from './fakes';

describe('ConnectionModel: sign-in and sign-out', () => {
  it('offers the allowed services, the server default first', async () => {
    const { model } = setUp(SIGNED_OUT, preferences({ allowed_services: ['cloud', 'enterprise'] }));
    await model.initialize();
    const connection = model.connection;
    expect(connection.services.map(s => s.id)).toEqual(['cloud', 'enterprise']);
    expect(connection.service).toBe('cloud'); // the default is not allowed: the first one
    connection.service = 'enterprise';
    expect(connection.method?.submit).toBe('Login');
  });

  it('signs in with the fields of the method, then shows the connection', async () => {
    const { model, api, server } = setUp();
    await model.initialize();
    const connection = model.connection;
    expect(connection.service).toBe('server');
    const changes: boolean[] = [];
    connection.statusChanged.connect((_, status) => changes.push(!!status?.connected));
    server.status = LISTING;

    const ok = await connection.signIn(
      { username: ' demo ', password: ' secret ' },
      'https://repo.example.com'
    );

    expect(ok).toBe(true);
    expect(api.connect).toHaveBeenCalledWith(
      {
        service: 'server',
        username: 'demo',
        password: ' secret ', // a password keeps its spaces
        domain: 'https://repo.example.com',
        attempt: expect.stringMatching(/^signin-/)
      },
      expect.anything()
    );
    expect(connection.connected).toBe(true);
    expect(changes).toEqual([true]);
    expect(model.activity.feedback).toMatchObject({
      kind: 'success',
      at: 'status',
      text: `Signed in to ${LISTING.service_title}.`
    });
    expect(model.activity.busy).toBeNull();
  });

  it('refuses a domain that is not a URL without asking the server', async () => {
    const { model, api } = setUp();
    await model.initialize();
    const ok = await model.connection.signIn({ username: 'u', password: 'p' }, 'repo.example');
    expect(ok).toBe(false);
    expect(api.connect).not.toHaveBeenCalled();
    expect(model.connection.domainError).toMatch(/not a URL/);
    expect(model.activity.feedback?.code).toBe('invalid_domain');
  });

  it('keeps a TLS failure for the user to trust, then signs in trusting it', async () => {
    const { model, api, server } = setUp();
    await model.initialize();
    api.connect.mockRejectedValueOnce(new ApiError(502, 'tls_failure', 'Certificate refused.'));
    expect(
      await model.connection.signIn({ username: 'u', password: 'p' }, 'https://r.example')
    ).toBe(false);
    expect(model.connection.trustPending).toBe(true);
    server.status = LISTING;
    expect(await model.connection.trustServer()).toBe(true);
    expect(api.connect).toHaveBeenLastCalledWith(
      expect.objectContaining({ trust_server: true, username: 'u' }),
      expect.anything()
    );
    expect(model.connection.trustPending).toBe(false);
  });

  it('shows the real state when the server says the state moved', async () => {
    const { model, api, server } = setUp();
    await model.initialize();
    server.status = LISTING; // another surface signed in meanwhile
    api.connect.mockRejectedValueOnce(
      new ApiError(409, 'already_connected', 'Already connected.', true)
    );
    expect(await model.connection.signIn({ username: 'u', password: 'p' })).toBe(false);
    expect(model.connection.connected).toBe(true);
    expect(model.activity.feedback).toMatchObject({
      kind: 'error',
      at: 'status',
      code: 'already_connected'
    });
    expect(model.activity.feedback?.text).toMatch(/now shows the current state/);
  });

  it('leaves the state alone for an error that did not move it', async () => {
    const { model, api } = setUp();
    await model.initialize();
    api.connect.mockRejectedValueOnce(new ApiError(409, 'already_connected', 'No.', false));
    await model.connection.signIn({ username: 'u', password: 'p' });
    expect(model.activity.feedback?.text).toBe('No.');
  });

  it('says what a sign-out did to .condarc, as the server told it', async () => {
    const { model } = setUp({ ...LISTING, sign_out_note: 'default_channels was removed.' });
    await model.initialize();
    expect(await model.connection.signOut()).toBe(true);
    expect(model.connection.connected).toBe(false);
    expect(model.activity.feedback).toMatchObject({
      kind: 'success',
      at: 'signin',
      text: 'Signed out. default_channels was removed.'
    });
  });

  it('allows one state-changing request at a time', async () => {
    const { model, api } = setUp(LISTING);
    await model.initialize();
    const first = model.connection.signOut();
    expect(model.activity.busy).toBe('Signing out…');
    expect(await model.refresh()).toBe(false);
    await first;
    expect(api.disconnect).toHaveBeenCalledTimes(1);
  });
});

describe('Cancel', () => {
  it('cancels the sign-in on the server, by the id it was sent with', async () => {
    const { model, api } = setUp();
    await model.initialize();
    let release: () => void = () => undefined;
    api.connect.mockImplementationOnce(
      (_body, signal) =>
        new Promise((_resolve, reject) => {
          release = () => reject(new DOMException('aborted', 'AbortError'));
          signal?.addEventListener('abort', () => release());
        })
    );
    const signingIn = model.connection.signIn(
      { username: 'demo', password: 'pw' },
      'https://repo.example.com'
    );
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.connection.cancellable).toBe(true);
    model.connection.cancelSignIn();
    expect(await signingIn).toBe(false);
    const sent = api.connect.mock.calls[0][0];
    expect(api.cancelConnect).toHaveBeenCalledWith(sent.attempt);
    expect(sent.attempt).toMatch(/^signin-/);
  });
});

describe('Refresh', () => {
  it('never calls a connection whose token is refused "Connected", until it changes', async () => {
    const { model, api, server } = setUp(LISTING);
    await model.initialize();
    api.doctor.mockResolvedValueOnce({
      ok: false,
      findings: [
        {
          check: 'token',
          ok: false,
          message: 'The repository refused your token.',
          hint: 'Renew the sign-in.'
        }
      ]
    });
    await model.refresh();
    expect(model.connection.tokenRefused).toBe(true);
    expect(model.connection.liveWarnings).toEqual([
      'The repository refused your token. Renew the sign-in.'
    ]);
    server.status = { ...LISTING, expires_at: '2030-01-01T00:00:00Z' }; // renewed elsewhere
    server.etag += 1;
    await model.connection.reload();
    expect(model.connection.tokenRefused).toBe(false);
  });
});
