/**
 * Single sign-on (Anaconda Server): start it, open the provider's page in a new tab, then
 * finish with the address the browser landed on, or cancel. When the browser runs on the
 * Jupyter server's machine (the page's host is loopback), the server listens on that address
 * and finishes by itself (polled here); elsewhere (JupyterHub, a remote JupyterLab) the
 * browser cannot reach it and the person pastes the address. A pasted address is used once
 * and never kept.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { Api, ApiError, IAttempted, ISsoProgress, ISsoRequest } from '../api';
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
  /** The server takes the redirect itself: no address to paste (though one still works). */
  listening: boolean;
  /** What was attempted, for "Troubleshoot" if it fails (the domain typed, if any). */
  attempted: IAttempted;
}

/** Milliseconds between two questions to a listening sign-in. */
export const SSO_POLL_MS = 1000;

/**
 * Whether this page was loaded from the Jupyter server's own machine (a loopback host), so a
 * redirect to `http://localhost:<port>/` reaches the server's listener. A proxied or remote
 * Jupyter is reached by another name: the pasted address is the way there.
 */
export function browserOnServerMachine(hostname: string = window.location.hostname): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
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
    private readonly _open: Opener = openInNewTab,
    private readonly _sameMachine: () => boolean = browserOnServerMachine
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** A started sign-in waiting for the browser's redirect (listened for, or pasted). */
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
    if (this._sameMachine()) {
      request.listen = true;
    }
    const attempted: IAttempted = { service, domain: request.domain, method: SSO };
    return this._activity.run('Starting single sign-on…', 'signin', async () => {
      let started;
      try {
        started = await this._api.startSso(request);
      } catch (error) {
        this._connection.noteFailure(attempted);
        throw error;
      }
      this._pending = {
        id: started.id,
        authorizationUrl: started.authorization_url,
        listening: started.listening === true,
        attempted
      };
      this._changed.emit();
      this._open(started.authorization_url);
      if (this._pending.listening) {
        this._schedule(this._pending.id, started.expires_in);
      }
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
        this._connection.saySignedIn(status);
      } catch (error) {
        if (error instanceof ApiError) {
          refused = error;
          if (!KEEP_WAITING.has(error.code)) {
            this._pending = null; // back to the form
            this._connection.noteFailure(pending.attempted);
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
    this._stopPolling();
    this._pending = null;
    this._changed.emit();
    return this._activity.run('Cancelling the sign-in…', 'signin', async () => {
      const status = await this._api.cancelSso(pending.id);
      this._connection.adopt(status);
      this._activity.say('info', 'Single sign-on cancelled.', 'signin');
    });
  }

  dispose(): void {
    this._stopPolling();
    Signal.clearData(this);
  }

  /** Ask a listening sign-in for its outcome every SSO_POLL_MS, until it ends or expires. */
  private _schedule(id: string, expiresIn: number): void {
    this._stopPolling();
    const until = Date.now() + Math.max(expiresIn, 0) * 1000;
    const tick = async (): Promise<void> => {
      this._timer = null;
      if (this._pending?.id !== id) {
        return; // finished by a pasted address, or cancelled
      }
      let progress: ISsoProgress | null = null;
      try {
        progress = await this._api.ssoProgress(id);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'sso_not_pending') {
          progress = { state: 'failed', status: null, error: error.code, message: error.message };
        }
        // Otherwise (the Jupyter server briefly unreachable): ask again.
      }
      if (this._pending?.id !== id) {
        return;
      }
      if (progress && progress.state !== 'waiting') {
        this._ended(progress);
      } else if (Date.now() >= until) {
        this._ended({
          state: 'failed',
          status: null,
          error: 'sso_not_pending',
          message: 'The single sign-on was not completed in time; nothing was changed.'
        });
      } else {
        this._timer = setTimeout(() => void tick(), SSO_POLL_MS);
      }
    };
    this._timer = setTimeout(() => void tick(), SSO_POLL_MS);
  }

  /** The listener's outcome: connected, or the refusal and what to do. */
  private _ended(progress: ISsoProgress): void {
    const attempted = this._pending?.attempted;
    this._pending = null;
    if (progress.state === 'signed_in' && progress.status) {
      this._connection.adopt(progress.status, SSO);
      this._connection.saySignedIn(progress.status);
    } else {
      if (attempted) {
        this._connection.noteFailure(attempted);
      }
      const code = progress.error ?? 'error';
      const message = progress.message ?? 'The single sign-on did not finish.';
      this._activity.say(
        'error',
        `${message} ${NEXT_STEP[code] ?? 'Sign in again to retry.'}`,
        'signin',
        [],
        code
      );
    }
    this._changed.emit();
  }

  private _stopPolling(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private readonly _changed = new Signal<this, void>(this);
  private _pending: ISsoPending | null = null;
  private _timer: ReturnType<typeof setTimeout> | null = null;
}
