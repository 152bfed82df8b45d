/**
 * The channel picker, for a repository that lists its channels: server-side search, one page
 * at a time, the reference's two "Add to" toggles per channel, "Add channels".
 */
import { ISignal, Signal } from '@lumino/signaling';

import { Api, IChannel, IChannelPage, IStatus } from '../api';
import { Activity } from './activity';
import { ChannelList, CondarcModel } from './condarc';
import { ConnectionModel } from './connection';

/** Where a picked channel goes. */
export interface IChannelChoice {
  channels: boolean;
  default_channels: boolean;
}

export interface IPickerSettings {
  /** Channels fetched per page (the API allows 1..500). */
  pageSize: number;
  /** Milliseconds to wait after the last keystroke before searching. */
  searchDelay: number;
}

export class ChannelPickerModel {
  constructor(
    private readonly _api: Api,
    private readonly _activity: Activity,
    private readonly _connection: ConnectionModel,
    private readonly _condarc: CondarcModel,
    readonly settings: IPickerSettings = { pageSize: 50, searchDelay: 300 }
  ) {
    _connection.statusChanged.connect(this._onStatus, this);
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** Whether the connected repository lists its channels (the picker is shown). */
  get available(): boolean {
    return !!this._connection.capabilities?.lists_channels;
  }
  get query(): string {
    return this._query;
  }
  get page(): IChannelPage | null {
    return this._page;
  }
  get loading(): boolean {
    return this._loading;
  }
  get choices(): ReadonlyMap<string, IChannelChoice> {
    return this._choices;
  }
  choiceOf(name: string): IChannelChoice {
    return this._choices.get(name) ?? { channels: false, default_channels: false };
  }

  /** Whether a channel is already in the status' `channels` (by name, URL or path). */
  isInChannels(channel: IChannel): boolean {
    const entries = this._connection.status?.channels ?? [];
    return entries.some(
      entry =>
        entry === channel.name ||
        entry === channel.url ||
        entry.replace(/\/+$/, '').endsWith('/' + channel.name)
    );
  }

  /** Type into the search box: the server filters, after a short pause. */
  search(q: string): void {
    this._query = q;
    window.clearTimeout(this._searchTimer);
    this._searchTimer = window.setTimeout(() => void this.loadPage(0), this.settings.searchDelay);
    this._emit();
  }

  /** Fetch one page; a newer request cancels an older one. */
  async loadPage(offset: number): Promise<void> {
    window.clearTimeout(this._searchTimer);
    this._request?.abort();
    const request = new AbortController();
    this._request = request;
    this._loading = true;
    this._emit();
    try {
      const page = await this._api.channels(
        this._query,
        Math.max(0, offset),
        this.settings.pageSize,
        request.signal
      );
      if (this._request === request) {
        this._page = page;
        this._activity.clear('picker', 'error');
      }
    } catch (error) {
      if (this._request === request && !request.signal.aborted) {
        // Never leave results that do not answer the search on screen.
        this._page = null;
        this._activity.fail(error, 'picker', 'The search failed: ');
      }
    } finally {
      if (this._request === request) {
        this._request = null;
        this._loading = false;
        this._emit();
      }
    }
  }

  /** "Add to channels" / "Add to default_channels" of one channel. */
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
    return this._activity.run('Adding channels…', 'picker', async () => {
      await this._condarc.add(channels, defaults, 'picker');
      this._choices.clear();
      this._emit();
    });
  }

  dispose(): void {
    window.clearTimeout(this._searchTimer);
    this._request?.abort();
    Signal.clearData(this);
  }

  /** A repository that lists channels was connected: start afresh; gone: forget them. */
  private _onStatus(_: ConnectionModel, status: IStatus | null): void {
    const listing = this.available;
    if (listing && !this._listing) {
      this._reset();
      void this.loadPage(0);
    } else if (!listing) {
      this._reset();
    }
    this._listing = listing;
  }

  private _reset(): void {
    window.clearTimeout(this._searchTimer);
    this._request?.abort();
    this._request = null;
    this._loading = false;
    this._query = '';
    this._page = null;
    this._choices.clear();
    this._emit();
  }

  private _emit(): void {
    this._changed.emit();
  }

  private readonly _changed = new Signal<this, void>(this);
  private readonly _choices = new Map<string, IChannelChoice>();
  private _listing = false;
  private _query = '';
  private _page: IChannelPage | null = null;
  private _loading = false;
  private _request: AbortController | null = null;
  private _searchTimer = 0;
}
