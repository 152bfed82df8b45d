import { ApiError, IAttempted, IDiagnosis } from '../api';
import { DomainCheck } from '../models/domainCheck';

function diagnosis(ok: boolean): IDiagnosis {
  return { ok, findings: [{ check: 'reachable', ok, message: 'm', hint: null }] };
}

describe('DomainCheck', () => {
  it('asks the doctor about the domain as typed and keeps the answer for it only', async () => {
    const asked: (IAttempted | undefined)[] = [];
    const check = new DomainCheck({
      doctor: async attempted => {
        asked.push(attempted);
        return diagnosis(true);
      }
    });
    await check.check('server', ' https://s.example ', 'password');
    expect(asked).toEqual([{ service: 'server', domain: 'https://s.example', method: 'password' }]);
    expect(check.result('server', 'https://s.example')?.diagnosis?.ok).toBe(true);
    expect(check.result('server', 'https://other.example')).toBeNull();
    expect(check.result('enterprise', 'https://s.example')).toBeNull();
  });

  it('says why the check itself failed, and is not checking any more', async () => {
    const check = new DomainCheck({
      doctor: async () => {
        throw new ApiError(400, 'invalid_domain', 'Remove the trailing slash.');
      }
    });
    const running = check.check('server', 'https://s.example/');
    expect(check.checking('server', 'https://s.example/')).toBe(true);
    await running;
    expect(check.checking('server', 'https://s.example/')).toBe(false);
    expect(check.result('server', 'https://s.example/')?.error).toBe('Remove the trailing slash.');
  });
});
