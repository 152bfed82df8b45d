/**
 * The panel's state and every user intent; components only render it and call it.
 *
 * One live truth: while the panel is visible the model polls `GET status` with the last ETag
 * (a bodiless 304 while nothing changed) and re-reads it whenever the panel is shown or the
 * browser tab regains focus, so a sign-in or sign-out made from a notebook, a terminal or
 * another tab shows here within one polling interval. Nothing is polled while it is hidden.
 */
import { ISignal, Signal } from '@lumino/signaling';

import {
  Api,
  ApiError,
  IChannel,
  IChannelPage,
  ICondarcChannels,
  IConnectRequest,
  IDiagnosis,
  IPreferences,
  IStatus,
  SERVICE_TITLES,
  Service,
  SERVICES
} from './api';

export type ChannelList = 'channels' | 'default_channels';

/** Where a message belongs: next to the control that caused it. */
export type Place = 'signin' | 'status' | 'picker' | 'condarc' | 'prefs' | 'doctor';

export type FeedbackKind = 'success' | 'info' | 'warning' | 'error';

export interface IFeedback {
  kind: FeedbackKind;
  text: string;
  /** Extra lines, e.g. the warnings of a sign-out. */
  details: string[];
  at: Place;
  /** The API's error code, for errors. */
  code?: string;
}

/** How the model tells JupyterLab's notification area (wired to `Notification` in index.ts). */
export type Notifier = (kind: FeedbackKind, message: string) => void;

/** Where a picked channel goes: the reference's two toggles. */
export interface IChannelChoice {
  channels: boolean;
  default_channels: boolean;
}

/** The "Configure Conda" editor's working copy of both lists. */
export interface ICondarcDraft {
  channels: string[];
  default_channels: string[] | null;
}

/** A removal of `defaults` waiting for the user's confirmation. */
export interface IPendingRemoval {
  list: ChannelList;
  index: number;
}

export interface IModelOptions {
  api: Api;
  pageSize?: number;
  searchDelay?: number;
  pollInterval?: number;
  notify?: Notifier;
}

const DEFAULTS = 'defaults';
/** Conflicts that mean "the state moved under you": the view is brought to the real state. */
const STATE_MOVED = new Set(['already_connected', 'not_connected', 'stale_session', 'conflict']);
/** Doctor checks whose failure means the connection does not work right now. */
const LIVE_CHECKS = new Set(['token', 'tls', 'reachable']);

export class RepoConnectModel {
  constructor(options: IModelOptions) {
    this._api = options.api;
    this.pageSize = options.pageSize ?? 50;
    this.searchDelay = options.searchDelay ?? 300;
    this.pollInterval = options.pollInterval ?? 5000;
    this._notify = options.notify ?? (() => undefined);
    document.addEventListener('visibilitychange', this._onPageFocus);
    window.addEventListener('focus', this._onPageFocus);
  }

  /** Channels fetched per page of the picker (the API allows 1..500). */
  pageSize: number;
  /** Milliseconds to wait after the last keystroke before searching. */
  searchDelay: number;
  /** Milliseconds between two status checks while the panel is visible (0: never). */
  pollInterval: number;

  /** Emitted after any state change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** Emitted when the connection status changes (the status-bar item follows it). */
  get statusChanged(): ISignal<this, IStatus | null> {
    return this._statusChanged;
  }

