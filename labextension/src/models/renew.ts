/**
 * "Renew": a new token for the connection made here, with the values of one of the service's
 * sign-in methods (the one used by default); `.condarc` and the chosen channels stay.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { Api, IRenewRequest, ISignInMethod } from '../api';
import { Activity } from './activity';
import { ConnectionModel, strips } from './connection';
import { PreferencesModel } from './preferences';

/** Whether a warning of the status is about the token's expiry. */
export function mentionsExpiry(warning: string): boolean {
  return /expir/i.test(warning);
}

export class RenewModel {
  constructor(
    private readonly _api: Api,
    private readonly _activity: Activity,
    private readonly _connection: ConnectionModel,
    private readonly _preferences: PreferencesModel
  ) {
    _connection.statusChanged.connect((_, status) => {
      if (!status?.connected && this._open) {
        this._open = false; // the connection it would renew is gone
        this._changed.emit();
      }
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** When the token expires, where the service said. */
  get expiresAt(): string | null {
    const status = this._connection.status;
    return status?.connected ? (status.expires_at ?? null) : null;
  }
  /** Whether "Renew" is offered: a connection made here whose token expires. */
  get available(): boolean {
    const status = this._connection.status;
    if (!status?.connected || status.source === 'cli') {
      return false;
    }
    return !!status.expires_at || status.warnings.some(mentionsExpiry);
  }
  /** Whether the renew form is shown. */
  get open(): boolean {
    return this._open;
  }
  /** The methods that renew in place (single sign-on takes the browser: not here). */
  get methods(): ISignInMethod[] {
    const info = this._preferences.serviceInfo(this._connection.status?.service);
    return (info?.sign_in ?? []).filter(m => m.fields.length > 0);
  }
  /** The method the form shows: chosen, else the connection's, else the server's default. */
  get method(): ISignInMethod | null {
    const methods = this.methods;
    const service = this._connection.status?.service ?? '';
    for (const id of [
      this._chosen,
      this._connection.signedInWith,
      this._preferences.defaultMethod(service)
    ]) {
      const found = methods.find(m => m.id === id);
      if (found) {
        return found;
      }
    }
    return methods[0] ?? null;
  }
  setMethod(id: string): void {
    this._chosen = id;
    this._changed.emit();
  }

  show(): void {
    this._open = true;
    this._chosen = null;
    this._changed.emit();
  }
  hide(): void {
    this._open = false;
    this._changed.emit();
  }

  /** Renew with the form's values (field name → text). */
  async renew(values: Record<string, string>): Promise<boolean> {
    const method = this.method;
    if (!method) {
      return false;
    }
    const request: IRenewRequest = { method: method.id };
    for (const field of method.fields) {
      const value = values[field.name] ?? '';
      (request as Record<string, string>)[field.name] = strips(field) ? value.trim() : value;
    }
    return this._activity.run('Renewing…', 'status', async () => {
      const status = await this._api.renew(request);
      this._open = false;
      this._connection.adopt(status, method.id);
      this._activity.say('success', 'Renewed: a new token is in use.', 'status');
    });
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private readonly _changed = new Signal<this, void>(this);
  private _open = false;
  private _chosen: string | null = null;
}
