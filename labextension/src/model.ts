/**
 * The panel's state and every user intent; components only render it and call it.
 */
import { ISignal, Signal } from '@lumino/signaling';

import {
  Api,
  ApiError,
  IChannel,
  IChannelPage,
  ICondarcChannels,
  IPreferences,
  IStatus,
  Service,
  SERVICES
} from './api';

export type ChannelList = 'channels' | 'default_channels';

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
}

const DEFAULTS = 'defaults';

export class RepoConnectModel {
  constructor(options: IModelOptions) {
    this._api = options.api;
    this.pageSize = options.pageSize ?? 50;
    this.searchDelay = options.searchDelay ?? 300;
  }

  /** Channels fetched per page of the picker (the API allows 1..500). */
  pageSize: number;
  /** Milliseconds to wait after the last keystroke before searching. */
  searchDelay: number;

  /** Emitted after any state change. */
  get changed(): ISignal<this, void> {
    return this._changed;
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
  get error(): ApiError | null {
    return this._error;
  }
  get notice(): string | null {
    return this._notice;
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

  // --- intents ----------------------------------------------------------------------
  /** Load everything the panel shows; called when the panel is first shown. */
  async initialize(): Promise<void> {
    if (!this._initialized) {
      this._initialized = true;
      await this.refresh();
    }
  }

  /** Reload status, preferences and the `.condarc` lists ("Refresh"). */
  async refresh(): Promise<void> {
    await this._run('Loading…', async () => {
      const [status, preferences] = await Promise.all([
        this._api.status(),
        this._api.preferences()
      ]);
      this._preferences = preferences;
      this._setStatus(status);
      await this._reloadCondarc(false);
    });
  }

  /** "Set Domain": remember the API domain of `server` or `enterprise`. */
  async setDomain(service: Service, domain: string): Promise<boolean> {
    const key = service === 'enterprise' ? 'enterprise_domain' : 'server_domain';
    return this._run('Setting the domain…', async () => {
      this._preferences = await this._api.putPreferences({ [key]: domain.trim() });
      this._notice = `Domain set to ${this.domainOf(service)}.`;
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
    return this._run('Saving preferences…', async () => {
      this._preferences = await this._api.putPreferences(body);
      this._notice = 'Preferences saved.';
    });
  }

  /** "Login" to Anaconda Server or Enterprise 4 with the remembered domain. */
  async login(username: string, password: string): Promise<boolean> {
    const service = this.service;
    return this._run('Signing in…', async () => {
      await this._afterConnect(await this._api.connect({ service, username, password }));
    });
  }

  /** "Set Token": sign in to the Cloud repository. */
  async setToken(token: string): Promise<boolean> {
    return this._run('Signing in…', async () => {
      await this._afterConnect(await this._api.connect({ service: 'cloud', token }));
    });
  }

  /** "Sign out": the server restores `.condarc` to its state before the login. */
  async signOut(): Promise<boolean> {
    return this._run('Signing out…', async () => {
      this._setStatus(await this._api.disconnect());
      this._notice = 'Signed out.';
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
      }
    } catch (error) {
      if (this._channelRequest === request && !request.signal.aborted) {
        this._setError(error);
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
    return this._run('Adding channels…', async () => {
      const condarc = await this._api.addChannels({
        channels,
        default_channels: defaults
      });
      this._choices.clear();
      if (!this.dirty) {
        this._setCondarc(condarc);
      }
      this._setStatus(await this._api.status());
      const count = new Set([...channels, ...defaults]).size;
      this._notice = `Added ${count} channel${count === 1 ? '' : 's'} to ${condarc.path}.`;
    });
  }

  /** Re-read `.condarc`, dropping unsaved edits. */
  async reloadCondarc(): Promise<boolean> {
    return this._run('Reading .condarc…', () => this._reloadCondarc(true));
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
    return this._run('Saving .condarc…', async () => {
      try {
        this._setCondarc(await this._api.putCondarc(body));
      } catch (error) {
        this._conflict =
          error instanceof ApiError &&
          (error.code === 'stale_version' || error.code === 'conflict');
        throw error;
      }
      this._setStatus(await this._api.status());
      this._notice = `Saved ${this._condarc?.path}.`;
    });
  }

  dismissError(): void {
    this._error = null;
    this._emit();
  }

  dismissNotice(): void {
    this._notice = null;
    this._emit();
  }

  dispose(): void {
    window.clearTimeout(this._searchTimer);
    this._channelRequest?.abort();
    Signal.clearData(this);
  }

  // --- private ----------------------------------------------------------------------
  private async _run(label: string, action: () => Promise<void>): Promise<boolean> {
    if (this._busy.length) {
      return false; // one state-changing request at a time
    }
    this._busy.push(label);
    this._error = null;
    this._notice = null;
    this._emit();
    try {
      await action();
      return true;
    } catch (error) {
      this._setError(error);
      return false;
    } finally {
      this._busy.pop();
      this._emit();
    }
  }

  private _setError(error: unknown): void {
    if (error instanceof ApiError) {
      this._error = error;
    } else {
      console.error('jupyter-repoconnect:', error);
      this._error = new ApiError(0, 'error', 'Something went wrong; see the browser console.');
    }
  }

  private async _afterConnect(status: IStatus): Promise<void> {
    this._setStatus(status);
    await this._reloadCondarc(false);
  }

  private _setStatus(status: IStatus): void {
    const wasServer = this._status?.connected && this._status.service === 'server';
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
  private readonly _changed = new Signal<this, void>(this);
  private _initialized = false;
  private _status: IStatus | null = null;
  private _preferences: IPreferences | null = null;
  private _service: Service | null = null;
  private _busy: string[] = [];
  private _error: ApiError | null = null;
  private _notice: string | null = null;
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
