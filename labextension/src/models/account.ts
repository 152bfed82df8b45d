/**
 * The Anaconda Cloud account (anaconda.com): its REST calls and the state the
 * "Anaconda Cloud account" section renders. Independent of the repository connection; after
 * installing or removing a token it asks the repository model to refresh its status.
 */
import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { ApiError, CHANGES_RESTORED, IStatus, requestAPI } from '../api';
import { humanDate } from '../dates';

export interface IAccountStatus {
  allowed: boolean;
  signed_in: boolean;
  domain: string;
  username: string | null;
  managed: boolean;
  expires_at: string | null;
  expired: boolean;
  installed_orgs: string[];
  keyring: string;
  message: string | null;
}

export interface IDeviceLogin {
  login_id: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

interface ILoginProgress {
  state: 'pending' | 'signed_in';
  interval: number;
  account: IAccountStatus | null;
}

export interface IOrganization {
  name: string;
  title: string;
  business: boolean;
  token_expires_at: string | null;
  installed: boolean;
}

interface ITokenInstall {
  org: string;
  expires_at: string;
  revoked_previous: boolean;
  status: IStatus;
}

export type AccountNoteKind = 'success' | 'info' | 'warning' | 'error';

function post(body: unknown = {}): RequestInit {
  return {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' }
  };
}

/** One typed function per account route. */
export function createAccountApi(
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
) {
  const call = <T>(endPoint: string, init: RequestInit = {}): Promise<T> =>
    requestAPI<T>(endPoint, init, settings);
  const id = (loginId: string) => `account/login?${new URLSearchParams({ id: loginId })}`;
  return {
    status: () => call<IAccountStatus>('account'),
    beginLogin: () => call<IDeviceLogin>('account/login', post()),
    checkLogin: (loginId: string) => call<ILoginProgress>(id(loginId)),
    cancelLogin: (loginId: string) => call<IAccountStatus>(id(loginId), { method: 'DELETE' }),
    apiKey: (apiKey: string) => call<IAccountStatus>('account/api-key', post({ api_key: apiKey })),
    orgs: () => call<{ organizations: IOrganization[] }>('account/orgs'),
    install: (org: string, confirmReissue: boolean) =>
      call<ITokenInstall>('account/token', post({ org, confirm_reissue: confirmReissue })),
    removeToken: () => call<IStatus>('account/token', { method: 'DELETE' }),
    logout: () => call<IAccountStatus>('account/logout', post())
  };
}

export type AccountApi = ReturnType<typeof createAccountApi>;

/** The account section's state; components render it and call its methods. */
export class AccountModel {
  constructor(
    private readonly _api: AccountApi,
    private readonly _onRepositoryChange: () => void
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get status(): IAccountStatus | null {
    return this._status;
  }
  get login(): IDeviceLogin | null {
    return this._login;
  }
  get orgs(): IOrganization[] {
    return this._orgs;
  }
  get busy(): string | null {
    return this._busy;
  }
  get note(): { kind: AccountNoteKind; text: string } | null {
    return this._note;
  }
  /** The organisation whose current token a new one would revoke, once the user was told. */
  get reissuePending(): string | null {
    return this._reissue;
  }

  async load(): Promise<void> {
    await this._run('Checking your Anaconda Cloud account…', async () => {
      await this._show(await this._api.status());
    });
  }

  async signIn(): Promise<void> {
    this._note = null;
    await this._run('Asking anaconda.com for a sign-in code…', async () => {
      this._login = await this._api.beginLogin();
    });
    if (this._login) {
      this._schedule(this._login.interval);
    }
  }

  async cancelSignIn(): Promise<void> {
    const login = this._login;
    this._stopPolling();
    this._login = null; // a late answer of a poll in flight is ignored
    if (login) {
      await this._run('Cancelling…', async () => {
        await this._show(await this._api.cancelLogin(login.login_id));
      });
      this._note = { kind: 'info', text: 'Sign-in cancelled.' };
      this._emit();
    }
  }

  async signInWithApiKey(apiKey: string): Promise<void> {
    await this._run('Checking the API key…', async () => {
      await this._show(await this._api.apiKey(apiKey));
      this._note = { kind: 'success', text: 'Signed in.' };
    });
  }

  async install(org: string, confirmReissue = false): Promise<void> {
    await this._run("Installing the organisation's token…", async () => {
      try {
        const done = await this._api.install(org, confirmReissue);
        this._reissue = null;
        const revoked = done.revoked_previous ? ' Its previous token is revoked.' : '';
        const changes = (done.status.changes ?? []).map(c => c.text);
        this._note = {
          kind: 'success',
          text:
            `Installed: conda now uses ${org}'s repository ` +
            `(token expires ${humanDate(done.expires_at)}).${revoked}` +
            (changes.length
              ? ` Changed in .condarc: ${changes.join('; ')}. ${CHANGES_RESTORED}`
              : '')
        };
        this._onRepositoryChange();
        await this._show(await this._api.status());
      } catch (error) {
        if (error instanceof ApiError && error.code === 'confirm_reissue') {
          this._reissue = org;
          this._note = { kind: 'warning', text: error.message };
          return;
        }
        throw error;
      }
    });
  }

  cancelReissue(): void {
    this._reissue = null;
    this._note = { kind: 'info', text: 'Nothing changed: the current token stays.' };
    this._emit();
  }

  async removeToken(): Promise<void> {
    await this._run('Removing the token…', async () => {
      await this._api.removeToken();
      this._onRepositoryChange();
      await this._show(await this._api.status());
      this._note = { kind: 'success', text: 'Token removed; .condarc restored.' };
    });
  }

  async signOut(): Promise<void> {
    await this._run('Signing out…', async () => {
      await this._show(await this._api.logout());
      this._note = { kind: 'success', text: 'Signed out of your Anaconda Cloud account.' };
    });
  }

  dispose(): void {
    this._stopPolling();
    Signal.clearData(this);
  }

  private async _show(status: IAccountStatus): Promise<void> {
    this._status = status;
    this._orgs = [];
    if (status.allowed && status.signed_in && !status.expired) {
      this._orgs = (await this._api.orgs()).organizations;
    }
  }

  private _schedule(seconds: number): void {
    this._stopPolling();
    this._timer = window.setTimeout(() => void this._poll(), Math.max(1, seconds) * 1000);
  }

  private _stopPolling(): void {
    if (this._timer !== null) {
      window.clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private async _poll(): Promise<void> {
    this._timer = null;
    const login = this._login;
    if (!login) {
      return;
    }
    try {
      const progress = await this._api.checkLogin(login.login_id);
      if (this._login !== login) {
        return; // cancelled meanwhile
      }
      if (progress.state === 'signed_in' && progress.account) {
        this._login = null;
        await this._show(progress.account);
        this._note = { kind: 'success', text: 'Signed in.' };
        this._emit();
        return;
      }
      this._schedule(progress.interval);
    } catch (error) {
      if (this._login !== login) {
        return;
      }
      this._login = null;
      this._note = { kind: 'error', text: (error as Error).message };
      this._emit();
    }
  }

  private async _run(label: string, work: () => Promise<void>): Promise<void> {
    this._busy = label;
    this._emit();
    try {
      await work();
    } catch (error) {
      this._note = { kind: 'error', text: (error as Error).message };
    } finally {
      this._busy = null;
      this._emit();
    }
  }

  private _emit(): void {
    this._changed.emit();
  }

  private _changed = new Signal<this, void>(this);
  private _status: IAccountStatus | null = null;
  private _login: IDeviceLogin | null = null;
  private _orgs: IOrganization[] = [];
  private _busy: string | null = null;
  private _note: { kind: AccountNoteKind; text: string } | null = null;
  private _reissue: string | null = null;
  private _timer: number | null = null;
}
