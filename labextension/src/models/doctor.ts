/**
 * Troubleshooting: the doctor's findings, each with its fix.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { Api, IDiagnosis } from '../api';
import { Activity } from './activity';

/** Checks whose failure means the connection does not work right now. */
const LIVE_CHECKS = new Set(['token', 'tls', 'reachable']);

export class DoctorModel {
  constructor(
    private readonly _api: Api,
    private readonly _activity: Activity
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get diagnosis(): IDiagnosis | null {
    return this._diagnosis;
  }
  /** Counts "Troubleshoot" requests: the section opens and takes focus on a change. */
  get requests(): number {
    return this._requests;
  }

  /** "Troubleshoot": run the checks; the section opens and takes focus. */
  async run(): Promise<boolean> {
    this._requests++;
    this._changed.emit();
    return this._activity.run('Running the checks…', 'doctor', async () => {
      await this.check();
    });
  }

  /** Run the checks; resolves to the problems that mean the connection fails now. */
  async check(): Promise<string[]> {
    const diagnosis = await this._api.doctor();
    this._diagnosis = diagnosis;
    this._changed.emit();
    return diagnosis.findings
      .filter(f => !f.ok && LIVE_CHECKS.has(f.check))
      .map(f => (f.hint ? `${f.message} ${f.hint}` : f.message));
  }

  /** Whether the last check found the repository refusing the connection's token. */
  get tokenRefused(): boolean {
    return !!this._diagnosis?.findings.some(f => f.check === 'token' && !f.ok);
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private readonly _changed = new Signal<this, void>(this);
  private _diagnosis: IDiagnosis | null = null;
  private _requests = 0;
}
