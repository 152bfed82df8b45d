/**
 * "Configure Conda": a working copy of both channel lists of `.condarc`, edited in place and
 * written with "Save" (refused if the file changed meanwhile), and adding channels to the file.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { Api, ApiError, ICondarcChannels, ICondarcUpdate, IStatus } from '../api';
import { Activity, Place } from './activity';
import { ConnectionModel } from './connection';

export type ChannelList = 'channels' | 'default_channels';

export const LISTS: readonly ChannelList[] = ['channels', 'default_channels'];

/** The editor's working copy of both lists. */
export interface ICondarcDraft {
  channels: string[];
  default_channels: string[] | null;
}

/** A removal of `defaults` waiting for the user's confirmation. */
export interface IPendingRemoval {
  list: ChannelList;
  index: number;
}

const DEFAULTS = 'defaults';

/** What of a status makes `.condarc` worth re-reading when it changes. */
function fingerprint(status: IStatus | null): string {
  return JSON.stringify([
    status?.connected,
    status?.service,
    status?.channels,
    status?.default_channels
  ]);
}

export class CondarcModel {
  constructor(
    private readonly _api: Api,
    private readonly _activity: Activity,
    private readonly _connection: ConnectionModel
  ) {
    _connection.statusChanged.connect(this._onStatus, this);
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get condarc(): ICondarcChannels | null {
    return this._condarc;
  }
  get draft(): ICondarcDraft | null {
    return this._draft;
  }
  /** Whether the draft differs from the file as read. */
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

  /** Read the file; unsaved edits are kept unless `force`. */
  async reload(force = false): Promise<void> {
    if (force || !this.dirty) {
      this._set(await this._api.condarc());
    }
  }

  /** "Reload" / "Discard changes": re-read the file, dropping unsaved edits. */
  async discard(): Promise<boolean> {
    return this._activity.run('Reading .condarc…', 'condarc', () => this.reload(true));
  }

  /** Up/down in one list. */
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

  /** Remove one entry; `defaults` first asks for confirmation. */
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

  /** "Add a channel by hand": a name or a URL into one list (into the draft while editing). */
  async addByHand(list: ChannelList, entry: string): Promise<boolean> {
    const name = entry.trim();
    if (!name) {
      this._activity.say(
        'error',
        'Type a channel name or URL first.',
        'condarc',
        [],
        'missing_input'
      );
      return false;
    }
    if (/\/t\/[^/]+\//.test(name) && !name.includes('/t/<TOKEN>/')) {
      this._activity.say(
        'error',
        'Do not type a token into a channel URL: conda inserts your token itself. Remove the ' +
          '/t/…/ part.',
        'condarc',
        [],
        'bad_input'
      );
      return false;
    }
    if (this.dirty && this._draft) {
      const entries = this._draft[list] ?? [];
      if (entries.includes(name)) {
        this._activity.say('info', `${name} is already in ${list}.`, 'condarc');
        return true;
      }
      this._setDraftList(list, [...entries, name]);
      this._activity.say('info', `${name} added to ${list}; click Save to write it.`, 'condarc');
      return true;
    }
    return this._activity.run('Adding the channel…', 'condarc', () =>
      this.add(
        list === 'channels' ? [name] : [],
        list === 'default_channels' ? [name] : [],
        'condarc'
      )
    );
  }

  /** Add to `.condarc` and say at `at` exactly what was written (or that nothing was). */
  async add(channels: string[], defaults: string[], at: Place): Promise<void> {
    const before = await this._api.condarc();
    const after = await this._api.addChannels({ channels, default_channels: defaults });
    if (!this.dirty) {
      this._set(after);
    }
    await this._connection.reload();
    const asked = [...channels, ...defaults];
    const parts: string[] = [];
    for (const list of LISTS) {
      // every entry is named: one written for the user too, with why (never only counted)
      const added = (after[list] ?? []).filter(entry => !(before[list] ?? []).includes(entry));
      const picked = added.filter(entry => asked.includes(entry));
      const automatic = added.filter(entry => !asked.includes(entry));
      const names = [
        ...(picked.length ? [picked.join(', ')] : []),
        ...(automatic.length ? [`${automatic.join(', ')}, ${whyAutomatic(automatic)}`] : [])
      ];
      const n = added.length;
      if (n) {
        parts.push(`${n} channel${n === 1 ? '' : 's'} to ${list} (${names.join('; ')})`);
      }
    }
    if (parts.length) {
      this._activity.say('success', `Added ${parts.join(' and ')} in ${after.path}.`, at);
    } else {
      this._activity.say(
        'info',
        `${asked.join(', ')} ${asked.length === 1 ? 'is' : 'are'} already in ` +
          `${channels.length ? 'channels' : 'default_channels'}; nothing was written.`,
        at
      );
    }
  }

  /** "Save": write the edited lists, refused (409) if the file changed since it was read. */
  async save(): Promise<boolean> {
    const condarc = this._condarc;
    const draft = this._draft;
    if (!condarc || !draft || !this.dirty) {
      return false;
    }
    const body: ICondarcUpdate = { version: condarc.version };
    if (this._changedList('channels')) {
      body.channels = draft.channels;
    }
    if (this._changedList('default_channels')) {
      body.default_channels = draft.default_channels ?? [];
    }
    if (this._confirmDefaults) {
      body.confirm_defaults = true;
    }
    return this._activity.run('Saving .condarc…', 'condarc', async () => {
      try {
        this._set(await this._api.putCondarc(body));
      } catch (error) {
        this._conflict =
          error instanceof ApiError &&
          (error.code === 'stale_version' || error.code === 'conflict');
        throw error;
      }
      await this._connection.reload();
      this._activity.say('success', `Saved ${this._condarc?.path}.`, 'condarc');
    });
  }

  dispose(): void {
    Signal.clearData(this);
  }

  /** The connection or its channels changed (here or elsewhere): show the file as it is. */
  private _onStatus(_: ConnectionModel, status: IStatus | null): void {
    const seen = fingerprint(status);
    const before = this._seen;
    this._seen = seen;
    if (before !== null && before !== seen) {
      this.reload(false).catch(() => undefined); // the next change or "Reload" retries
    }
  }

  private _set(condarc: ICondarcChannels): void {
    this._condarc = condarc;
    this._draft = {
      channels: [...condarc.channels],
      default_channels: condarc.default_channels ? [...condarc.default_channels] : null
    };
    this._pendingRemoval = null;
    this._confirmDefaults = false;
    this._conflict = false;
    this._emit();
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

  private readonly _changed = new Signal<this, void>(this);
  private _condarc: ICondarcChannels | null = null;
  private _draft: ICondarcDraft | null = null;
  private _pendingRemoval: IPendingRemoval | null = null;
  private _confirmDefaults = false;
  private _conflict = false;
  private _seen: string | null = null;
}

/** Why "Add channels" wrote entries nobody picked (core: Connector.add_channels). */
export function whyAutomatic(entries: string[]): string {
  return entries.includes('defaults')
    ? 'added for you: conda reads default_channels only through defaults in channels'
    : 'added for you';
}
