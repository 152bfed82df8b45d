/**
 * "Check" next to Set Domain: before signing in, is the typed domain reachable, over TLS, and
 * that service at all? The doctor's checks of a sign-in attempted, without credentials
 * (`GET doctor?service=&domain=&method=`); nothing is written.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { Api, IDiagnosis } from '../api';

interface IResult {
  key: string;
  diagnosis: IDiagnosis | null;
  /** Why the check itself failed (e.g. a malformed domain). */
  error: string | null;
}

function keyOf(service: string, domain: string): string {
  return JSON.stringify([service, domain.trim()]);
}

export class DomainCheck {
  constructor(private readonly _api: Pick<Api, 'doctor'>) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Whether this service and domain are being checked now. */
  checking(service: string, domain: string): boolean {
    return this._checking === keyOf(service, domain);
  }

  /** The last result for exactly this service and domain (null: not checked as typed). */
  result(service: string, domain: string): IResult | null {
    return this._result?.key === keyOf(service, domain) ? this._result : null;
  }

  async check(service: string, domain: string, method?: string): Promise<void> {
    const key = keyOf(service, domain);
    this._checking = key;
    this._changed.emit();
    let result: IResult;
    try {
      const diagnosis = await this._api.doctor({ service, domain: domain.trim(), method });
      result = { key, diagnosis, error: null };
    } catch (error) {
      result = { key, diagnosis: null, error: (error as Error)?.message ?? String(error) };
    }
    if (this._checking === key) {
      this._checking = null;
    }
    this._result = result;
    this._changed.emit();
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private readonly _changed = new Signal<this, void>(this);
  private _checking: string | null = null;
  private _result: IResult | null = null;
}