  get status(): IStatus | null {
    return this._status;
  }
  get preferences(): IPreferences | null {
    return this._preferences;
  }
  /** The label of the request in flight ("Signing in…"), or null. */
  get busy(): string | null {
    return this._busy.length ? this._busy[this._busy.length - 1] : null;
  }
  /** Whether the request in flight is a sign-in that can be cancelled. */
  get cancellable(): boolean {
    return this._signIn !== null;
  }
  get feedback(): IFeedback | null {
    return this._feedback;
  }
  /** The last error (also in `feedback`), kept for callers that only need the error. */
  get error(): ApiError | null {
    return this._feedback?.kind === 'error'
      ? new ApiError(0, this._feedback.code ?? 'error', this._feedback.text)
      : null;
  }
  /** Problems found by the last "Refresh" (token refused, server unreachable...). */
  get liveWarnings(): string[] {
    return this._liveWarnings;
  }
  /** The message of the domain field, when the typed domain cannot be used. */
  get domainError(): string | null {
    return this._domainError;
  }
  /** A TLS failure waiting for the user's "Trust this server" decision. */
  get trustPending(): boolean {
    return this._trustRequest !== null;
  }
  get diagnosis(): IDiagnosis | null {
    return this._diagnosis;
  }
  /** Counts "Troubleshoot" requests: the doctor section opens and takes focus on a change. */
  get doctorRequests(): number {
    return this._doctorRequests;
  }
  /** Counts requests to show the sign-in form (the status-bar item, the palette). */
  get focusRequests(): number {
    return this._focusRequests;
  }

  /** Services the administrator allows, in the reference's order. */
  get allowedServices(): Service[] {
    const allowed = this._preferences?.allowed_services ?? SERVICES;
    return SERVICES.filter(s => allowed.includes(s));
  }
  /** The service chosen in the sign-in form. */
  get service(): Service {
    const allowed = this.allowedServices;
    if (this._service && allowed.includes(this._service)) {
      return this._service;
    }
    return allowed.includes('server') ? 'server' : (allowed[0] ?? 'server');
  }
  set service(value: Service) {
    this._service = value;
    this._domainError = null;
    this._emit();
  }
  /** The remembered API domain of a service (null for cloud or when unset). */
  domainOf(service: Service): string | null {
    if (service === 'server') {
      return this._preferences?.server_domain ?? null;
    }
    if (service === 'enterprise') {
      return this._preferences?.enterprise_domain ?? null;
    }
    return null;
  }

  // --- channel picker --------------------------------------------------------------
  get query(): string {
    return this._query;
  }
  get page(): IChannelPage | null {
    return this._page;
  }
  get channelsLoading(): boolean {
    return this._channelsLoading;
  }
  get choices(): ReadonlyMap<string, IChannelChoice> {
    return this._choices;
  }
  choiceOf(name: string): IChannelChoice {
    return this._choices.get(name) ?? { channels: false, default_channels: false };
  }
  /** Whether a channel of the picker is already in the status' `channels`. */
  isInChannels(channel: IChannel): boolean {
    const entries = this._status?.channels ?? [];
    return entries.some(
      entry =>
        entry === channel.name ||
        entry === channel.url ||
        entry.replace(/\/+$/, '').endsWith('/' + channel.name)
    );
  }

  // --- Configure Conda --------------------------------------------------------------
  get condarc(): ICondarcChannels | null {
    return this._condarc;
  }
  get draft(): ICondarcDraft | null {
    return this._draft;
  }
  get dirty(): boolean {
    return this._changedList('channels') || this._changedList('default_channels');
  }
  get pendingRemoval(): IPendingRemoval | null {
    return this._pendingRemoval;
  }
  /** Whether the last save was refused because the file changed meanwhile. */
  get conflict(): boolean {
    return this._conflict;
  }

  // --- live truth -------------------------------------------------------------------
  /** The panel was shown (true) or hidden (false): check now, then poll while shown. */
  setVisible(visible: boolean): void {
    this._visible = visible;
    window.clearTimeout(this._pollTimer);
    if (visible) {
      if (!this._initialized) {
        void this.initialize().then(() => this._schedule());
      } else {
        void this.checkStatus().then(() => this._schedule());
      }
    }
  }

  /** One cheap check of the status (304 while unchanged); applies a change made elsewhere. */
  async checkStatus(): Promise<void> {
    if (this._busy.length || this._checking) {
      return;
    }
    this._checking = true;
    try {
      const answer = await this._api.statusIfChanged(this._etag);
      if (answer && !this._busy.length) {
        this._etag = answer.etag;
        await this._applyExternal(answer.status);
      }
    } catch {
      // The next check retries; an unreachable server shows on the next user action.
    } finally {
      this._checking = false;
    }
  }

