import { ApiError, IDiagnosis } from '../api';
import { LISTING, setUp } from './fakes';

const FINE_CLOUD: IDiagnosis = {
  ok: true,
  findings: [{ check: 'connection', ok: true, message: 'Signed in to Cloud.', hint: null }],
  checked: {
    connected: true,
    service: 'server',
    domain: LISTING.domain,
    username: 'demo',
    attempt: false
  }
};

describe('Troubleshooting results', () => {
  it('are out of date the moment the status changes', async () => {
    const { model, api, server } = setUp(LISTING);
    await model.initialize();
    api.doctor.mockResolvedValueOnce(FINE_CLOUD);
    await model.doctor.run();
    expect(model.doctor.diagnosis).toEqual(FINE_CLOUD);
    expect(model.doctor.stale).toBe(false);
    // signed out and in to another service elsewhere
    server.status = { ...LISTING, service: 'enterprise', domain: 'https://e.example/api' };
    server.etag += 1;
    await model.connection.reload();
    expect(model.doctor.stale).toBe(true);
    expect(model.doctor.diagnosis).toBeNull();
    expect(model.doctor.tokenRefused).toBe(false);
  });

  it('are out of date when the server computed them for another state', async () => {
    const { model, api } = setUp(LISTING);
    await model.initialize();
    api.doctor.mockResolvedValueOnce({
      ...FINE_CLOUD,
      checked: { ...FINE_CLOUD.checked!, service: 'cloud', domain: 'https://repo.example' }
    });
    await model.doctor.run();
    expect(model.doctor.diagnosis).toBeNull();
    expect(model.doctor.stale).toBe(true);
  });

  it('after a failed sign-in check what was attempted, never the password', async () => {
    const { model, api } = setUp();
    await model.initialize();
    api.connect.mockRejectedValueOnce(new ApiError(502, 'service_unavailable', 'No answer.'));
    await model.connection.signIn({ username: 'u', password: 'secret-pw' }, 'http://127.0.0.1:9');
    await model.doctor.run();
    expect(api.doctor).toHaveBeenLastCalledWith({
      service: 'server',
      domain: 'http://127.0.0.1:9',
      method: 'password'
    });
    expect(JSON.stringify(api.doctor.mock.calls)).not.toContain('secret-pw');
  });

  it('check the connection once a sign-in went through', async () => {
    const { model, api, server } = setUp();
    await model.initialize();
    api.connect.mockRejectedValueOnce(new ApiError(401, 'wrong_credentials', 'No.'));
    await model.connection.signIn({ username: 'u', password: 'p' }, 'https://r.example');
    server.status = LISTING;
    await model.connection.signIn({ username: 'u', password: 'p' }, 'https://r.example');
    await model.doctor.run();
    expect(api.doctor).toHaveBeenLastCalledWith(undefined);
  });
});
