/**
 * Single sign-on (Anaconda Server): start it, open the provider's page in a new tab, then
 * finish with the address the browser landed on (pasted: Jupyter may run on another machine),
 * or cancel. The pasted address is used once and never kept.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { Api, ApiError, ISsoRequest } from '../api';
import { Activity } from './activity';
import { ConnectionModel } from './connection';
import { PreferencesModel } from './preferences';

/** The method id of single sign-on in a service's `sign_in`. */
export const SSO = 'sso';

/** Refusals after which the same sign-in still waits for the right address. */
const KEEP_WAITING = new Set(['sso_state_mismatch', 'bad_redirect_address']);

/** What the person does next, by error code. */
const NEXT_STEP: Record<string, string> = {
  sso_state_mismatch:
    'Still waiting: paste the address of the page this sign-in (the last tab opened) sent you to.',
  bad_redirect_address:
    'Still waiting: paste the whole address of the localhost page the sign-in sent you to.',
  sso_denied: 'Sign in again to retry.',
  sso_not_pending: 'Sign in again to retry.',
  sso_code_refused: 'Sign in again to retry.'
};

export interface ISsoPending {
  id: string;
  /** The provider's sign-in page (a link in case the new tab was blocked). */
  authorizationUrl: string;
}

export type Opener = (url: string) => void;

export function openInNewTab(url: string): void {
  window.open(url, '_blank', 'noopener');
}

export class SsoModel {
  constructor(
    private readonly _api: Api,
    private readonly _activity: Activity,
    private readonly _connection: ConnectionModel,
    private readonly _preferences: PreferencesModel,
    private readonly _open: Opener = openInNewTab
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** A started sign-in waiting for the pasted address. */
  get pending(): ISsoPending | null {
    return this._pending;
  }

  /**
   * "Sign in with single sign-on": the domain typed in the form goes with the request when it
   * differs from the remembered one (the server validates it).
   */
  async start(domain?: string): Promise<boolean> {
    const service = this._connection.service;
    if (!service) {
      return false;
    }
    const typed = (domain ?? '').trim();
    const saved = this._preferences.domainOf(service) ?? '';
    const request: ISsoRequest = {};
    if (typed && typed !== saved) {
      request.domain = typed;
    }
    return this._activity.run('Starting single sign-on…', 'signin', async () => {
      const started = await this._api.startSso(request);
      this._pending = { id: started.id, authorizationUrl: started.authorization_url };
      this._changed.emit();
      this._open(started.authorization_url);
      if (request.domain) {
        await this._preferences.reload().catch(() => undefined);
      }
    });
  }

  /** "Finish": send the address the browser landed on. */
  async finish(address: string): Promise<boolean> {
    const pending = this._pending;
    if (!pending) {
      return false;
    }
    let refused: ApiError | null = null;
    const ok = await this._activity.run('Finishing the sign-in…', 'signin', async () => {
      try {
        const status = await this._api.finishSso(pending.id, address.trim());
        this._pending = null;
        this._connection.adopt(status, SSO);
        this._activity.say(
          'success',
          `Signed in to ${status.service_title ?? 'the repository'}.`,
          'status'
        );
      } catch (error) {
        if (error instanceof ApiError) {
          refused = error;
          if (!KEEP_WAITING.has(error.code)) {
            this._pending = null; // back to the form
          }
        }
        throw error;
      }
    });
    const error = refused as ApiError | null;
    if (error && NEXT_STEP[error.code]) {
      this._activity.say(
        'error',
        `${error.message} ${NEXT_STEP[error.code]}`,
        'signin',
        [],
        error.code
      );
    }
    this._changed.emit();
    return ok;
  }

  /** "Cancel": the server forgets the sign-in (nothing was written). */
  async cancel(): Promise<boolean> {
    const pending = this._pending;
    if (!pending) {
      return false;
    }
    this._pending = null;
    this._changed.emit();
    return this._activity.run('Cancelling the sign-in…', 'signin', async () => {
      const status = await this._api.cancelSso(pending.id);
      this._connection.adopt(status);
      this._activity.say('info', 'Single sign-on cancelled.', 'signin');
    });
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private readonly _changed = new Signal<this, void>(this);
  private _pending: ISsoPending | null = null;
}