  // --- intents ----------------------------------------------------------------------
  /** Load everything the panel shows; called when the panel is first shown. */
  async initialize(): Promise<void> {
    if (!this._initialized) {
      this._initialized = true;
      await this._run('Loading…', 'status', () => this._load(false));
      this._ready = true;
      this._emit();
    }
  }

  /** Whether the first full load (status, preferences, `.condarc`) has finished. */
  get ready(): boolean {
    return this._ready;
  }

  /** "Refresh": reload everything and check the connection for real (token, reachability). */
  async refresh(): Promise<void> {
    await this._run('Checking the connection…', 'status', () => this._load(true));
  }

  /** Bring the sign-in form (or the status) into view and focus; the palette and status bar. */
  requestFocus(): void {
    this._focusRequests++;
    this._emit();
  }

  /** "Set Domain": remember the API domain of `server` or `enterprise`. */
  async setDomain(service: Service, domain: string): Promise<boolean> {
    const key = service === 'enterprise' ? 'enterprise_domain' : 'server_domain';
    this._domainError = null;
    return this._run('Setting the domain…', 'signin', async () => {
      try {
        this._preferences = await this._api.putPreferences({ [key]: domain.trim() });
      } catch (error) {
        this._markDomain(error);
        throw error;
      }
      this._say('success', `Domain set to ${this.domainOf(service)}.`, 'signin');
    });
  }

  /** Preferences' "Apply": both API domains at once (unchanged ones are not sent). */
  async savePreferences(serverDomain: string, enterpriseDomain: string): Promise<boolean> {
    const body: { server_domain?: string; enterprise_domain?: string } = {};
    if (serverDomain.trim() !== (this._preferences?.server_domain ?? '')) {
      body.server_domain = serverDomain.trim();
    }
    if (enterpriseDomain.trim() !== (this._preferences?.enterprise_domain ?? '')) {
      body.enterprise_domain = enterpriseDomain.trim();
    }
    return this._run('Saving preferences…', 'prefs', async () => {
      this._preferences = await this._api.putPreferences(body);
      this._say('success', 'Preferences saved.', 'prefs');
    });
  }

  /**
   * "Login" to Anaconda Server or Enterprise 4. A domain typed in the field but not set yet is
   * sent with the sign-in (the server validates and remembers it): never the old one silently.
   */
  async login(username: string, password: string, domain?: string): Promise<boolean> {
    const service = this.service;
    const request: IConnectRequest = { service, username, password };
    const typed = (domain ?? '').trim();
    const saved = this.domainOf(service) ?? '';
    if (domain !== undefined && !typed && saved) {
      // Never sign in to the older domain while the field says nothing.
      this._domainError =
        `The domain field is empty: type the domain to sign in to (the one set before is ` +
        `${saved}).`;
      this._say('error', this._domainError, 'signin', [], 'domain_required');
      this._emit();
      return false;
    }
    if (typed && typed !== saved) {
      if (!/^https?:\/\/\S+$/.test(typed)) {
        this._domainError =
          'This domain is not a URL: type it as https://anaconda.example.com, or clear the ' +
          'field to use the one set before.';
        this._say('error', this._domainError, 'signin', [], 'invalid_domain');
        this._emit();
        return false;
      }
      request.domain = typed;
    }
    return this._connect(request);
  }

  /** "Set Token": sign in to the Cloud repository. */
  async setToken(token: string): Promise<boolean> {
    return this._connect({ service: 'cloud', token });
  }

  /** Stop waiting for a sign-in that hangs. */
  cancelSignIn(): void {
    if (this._signIn) {
      this._cancelled = true;
      this._signIn.abort();
    }
  }

