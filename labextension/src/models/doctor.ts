/**
 * Troubleshooting: the doctor's findings, each with its fix. A diagnosis belongs to the state
 * it was computed for: once the status changes it is out of date and is not shown as current.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { Api, IDiagnosis, IStatus } from '../api';
import { Activity } from './activity';
import { ConnectionModel } from './connection';

/** Checks whose failure means the connection does not work right now. */
const LIVE_CHECKS = new Set(['token', 'tls', 'reachable']);

/** What of a status a diagnosis depends on: when it differs, the diagnosis is out of date. */
export function stateKey(status: IStatus | null): string {
  return JSON.stringify([
    !!status?.connected,
    status?.service ?? null,
    status?.domain ?? null,
    status?.username ?? null,
    status?.channels ?? [],
    status?.default_channels ?? null,
    status?.channel_alias ?? null
  ]);
}

/** Whether the server's `checked` still describes `status`. */
function stillDescribes(diagnosis: IDiagnosis, status: IStatus | null): boolean {
  const checked = diagnosis.checked;
  if (!checked) {
    return true; // an older server: the key alone decides
  }
  if (checked.attempt) {
    return !status?.connected;
  }
  return (
    checked.connected === !!status?.connected &&
    (!checked.connected ||
      (checked.service === status?.service &&
        checked.domain === status?.domain &&
        checked.username === (status?.username ?? null)))
  );
}

export class DoctorModel {
  constructor(
    private readonly _api: Api,
    private readonly _activity: Activity,
    private readonly _connection: ConnectionModel
  ) {
    _connection.statusChanged.connect(this._onStatus, this);
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** The last diagnosis while it still describes the current state; else null. */
  get diagnosis(): IDiagnosis | null {
    return this._stale ? null : this._diagnosis;
  }
  /** Whether results exist but were computed for an earlier state ("out of date"). */
  get stale(): boolean {
    return this._stale;
  }
  /** Counts "Troubleshoot" requests: the section opens and takes focus on a change. */
  get requests(): number {
    return this._requests;
  }

  /**
   * "Troubleshoot": run the checks; the section opens and takes focus. Signed out after a
   * failed sign-in, the checks are those of the sign-in attempted (its service and domain).
   */
  async run(): Promise<boolean> {
    this._requests++;
    this._changed.emit();
    return this._activity.run('Running the checks…', 'doctor', async () => {
      await this._connection.reload(); // the checks are tagged with the status they are for
      const attempted = this._connection.connected ? null : this._connection.failedAttempt;
      await this._check(attempted ?? undefined);
    });
  }

  /** Run the connection's checks; resolves to the problems that mean it fails now. */
  async check(): Promise<string[]> {
    const diagnosis = await this._check();
    return diagnosis.findings
      .filter(f => !f.ok && LIVE_CHECKS.has(f.check))
      .map(f => (f.hint ? `${f.message} ${f.hint}` : f.message));
  }

  /** Whether the last check found the repository refusing the connection's token. */
  get tokenRefused(): boolean {
    return !!this.diagnosis?.findings.some(f => f.check === 'token' && !f.ok);
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private async _check(attempted?: Parameters<Api['doctor']>[0]): Promise<IDiagnosis> {
    const diagnosis = await this._api.doctor(attempted);
    this._diagnosis = diagnosis;
    this._key = stateKey(this._connection.status);
    this._stale = !stillDescribes(diagnosis, this._connection.status);
    this._changed.emit();
    return diagnosis;
  }

  private _onStatus(_: ConnectionModel, status: IStatus | null): void {
    if (this._diagnosis && !this._stale && stateKey(status) !== this._key) {
      this._stale = true;
      this._changed.emit();
    }
  }

  private readonly _changed = new Signal<this, void>(this);
  private _diagnosis: IDiagnosis | null = null;
  private _key = '';
  private _stale = false;
  private _requests = 0;
}
