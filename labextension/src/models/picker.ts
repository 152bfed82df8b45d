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

/** What a key does in the channel list, the one Tab stop of the picker (an ARIA listbox). */
export type ListAction =
  | 'next'
  | 'previous'
  | 'pageDown'
  | 'pageUp'
  | 'first'
  | 'last'
  | 'toggleChannels'
  | 'toggleDefaultChannels'
  | 'add';

/** Items a PageUp / PageDown moves over. */
export const PAGE_STEP = 10;

/** The key's action in the channel list, or null when the list leaves it to the browser. */
export function listAction(event: {
  key: string;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
}): ListAction | null {
  if (event.altKey || event.ctrlKey || event.metaKey) {
    return null; // JupyterLab's shortcuts
  }
  switch (event.key) {
    case 'ArrowDown':
      return 'next';
    case 'ArrowUp':
      return 'previous';
    case 'PageDown':
      return 'pageDown';
    case 'PageUp':
      return 'pageUp';
    case 'Home':
      return 'first';
    case 'End':
      return 'last';
    case ' ':
      return 'toggleChannels';
    case 'd':
    case 'D':
      return 'toggleDefaultChannels';
    case 'Enter':
      return 'add';
    default:
      return null;
  }
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
  /** The current item of the list (index in the page), -1 without items. */
  get active(): number {
    return this._active;
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

  /** Leaving the search box for the list: a search still waiting for its pause runs now. */
  enterList(): void {
    if (this._searchTimer) {
      void this.loadPage(0);
    }
  }

  /** Make an item of the page the current one (a click on it). */
  setActive(index: number): void {
    const count = this._page?.items.length ?? 0;
    const active = count ? Math.min(Math.max(index, 0), count - 1) : -1;
    if (active !== this._active) {
      this._active = active;
      this._emit();
    }
  }

  /**
   * A key of the list: move the current item (past either end of the page turns the page),
   * toggle its "Add to" lists. "add" is left to the caller, which knows where focus goes next.
   * Nothing happens while a page loads: the items on screen may not answer the search.
   */
  act(action: Exclude<ListAction, 'add'>): void {
    const page = this._page;
    if (!page || this._loading || !page.items.length) {
      return;
    }
    const count = page.items.length;
    const last = count - 1;
    const current = Math.max(this._active, 0);
    const step = { next: 1, previous: -1, pageDown: PAGE_STEP, pageUp: -PAGE_STEP };
    switch (action) {
      case 'first':
        return this.setActive(0);
      case 'last':
        return this.setActive(last);
      case 'toggleChannels':
      case 'toggleDefaultChannels': {
        const name = page.items[current].name;
        const list = action === 'toggleChannels' ? 'channels' : 'default_channels';
        this._active = current;
        return this.toggleChoice(name, list, !this.choiceOf(name)[list]);
      }
    }
    const target = current + step[action];
    const size = page.limit || this.settings.pageSize;
    if (target > last && current === last && page.offset + count < page.total) {
      this._landOn = 'first';
      void this.loadPage(page.offset + size);
    } else if (target < 0 && current === 0 && page.offset > 0) {
      this._landOn = 'last';
      void this.loadPage(page.offset - size);
    } else {
      this.setActive(target);
    }
  }

  /** Fetch one page; a newer request cancels an older one. */
  async loadPage(offset: number): Promise<void> {
    window.clearTimeout(this._searchTimer);
    this._searchTimer = 0;
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
        // Arrowing back past the top of a page lands on the previous page's last item.
        this._active = this._landOn === 'last' ? page.items.length - 1 : page.items.length ? 0 : -1;
        this._activity.clear('picker', 'error');
      }
    } catch (error) {
      if (this._request === request && !request.signal.aborted) {
        // Never leave results that do not answer the search on screen.
        this._page = null;
        this._active = -1;
        this._activity.fail(error, 'picker', 'The search failed: ');
      }
    } finally {
      if (this._request === request) {
        this._request = null;
        this._landOn = 'first';
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
    this._searchTimer = 0;
    this._request?.abort();
    this._request = null;
    this._loading = false;
    this._query = '';
    this._page = null;
    this._active = -1;
    this._landOn = 'first';
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
  private _active = -1;
  private _landOn: 'first' | 'last' = 'first';
  private _loading = false;
  private _request: AbortController | null = null;
  private _searchTimer = 0; // 0: no search waiting for its pause
}