  /** The user edits the domain field: its old error no longer applies. */
  clearDomainError(): void {
    if (this._domainError) {
      this._domainError = null;
      this._emit();
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
    this._trustRequest = null;
    this._emit();
  }

  /** "Sign out": the server restores `.condarc` to its state before the login. */
  async signOut(): Promise<boolean> {
    const before = this._status;
    return this._run('Signing out…', 'signin', async () => {
      const status = await this._api.disconnect();
      this._setStatus(status);
      this._liveWarnings = [];
      const note = signedOutNote(before);
      if (status.warnings.length) {
        this._say('warning', `Signed out, with warnings. ${note}`, 'signin', status.warnings);
        this._notify('warning', `Signed out, with warnings: ${status.warnings.join(' ')}`);
      } else {
        this._say('success', `Signed out. ${note}`, 'signin');
      }
      await this._reloadCondarc(false);
    });
  }

  /** Type into the picker's search box: the server filters, after a short pause. */
  search(q: string): void {
    this._query = q;
    window.clearTimeout(this._searchTimer);
    this._searchTimer = window.setTimeout(() => void this.loadPage(0), this.searchDelay);
    this._emit();
  }

  /** Fetch one page of channels; a newer request cancels an older one. */
  async loadPage(offset: number): Promise<void> {
    window.clearTimeout(this._searchTimer);
    this._channelRequest?.abort();
    const request = new AbortController();
    this._channelRequest = request;
    this._channelsLoading = true;
    this._emit();
    try {
      const page = await this._api.channels(
        this._query,
        Math.max(0, offset),
        this.pageSize,
        request.signal
      );
      if (this._channelRequest === request) {
        this._page = page;
        if (this._feedback?.at === 'picker' && this._feedback.kind === 'error') {
          this._feedback = null;
        }
      }
    } catch (error) {
      if (this._channelRequest === request && !request.signal.aborted) {
        // Never leave results that do not answer the search on screen.
        this._page = null;
        this._setError(error, 'picker');
        this._feedback!.text = `The search failed: ${this._feedback!.text}`;
      }
    } finally {
      if (this._channelRequest === request) {
        this._channelRequest = null;
        this._channelsLoading = false;
        this._emit();
      }
    }
  }

  /** "Add to channels" / "Add to default_channels" toggles of one channel. */
  toggleChoice(name: string, list: ChannelList, on: boolean): void {
    const choice = { ...this.choiceOf(name), [list]: on };
    if (choice.channels || choice.default_channels) {
      this._choices.set(name, choice);
    } else {
      this._choices.delete(name);
    }
    this._emit();
  }

  /** "Add channels": write the picked channels to `.condarc`. */
  async addChannels(): Promise<boolean> {
    const channels: string[] = [];
    const defaults: string[] = [];
    for (const [name, choice] of this._choices) {
      if (choice.channels) {
        channels.push(name);
      }
      if (choice.default_channels) {
        defaults.push(name);
      }
    }
    if (!channels.length && !defaults.length) {
      return false;
    }
    return this._run('Adding channels…', 'picker', async () => {
      await this._write(channels, defaults, 'picker');
      this._choices.clear();
    });
  }

  /** Configure Conda's "Add": a channel typed by hand (a name or a URL) into one list. */
  async addByHand(list: ChannelList, entry: string): Promise<boolean> {
    const name = entry.trim();
    if (!name) {
      this._say('error', 'Type a channel name or URL first.', 'condarc', [], 'missing_input');
      this._emit();
      return false;
    }
    if (/\/t\/[^/]+\//.test(name) && !name.includes('/t/<TOKEN>/')) {
      this._say(
        'error',
        'Do not type a token into a channel URL: conda inserts your token itself. Remove the ' +
          '/t/…/ part.',
        'condarc',
        [],
        'bad_input'
      );
      this._emit();
      return false;
    }
    if (this.dirty && this._draft) {
      const entries = this._draft[list] ?? [];
      if (entries.includes(name)) {
        this._say('info', `${name} is already in ${list}.`, 'condarc');
        this._emit();
        return true;
      }
      this._setDraftList(list, [...entries, name]);
      this._say('info', `${name} added to ${list}; click Save to write it.`, 'condarc');
      this._emit();
      return true;
    }
    return this._run('Adding the channel…', 'condarc', async () => {
      await this._write(
        list === 'channels' ? [name] : [],
        list === 'default_channels' ? [name] : [],
        'condarc'
      );
    });
  }

  /** Re-read `.condarc`, dropping unsaved edits. */
  async reloadCondarc(): Promise<boolean> {
    return this._run('Reading .condarc…', 'condarc', () => this._reloadCondarc(true));
  }

  /** Up/down in one list of the editor. */
  moveEntry(list: ChannelList, index: number, delta: number): void {
    const entries = this._draftList(list);
    const target = index + delta;
    if (!entries || target < 0 || target >= entries.length) {
      return;
    }
    const copy = [...entries];
    [copy[index], copy[target]] = [copy[target], copy[index]];
    this._setDraftList(list, copy);
  }

  /** Remove one entry from the editor; `defaults` first asks for confirmation. */
  removeEntry(list: ChannelList, index: number): void {
    const entries = this._draftList(list);
    if (!entries || index < 0 || index >= entries.length) {
      return;
    }
    if (entries[index] === DEFAULTS) {
      this._pendingRemoval = { list, index };
      this._emit();
      return;
    }
    this._setDraftList(
      list,
      entries.filter((_, i) => i !== index)
    );
  }

  confirmRemoval(): void {
    const pending = this._pendingRemoval;
    this._pendingRemoval = null;
    if (pending) {
      const entries = this._draftList(pending.list) ?? [];
      this._confirmDefaults = true;
      this._setDraftList(
        pending.list,
        entries.filter((_, i) => i !== pending.index)
      );
    } else {
      this._emit();
    }
  }

  cancelRemoval(): void {
    this._pendingRemoval = null;
    this._emit();
  }

  /** "Save": write the edited lists, refused (409) if the file changed since it was read. */
  async saveCondarc(): Promise<boolean> {
    const condarc = this._condarc;
    const draft = this._draft;
    if (!condarc || !draft || !this.dirty) {
      return false;
    }
    const body: {
      version: string;
      channels?: string[];
      default_channels?: string[];
      confirm_defaults?: boolean;
    } = { version: condarc.version };
    if (this._changedList('channels')) {
      body.channels = draft.channels;
    }
    if (this._changedList('default_channels')) {
      body.default_channels = draft.default_channels ?? [];
    }
    if (this._confirmDefaults) {
      body.confirm_defaults = true;
    }
    return this._run('Saving .condarc…', 'condarc', async () => {
      try {
        this._setCondarc(await this._api.putCondarc(body));
      } catch (error) {
        this._conflict =
          error instanceof ApiError &&
          (error.code === 'stale_version' || error.code === 'conflict');
        throw error;
      }
      this._setStatus(await this._api.status());
      this._say('success', `Saved ${this._condarc?.path}.`, 'condarc');
    });
  }

  /** "Troubleshoot": run the doctor; its section opens and takes focus. */
  async runDoctor(): Promise<boolean> {
    this._doctorRequests++;
    return this._run('Running the checks…', 'doctor', async () => {
      this._diagnosis = await this._api.doctor();
    });
  }

  dismissFeedback(): void {
    this._feedback = null;
    this._trustRequest = null;
    this._emit();
  }

  /** Kept for older callers: both dismiss the one message. */
  dismissError(): void {
    this.dismissFeedback();
  }
  dismissNotice(): void {
    this.dismissFeedback();
  }

  dispose(): void {
    this._visible = false;
    window.clearTimeout(this._searchTimer);
    window.clearTimeout(this._pollTimer);
    document.removeEventListener('visibilitychange', this._onPageFocus);
    window.removeEventListener('focus', this._onPageFocus);
    this._channelRequest?.abort();
    Signal.clearData(this);
  }

  // --- private ----------------------------------------------------------------------
  private async _run(
    label: string,
    at: Place,
    action: () => Promise<void>
  ): Promise<boolean> {
    if (this._busy.length) {
      return false; // one state-changing request at a time
    }
    this._busy.push(label);
    this._feedback = null;
    this._emit();
    let moved = false;
    try {
      await action();
      return true;
    } catch (error) {
      this._setError(error, at);
      moved = error instanceof ApiError && error.status === 409 && STATE_MOVED.has(error.code);
      return false;
    } finally {
      this._busy.pop();
      this._etag = null; // the next check re-reads the status after any action
      this._emit();
      if (moved) {
        // The state moved under the view (another surface): show the real one.
        await this._reloadStatus();
        const feedback = this._feedback as IFeedback | null;
        if (feedback) {
          feedback.text += ' The panel now shows the current state.';
          if (feedback.at === 'signin' || feedback.at === 'status') {
            // The section that caused it may be gone: say it where the real state shows.
            feedback.at = this._status?.connected ? 'status' : 'signin';
          }
        }
        this._emit();
      }
    }
  }

  private async _connect(request: IConnectRequest): Promise<boolean> {
    this._cancelled = false;
    this._trustRequest = null;
    this._domainError = null;
    const abort = new AbortController();
    this._signIn = abort;
    let tls = false;
    const ok = await this._run('Signing in…', 'signin', async () => {
      try {
        const status = await this._api.connect(request, abort.signal);
        this._setStatus(status);
        this._liveWarnings = [];
        if (request.domain) {
          this._preferences = await this._api.preferences();
        }
        await this._reloadCondarc(false);
        const where = status.service ? SERVICE_TITLES[status.service] : 'the repository';
        this._say('success', `Signed in to ${where}.`, 'status');
      } catch (error) {
        if (abort.signal.aborted) {
          // JupyterLab wraps the aborted fetch in a NetworkError: say what really happened.
          throw new DOMException('The sign-in was cancelled.', 'AbortError');
        }
        tls = error instanceof ApiError && error.code === 'tls_failure';
        this._markDomain(error);
        throw error;
      } finally {
        this._signIn = null;
      }
    });
    if (tls) {
      this._trustRequest = request; // kept in memory only until the user decides
      this._emit();
    }
    if (!ok && abort.signal.aborted) {
      void this.checkStatus();
    }
    return ok;
  }

  /** Status, preferences and `.condarc`; `check`: also ask the repository (Refresh). */
  private async _load(check: boolean): Promise<void> {
    const [answer, preferences] = await Promise.all([
      this._api.statusIfChanged(null),
      this._api.preferences()
    ]);
    this._preferences = preferences;
    if (answer) {
      this._setStatus(answer.status);
      this._etag = answer.etag;
    }
    await this._reloadCondarc(false);
    if (check && this._status?.connected) {
      const diagnosis = await this._api.doctor();
      this._liveWarnings = diagnosis.findings
        .filter(f => !f.ok && LIVE_CHECKS.has(f.check))
        .map(f => (f.hint ? `${f.message} ${f.hint}` : f.message));
      this._diagnosis = diagnosis;
      if (!this._liveWarnings.length) {
        this._say('success', 'Checked: the repository accepts your sign-in.', 'status');
      }
    }
  }

  private async _reloadStatus(): Promise<void> {
    try {
      const answer = await this._api.statusIfChanged(null);
      if (answer) {
        this._etag = answer.etag;
        this._setStatus(answer.status);
        await this._reloadCondarc(false);
      }
    } catch {
      // keep the error that brought us here
    }
  }

  /** A status read by a check: say what changed elsewhere, then show it. */
  private async _applyExternal(status: IStatus): Promise<void> {
    const before = this._status;
    const channelsMoved =
      JSON.stringify([before?.channels, before?.default_channels]) !==
      JSON.stringify([status.channels, status.default_channels]);
    if (before?.connected && !status.connected) {
      this._liveWarnings = [];
      this._say(
        'warning',
        'Signed out elsewhere (a notebook, a terminal or another tab); this panel shows the ' +
          'current state.',
        'signin',
        status.warnings
      );
      this._notify('info', 'Repositories: signed out elsewhere.');
    } else if (before && !before.connected && status.connected && this._cancelled) {
      const where = status.service ? SERVICE_TITLES[status.service] : 'a repository';
      this._say(
        'info',
        `The cancelled sign-in was completed by the server anyway: you are signed in to ` +
          `${where}. Sign out if you did not want it.`,
        'status'
      );
    } else if (before && !before.connected && status.connected) {
      const where = status.service ? SERVICE_TITLES[status.service] : 'a repository';
      this._say(
        'info',
        `Signed in to ${where} elsewhere (a notebook, a terminal or another tab).`,
        'status'
      );
      this._notify('info', `Repositories: signed in to ${where} elsewhere.`);
    }
    if (before?.connected !== status.connected) {
      this._cancelled = false;
    }
    this._setStatus(status);
    if (channelsMoved) {
      await this._reloadCondarc(false);
    }
    this._emit();
  }

  private _schedule(): void {
    window.clearTimeout(this._pollTimer);
    if (!this._visible || this.pollInterval <= 0 || document.visibilityState === 'hidden') {
      return;
    }
    this._pollTimer = window.setTimeout(async () => {
      await this.checkStatus();
      this._schedule();
    }, this.pollInterval);
  }

  private _onPageFocus = (): void => {
    if (document.visibilityState === 'hidden') {
      window.clearTimeout(this._pollTimer);
      return;
    }
    if (this._visible) {
      void this.checkStatus().then(() => this._schedule());
    } else if (this._status !== null) {
      void this.checkStatus(); // one conditional request per focus keeps the status bar true
    }
  };

  private _markDomain(error: unknown): void {
    if (
      error instanceof ApiError &&
      ['invalid_domain', 'domain_required', 'wrong_domain', 'not_allowed'].includes(error.code)
    ) {
      this._domainError = error.message;
    }
  }

  /** Add to `.condarc` and say exactly what was written (or that nothing was). */
  private async _write(channels: string[], defaults: string[], at: Place): Promise<void> {
    const before = await this._api.condarc();
    const after = await this._api.addChannels({ channels, default_channels: defaults });
    if (!this.dirty) {
      this._setCondarc(after);
    }
    this._setStatus(await this._api.status());
    const added = (list: ChannelList) =>
      (after[list] ?? []).filter(entry => !(before[list] ?? []).includes(entry)).length;
    const parts: string[] = [];
    for (const list of ['channels', 'default_channels'] as ChannelList[]) {
      const n = added(list);
      if (n) {
        parts.push(`${n} channel${n === 1 ? '' : 's'} to ${list}`);
      }
    }
    const asked = [...channels, ...defaults];
    if (parts.length) {
      this._say('success', `Added ${parts.join(' and ')} in ${after.path}.`, at);
    } else {
      this._say(
        'info',
        `${asked.join(', ')} ${asked.length === 1 ? 'is' : 'are'} already in ` +
          `${channels.length ? 'channels' : 'default_channels'}; nothing was written.`,
        at
      );
    }
  }

  private _say(
    kind: FeedbackKind,
    text: string,
    at: Place,
    details: string[] = [],
    code?: string
  ): void {
    this._feedback = { kind, text, at, details, code };
  }

  private _setError(error: unknown, at: Place): void {
    if ((error as Error)?.name === 'AbortError') {
      this._say(
        'info',
        'Sign-in cancelled. If the repository still completes it, this panel will show the ' +
          'connection.',
        at
      );
    } else if (error instanceof ApiError) {
      this._say('error', error.message, at, [], error.code);
    } else {
      console.error('jupyter-repoconnect:', error);
      this._say('error', 'Something went wrong; see the browser console.', at, [], 'error');
    }
  }

  private _setStatus(status: IStatus): void {
    const wasServer = this._status?.connected && this._status.service === 'server';
    const changed = JSON.stringify(this._status) !== JSON.stringify(status);
    this._status = status;
    if (status.service) {
      this._service = status.service;
    }
    const isServer = status.connected && status.service === 'server';
    if (isServer && !wasServer) {
      this._query = '';
      this._page = null;
      this._choices.clear();
      void this.loadPage(0);
    } else if (!isServer) {
      this._channelRequest?.abort();
      this._channelRequest = null;
      this._channelsLoading = false;
      this._page = null;
      this._choices.clear();
    }
    if (!status.connected) {
      this._liveWarnings = [];
    }
    if (changed) {
      this._statusChanged.emit(status);
    }
  }

  private async _reloadCondarc(force: boolean): Promise<void> {
    if (force || !this.dirty) {
      this._setCondarc(await this._api.condarc());
      this._emit();
    }
  }

  private _setCondarc(condarc: ICondarcChannels): void {
    this._condarc = condarc;
    this._draft = {
      channels: [...condarc.channels],
      default_channels: condarc.default_channels ? [...condarc.default_channels] : null
    };
    this._pendingRemoval = null;
    this._confirmDefaults = false;
    this._conflict = false;
  }

  private _draftList(list: ChannelList): string[] | null {
    return this._draft ? this._draft[list] : null;
  }

  private _setDraftList(list: ChannelList, entries: string[]): void {
    if (this._draft) {
      this._draft = { ...this._draft, [list]: entries };
      this._emit();
    }
  }

  private _changedList(list: ChannelList): boolean {
    const before = this._condarc?.[list] ?? null;
    const after = this._draft?.[list] ?? null;
    if (before === null || after === null) {
      return before !== after && !(before === null && after?.length === 0);
    }
    return before.length !== after.length || before.some((v, i) => v !== after[i]);
  }

  private _emit(): void {
    this._changed.emit();
  }

  private readonly _api: Api;
  private readonly _notify: Notifier;
  private readonly _changed = new Signal<this, void>(this);
  private readonly _statusChanged = new Signal<this, IStatus | null>(this);
  private _initialized = false;
  private _ready = false;
  private _visible = false;
  private _checking = false;
  private _etag: string | null = null;
  private _pollTimer = 0;
  private _status: IStatus | null = null;
  private _preferences: IPreferences | null = null;
  private _service: Service | null = null;
  private _busy: string[] = [];
  private _feedback: IFeedback | null = null;
  private _liveWarnings: string[] = [];
  private _domainError: string | null = null;
  private _signIn: AbortController | null = null;
  private _cancelled = false;
  private _trustRequest: IConnectRequest | null = null;
  private _diagnosis: IDiagnosis | null = null;
  private _doctorRequests = 0;
  private _focusRequests = 0;
  private _query = '';
  private _page: IChannelPage | null = null;
  private _channelsLoading = false;
  private _channelRequest: AbortController | null = null;
  private _searchTimer = 0;
  private readonly _choices = new Map<string, IChannelChoice>();
  private _condarc: ICondarcChannels | null = null;
  private _draft: ICondarcDraft | null = null;
  private _pendingRemoval: IPendingRemoval | null = null;
  private _confirmDefaults = false;
  private _conflict = false;
}

/** What sign-out did to `.condarc`, from the status just before it (as the core does it). */
export function signedOutNote(before: IStatus | null): string {
  if (before?.source === 'cli') {
    return before.service === 'cloud'
      ? 'default_channels was removed from .condarc; the rest was left as it was.'
      : '.condarc was left as it was (the sign-in was made from a command line); remove ' +
          'channels you no longer want in Configure Conda.';
  }
  return '.condarc is back to how it was before the sign-in.';
}
