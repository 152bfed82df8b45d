/**
 * The connection: its status (one live truth, read cheaply with the last ETag), the sign-in
 * form's state and intents, and "Sign out". What a service offers comes from the server (its
 * capabilities and sign-in methods); the panel never asks which service it is.
 */
import { ISignal, Signal } from '@lumino/signaling';

import {
  Api,
  ApiError,
  CHANGES_RESTORED,
  IAttempted,
  ICapabilities,
  IConnectRequest,
  ISignInField,
  ISignInMethod,
  IServiceInfo,
  IStatus
} from '../api';
import { Activity } from './activity';
import { PreferencesModel } from './preferences';

/** Error codes that belong to the domain field. */
const DOMAIN_CODES = new Set(['invalid_domain', 'domain_required', 'wrong_domain', 'not_allowed']);

/** Whether a sign-in field's value loses its surrounding spaces. */
export function strips(field: ISignInField): boolean {
  return field.strip ?? !field.secret;
}

export class ConnectionModel {
  constructor(
    private readonly _api: Api,
    private readonly _activity: Activity,
    private readonly _preferences: PreferencesModel
  ) {
    // Any action may have changed the status: the next check reads it in full.
    _activity.settled.connect(() => (this._etag = null));
    _activity.dismissed.connect(() => this.cancelTrust());
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** Emitted when the status changes (the status bar, the picker and Configure Conda follow). */
  get statusChanged(): ISignal<this, IStatus | null> {
    return this._statusChanged;
  }
  get status(): IStatus | null {
    return this._status;
  }
  get connected(): boolean {
    return !!this._status?.connected;
  }
  /** What the connected service offers; null while signed out. */
  get capabilities(): ICapabilities | null {
    return this._status?.connected ? (this._status.capabilities ?? null) : null;
  }
  /** Problems found by the last "Refresh" (token refused, server unreachable...). */
  get liveWarnings(): string[] {
    return this._liveWarnings;
  }
  set liveWarnings(warnings: string[]) {
    this._liveWarnings = warnings;
    this._changed.emit();
  }
  /** "Refresh" found the repository refusing the token: signed in here, but not working. */
  get tokenRefused(): boolean {
    return this._tokenRefused;
  }
  set tokenRefused(refused: boolean) {
    this._tokenRefused = refused;
    this._changed.emit();
    this._statusChanged.emit(this._status);
  }

  // --- the sign-in form -------------------------------------------------------------
  /** The services the sign-in form offers. */
  get services(): IServiceInfo[] {
    return this._preferences.allowedServices;
  }
  /** The id of the service chosen in the sign-in form (null before the preferences load). */
  get service(): string | null {
    const chosen = this._service;
    if (chosen && this.services.some(s => s.id === chosen)) {
      return chosen;
    }
    return this._preferences.defaultService;
  }
  set service(id: string | null) {
    this._service = id;
    this._domainError = null;
    this._changed.emit();
  }
  get serviceInfo(): IServiceInfo | null {
    return this._preferences.serviceInfo(this.service);
  }
  /** The chosen service's sign-in methods (the form offers a choice when there are several). */
  get methods(): ISignInMethod[] {
    return this.serviceInfo?.sign_in ?? [];
  }
  /** The sign-in method the form shows: the one chosen, else the server's default, else the first. */
  get method(): ISignInMethod | null {
    const methods = this.methods;
    const service = this.service;
    if (!service) {
      return methods[0] ?? null;
    }
    const chosen = this._methods[service];
    const preferred = this._preferences.defaultMethod(service);
    return (
      methods.find(m => m.id === chosen) ??
      methods.find(m => m.id === preferred) ??
      methods[0] ??
      null
    );
  }
  /** Choose the sign-in method of the chosen service. */
  setMethod(id: string): void {
    const service = this.service;
    if (service && this.methods.some(m => m.id === id)) {
      this._methods[service] = id;
      this._changed.emit();
    }
  }
  /** The method of the sign-in made in this panel (null when unknown: made before or elsewhere). */
  get signedInWith(): string | null {
    return this._signedInWith;
  }
  /** The message of the domain field, when the typed domain cannot be used. */
  get domainError(): string | null {
    return this._domainError;
  }
  /** Whether the request in flight is a sign-in that can be cancelled. */
  get cancellable(): boolean {
    return this._signIn !== null;
  }
  /** The last sign-in that failed here (service, domain typed, method; never a secret), until
   * the status changes: what "Troubleshoot" checks while signed out. */
  get failedAttempt(): IAttempted | null {
    return this._failedAttempt;
  }
  /** A TLS failure waiting for the user's "Trust this server" decision. */
  get trustPending(): boolean {
    return this._trustRequest !== null;
  }

  /** Say that a sign-in (any method) went through, and what it changed in `.condarc`. */
  saySignedIn(status: IStatus): void {
    const changes = (status.changes ?? []).map(c => c.text);
    this._activity.say(
      'success',
      `Signed in to ${status.service_title ?? 'the repository'}.` +
        (changes.length ? ` ${CHANGES_RESTORED} Changed in .condarc:` : ''),
      'status',
      changes
    );
  }

  /** Remember a sign-in that failed here (never a secret), for "Troubleshoot". */
  noteFailure(attempted: IAttempted): void {
    this._failedAttempt = {
      ...attempted,
      domain: attempted.domain ?? this._preferences.domainOf(attempted.service) ?? undefined
    };
  }

  // --- reading the status -----------------------------------------------------------
  /** One cheap check (304 while unchanged) that applies a change made elsewhere; throws. */
  async poll(): Promise<void> {
    if (this._activity.busy || this._checking) {
      return;
    }
    this._checking = true;
    try {
      const answer = await this._api.statusIfChanged(this._etag);
      if (answer && !this._activity.busy) {
        this._etag = answer.etag;
        this._applyExternal(answer.status);
      }
    } finally {
      this._checking = false;
    }
  }

  /** Like `poll`, never failing: the next check retries. */
  async check(): Promise<void> {
    try {
      await this.poll();
    } catch {
      // An unreachable server shows on the next user action.
    }
  }

  /** Read the status in full (no message about what changed). */
  async reload(): Promise<void> {
    const answer = await this._api.statusIfChanged(null);
    if (answer) {
      this._etag = answer.etag;
      this._setStatus(answer.status);
    }
  }

  // --- intents ----------------------------------------------------------------------
  /** The user edits the domain field: its old error no longer applies. */
  clearDomainError(): void {
    if (this._domainError) {
      this._domainError = null;
      this._changed.emit();
    }
  }

  /** "Set Domain": remember the chosen service's domain. */
  async setDomain(domain: string): Promise<boolean> {
    const service = this.service;
    if (!service) {
      return false;
    }
    this._domainError = null;
    return this._activity.run('Setting the domain…', 'signin', async () => {
      try {
        await this._preferences.putDomains({ [service]: domain.trim() });
      } catch (error) {
        this._markDomain(error);
        throw error;
      }
      this._activity.say(
        'success',
        `Domain set to ${this._preferences.domainOf(service)}.`,
        'signin'
      );
    });
  }

  /**
   * Sign in with the form's values (field name → text). A domain typed but not set yet is sent
   * with the sign-in (the server validates and remembers it): never the old one silently.
   */
  async signIn(values: Record<string, string>, domain?: string): Promise<boolean> {
    const info = this.serviceInfo;
    const method = this.method;
    if (!info || !method) {
      return false;
    }
    if (!method.fields.length) {
      return false; // single sign-on goes through the browser (SsoModel)
    }
    const request: IConnectRequest = { service: info.id };
    if (info.sign_in.length > 1) {
      request.method = method.id;
    }
    for (const field of method.fields) {
      const value = values[field.name] ?? '';
      request[field.name] = strips(field) ? value.trim() : value;
    }
    if (info.needs_domain) {
      const typed = (domain ?? '').trim();
      const saved = this._preferences.domainOf(info.id) ?? '';
      if (domain !== undefined && !typed && saved) {
        // Never sign in to the older domain while the field says nothing.
        return this._refuseDomain(
          `The domain field is empty: type the domain to sign in to (the one set before is ` +
            `${saved}).`,
          'domain_required'
        );
      }
      if (typed && typed !== saved) {
        if (!/^https?:\/\/\S+$/.test(typed)) {
          return this._refuseDomain(
            'This domain is not a URL: type it as https://anaconda.example.com, or clear the ' +
              'field to use the one set before.',
            'invalid_domain'
          );
        }
        request.domain = typed;
      }
    }
    return this._connect(request);
  }

  /** Cancel a sign-in that hangs: the server stops it, writes nothing and revokes what the
   * service had created; then the panel stops waiting. */
  cancelSignIn(): void {
    const signIn = this._signIn;
    if (signIn) {
      this._cancelled = true;
      const attempt = this._attempt;
      // the server's answer is the status after the cancel; the check below reads it too
      void this._api.cancelConnect(attempt).catch(() => undefined);
      signIn.abort();
    }
  }

  /** After a TLS failure and the user's explicit confirmation: sign in trusting the server. */
  async trustServer(): Promise<boolean> {
    const request = this._trustRequest;
    this._trustRequest = null;
    if (!request) {
      return false;
    }
    return this._connect({ ...request, trust_server: true });
  }

  cancelTrust(): void {
    if (this._trustRequest) {
      this._trustRequest = null;
      this._changed.emit();
    }
  }

  /** "Sign out": the server restores `.condarc` to its state before the login. */
  async signOut(): Promise<boolean> {
    const note = this._status?.sign_out_note ?? '';
    return this._activity.run('Signing out…', 'signin', async () => {
      const status = await this._api.disconnect();
      this._setStatus(status);
      if (status.warnings.length) {
        this._activity.say(
          'warning',
          `Signed out, with warnings. ${note}`.trim(),
          'signin',
          status.warnings
        );
        this._activity.notify('warning', `Signed out, with warnings: ${status.warnings.join(' ')}`);
      } else {
        this._activity.say('success', `Signed out. ${note}`.trim(), 'signin');
      }
    });
  }

  /** A status another part obtained (single sign-on, renew); `method`: how it signed in. */
  adopt(status: IStatus, method?: string): void {
    this._setStatus(status);
    if (method && status.connected) {
      this._signedInWith = method;
    }
  }

  dispose(): void {
    Signal.clearData(this);
  }

  // --- private ----------------------------------------------------------------------
  private _refuseDomain(message: string, code: string): boolean {
    this._domainError = message;
    this._activity.say('error', message, 'signin', [], code);
    this._changed.emit();
    return false;
  }

  private async _connect(request: IConnectRequest): Promise<boolean> {
    this._cancelled = false;
    this._trustRequest = null;
    this._domainError = null;
    const abort = new AbortController();
    this._signIn = abort;
    this._attempt = `signin-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
    const attempt = this._attempt;
    let tls = false;
    const ok = await this._activity.run('Signing in…', 'signin', async () => {
      try {
        const status = await this._api.connect({ ...request, attempt }, abort.signal);
        this.adopt(status, this._methodOf(request));
        if (request.domain) {
          await this._preferences.reload();
        }
        this.saySignedIn(status);
      } catch (error) {
        if (abort.signal.aborted) {
          // JupyterLab wraps the aborted fetch in a NetworkError: say what really happened.
          throw new DOMException('The sign-in was cancelled.', 'AbortError');
        }
        tls = error instanceof ApiError && error.code === 'tls_failure';
        this.noteFailure({
          service: request.service,
          domain: request.domain,
          method: this._methodOf(request)
        });
        this._markDomain(error);
        throw error;
      } finally {
        this._signIn = null;
      }
    });
    if (tls) {
      this._trustRequest = request; // kept in memory only until the user decides
      this._changed.emit();
    }
    if (!ok && abort.signal.aborted) {
      void this.check();
    }
    return ok;
  }

  private _methodOf(request: IConnectRequest): string | undefined {
    if (typeof request.method === 'string') {
      return request.method;
    }
    return this._preferences.serviceInfo(request.service)?.sign_in[0]?.id;
  }

  /** A status read by a check: say what changed elsewhere, then show it. */
  private _applyExternal(status: IStatus): void {
    const before = this._status;
    const where = status.service_title ?? 'a repository';
    if (before?.connected && !status.connected) {
      this._activity.say(
        'warning',
        'Signed out elsewhere (a notebook, a terminal or another tab); this panel shows the ' +
          'current state.',
        'signin',
        status.warnings
      );
      this._activity.notify('info', 'Repositories: signed out elsewhere.');
    } else if (before && !before.connected && status.connected && this._cancelled) {
      this._activity.say(
        'info',
        `The cancelled sign-in was completed by the server anyway: you are signed in to ` +
          `${where}. Sign out if you did not want it.`,
        'status'
      );
    } else if (before && !before.connected && status.connected) {
      this._activity.say(
        'info',
        `Signed in to ${where} elsewhere (a notebook, a terminal or another tab).`,
        'status'
      );
      this._activity.notify('info', `Repositories: signed in to ${where} elsewhere.`);
    }
    if (before?.connected !== status.connected) {
      this._cancelled = false;
    }
    this._setStatus(status);
  }

  private _setStatus(status: IStatus): void {
    const before = this._status;
    const changed = JSON.stringify(before) !== JSON.stringify(status);
    this._status = status;
    if (status.service) {
      this._service = status.service;
    }
    if (status.connected) {
      this._failedAttempt = null; // a sign-in went through since
    }
    if (!status.connected || before?.connected !== status.connected) {
      this._liveWarnings = []; // they described the connection that was
      this._signedInWith = null;
    }
    if (changed) {
      this._tokenRefused = false; // e.g. Renew: the next Refresh tells again
    }
    if (changed) {
      this._statusChanged.emit(status);
    }
    this._changed.emit();
  }

  private _markDomain(error: unknown): void {
    if (error instanceof ApiError && DOMAIN_CODES.has(error.code)) {
      this._domainError = error.message;
    }
  }

  private readonly _changed = new Signal<this, void>(this);
  private readonly _statusChanged = new Signal<this, IStatus | null>(this);
  private _status: IStatus | null = null;
  private _etag: string | null = null;
  private _checking = false;
  private _liveWarnings: string[] = [];
  private _tokenRefused = false;
  private _service: string | null = null;
  private _domainError: string | null = null;
  private _signIn: AbortController | null = null;
  private _cancelled = false;
  private _attempt = '';
  private _trustRequest: IConnectRequest | null = null;
  private _failedAttempt: IAttempted | null = null;
  private _methods: Record<string, string> = {};
  private _signedInWith: string | null = null;
}
