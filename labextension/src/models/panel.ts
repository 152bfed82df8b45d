/**
 * The one composition point: every part of the panel built on the same server connection,
 * and the intents that span parts (first load, "Refresh", focus requests).
 */
import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { Api, createApi } from '../api';
import { AccountApi, AccountModel, createAccountApi } from './account';
import { Activity, Notifier } from './activity';
import { CondarcModel } from './condarc';
import { ConnectionModel } from './connection';
import { DoctorModel } from './doctor';
import { ChannelPickerModel } from './picker';
import { PreferencesModel } from './preferences';
import { RenewModel } from './renew';
import { Opener, SsoModel } from './sso';
import { StatusWatch } from './watch';

export interface IPanelModelOptions {
  /** The Jupyter server's connection settings; every request of every part uses them. */
  serverSettings?: ServerConnection.ISettings;
  /** Replaces the REST API built from `serverSettings` (tests pass a fake one). */
  api?: Api;
  accountApi?: AccountApi;
  notify?: Notifier;
  pageSize?: number;
  searchDelay?: number;
  /** Milliseconds between status checks while the panel is visible (0: none). */
  pollInterval?: number;
  /** Milliseconds between status checks while the panel is hidden (0: none). */
  hiddenPollInterval?: number;
  /** Opens single sign-on's page (default: a new tab without opener). */
  openSignInPage?: Opener;
  /** Whether the browser runs on the Jupyter server's machine (default: a loopback host). */
  browserOnServerMachine?: () => boolean;
}

export class PanelModel {
  constructor(options: IPanelModelOptions = {}) {
    const settings = options.serverSettings ?? ServerConnection.makeSettings();
    const api = options.api ?? createApi(settings);
    this.activity = new Activity({
      notify: options.notify,
      reconcile: async () => {
        await this.connection.reload();
        return this.connection.connected;
      }
    });
    this.preferences = new PreferencesModel(api, this.activity);
    this.connection = new ConnectionModel(api, this.activity, this.preferences);
    this.sso = new SsoModel(
      api,
      this.activity,
      this.connection,
      this.preferences,
      options.openSignInPage,
      options.browserOnServerMachine
    );
    this.renew = new RenewModel(api, this.activity, this.connection, this.preferences);
    this.condarc = new CondarcModel(api, this.activity, this.connection);
    this.picker = new ChannelPickerModel(api, this.activity, this.connection, this.condarc, {
      pageSize: options.pageSize ?? 50,
      searchDelay: options.searchDelay ?? 300
    });
    this.doctor = new DoctorModel(api, this.activity, this.connection);
    this.account = new AccountModel(
      options.accountApi ?? createAccountApi(settings),
      () => void this.refresh()
    );
    this.watch = new StatusWatch({
      check: () => this.connection.poll(),
      interval: options.pollInterval,
      hiddenInterval: options.hiddenPollInterval
    });
    for (const part of [
      this.activity,
      this.preferences,
      this.connection,
      this.sso,
      this.renew,
      this.condarc,
      this.picker,
      this.doctor
    ]) {
      part.changed.connect(this._emit, this);
    }
  }

  readonly activity: Activity;
  readonly preferences: PreferencesModel;
  readonly connection: ConnectionModel;
  readonly sso: SsoModel;
  readonly renew: RenewModel;
  readonly condarc: CondarcModel;
  readonly picker: ChannelPickerModel;
  readonly doctor: DoctorModel;
  readonly account: AccountModel;
  readonly watch: StatusWatch;

  /** Emitted after a change of any part but the account (which has its own section). */
  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** Whether the first full load (status, preferences, `.condarc`) has finished. */
  get ready(): boolean {
    return this._ready;
  }
  /** Counts requests to show the sign-in form or the status (the status bar, the palette). */
  get focusRequests(): number {
    return this._focusRequests;
  }

  /** Keep the status true without the panel (the status-bar item): check now and then. */
  start(): void {
    this.watch.start();
    if (!this.preferences.preferences) {
      // The status bar names the service with its short title.
      this.preferences.reload().catch(() => undefined);
    }
  }

  /** The panel was shown or hidden: the first show loads everything. */
  setVisible(visible: boolean): void {
    if (visible && !this._initialized) {
      void this.initialize();
    }
    this.watch.setPanelVisible(visible);
  }

  /** Load everything the panel shows; called when the panel is first shown. */
  async initialize(): Promise<void> {
    if (!this._initialized) {
      this._initialized = true;
      await this.activity.run('Loading…', 'status', () => this._load(false));
      this._ready = true;
      this._emit();
    }
  }

  /** "Refresh": reload everything and check the connection for real (token, reachability). */
  async refresh(): Promise<boolean> {
    return this.activity.run('Checking the connection…', 'status', () => this._load(true));
  }

  /** Bring the sign-in form (or the status) into view and focus. */
  requestFocus(): void {
    this._focusRequests++;
    this._emit();
  }

  dispose(): void {
    this.watch.dispose();
    this.account.dispose();
    this.picker.dispose();
    this.condarc.dispose();
    this.doctor.dispose();
    this.renew.dispose();
    this.sso.dispose();
    this.connection.dispose();
    this.preferences.dispose();
    this.activity.dispose();
    Signal.clearData(this);
  }

  /** Status, preferences and `.condarc`; `check`: also ask the repository (Refresh). */
  private async _load(check: boolean): Promise<void> {
    await Promise.all([this.connection.reload(), this.preferences.reload()]);
    await this.condarc.reload(false);
    if (check && this.connection.connected) {
      const problems = await this.doctor.check();
      this.connection.liveWarnings = problems;
      this.connection.tokenRefused = this.doctor.tokenRefused;
      if (!problems.length) {
        this.activity.say('success', 'Checked: the repository accepts your sign-in.', 'status');
      }
    }
  }

  private _emit(): void {
    this._changed.emit();
  }

  private readonly _changed = new Signal<this, void>(this);
  private _initialized = false;
  private _ready = false;
  private _focusRequests = 0;
}
