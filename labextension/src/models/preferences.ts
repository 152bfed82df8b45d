/**
 * The reference's Preferences, and what the server says about its services: their names, their
 * sign-in forms and the remembered domain of each service that needs one.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { Api, IPreferences, IServiceInfo } from '../api';
import { Activity } from './activity';

export class PreferencesModel {
  constructor(
    private readonly _api: Api,
    private readonly _activity: Activity
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get preferences(): IPreferences | null {
    return this._preferences;
  }
  /** Whether the administrator fixed the domains. */
  get locked(): boolean {
    return this._preferences?.allow_domain_change === false;
  }
  /** Every service the server knows, in its order. */
  get services(): IServiceInfo[] {
    return this._preferences?.services ?? [];
  }
  /** The services the administrator allows, in the server's order. */
  get allowedServices(): IServiceInfo[] {
    const allowed = this._preferences?.allowed_services;
    return this.services.filter(s => !allowed || allowed.includes(s.id));
  }
  /** The services whose domain the user sets (the Preferences form's rows). */
  get domainServices(): IServiceInfo[] {
    return this.services.filter(s => s.needs_domain);
  }
  /** The service offered first: the server's default where allowed. */
  get defaultService(): string | null {
    const allowed = this.allowedServices;
    const preferred = this._preferences?.default_service;
    if (preferred && allowed.some(s => s.id === preferred)) {
      return preferred;
    }
    return allowed[0]?.id ?? null;
  }

  /** The sign-in method a service offers first (the administrator may choose it). */
  defaultMethod(id: string): string | null {
    return this._preferences?.default_methods?.[id] ?? null;
  }

  /** "pixi and rattler" for `rattler`, as the server names it; an unknown id as it is. */
  packageManagerName(id: string): string {
    return this._preferences?.package_managers?.[id] ?? id;
  }

  serviceInfo(id: string | null | undefined): IServiceInfo | null {
    return this.services.find(s => s.id === id) ?? null;
  }

  /** The remembered domain of a service (null when it has none or none is set). */
  domainOf(id: string): string | null {
    return this._preferences?.domains?.[id] ?? null;
  }

  async reload(): Promise<void> {
    this._set(await this._api.preferences());
  }

  /** Remember domains (service id → domain); errors are the caller's. */
  async putDomains(domains: Record<string, string>): Promise<void> {
    this._set(await this._api.putPreferences({ domains }));
  }

  /** Preferences' "Apply": the typed domains (service id → text); unchanged ones are not sent. */
  async save(typed: Record<string, string>): Promise<boolean> {
    const domains: Record<string, string> = {};
    for (const [id, value] of Object.entries(typed)) {
      if (value.trim() !== (this.domainOf(id) ?? '')) {
        domains[id] = value.trim();
      }
    }
    return this._activity.run('Saving preferences…', 'prefs', async () => {
      await this.putDomains(domains);
      this._activity.say('success', 'Preferences saved.', 'prefs');
    });
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private _set(preferences: IPreferences): void {
    this._preferences = preferences;
    this._changed.emit();
  }

  private readonly _changed = new Signal<this, void>(this);
  private _preferences: IPreferences | null = null;
}
