/**
 * The reference's Preferences: the API domain of each service that needs one, "Apply".
 */
import React, { useEffect, useState } from 'react';

import { IServiceInfo } from '../api';
import { PanelModel } from '../models/panel';
import { Feedback } from './Feedback';

const CLEARED =
  'A domain cannot be cleared, only replaced: type another one, or put the old one back. ' +
  'It is only used when you sign in to this service.';

export function PreferencesForm({ model }: { model: PanelModel }): JSX.Element {
  const prefs = model.preferences;
  const services = prefs.domainServices;
  const saved: Record<string, string> = {};
  for (const service of services) {
    saved[service.id] = prefs.domainOf(service.id) ?? '';
  }
  const savedKey = JSON.stringify(saved);
  const [typed, setTyped] = useState<Record<string, string>>(saved);
  useEffect(() => setTyped(JSON.parse(savedKey)), [savedKey]);
  const valueOf = (id: string) => typed[id] ?? saved[id] ?? '';
  const locked = prefs.locked;
  const changed = services.some(s => valueOf(s.id).trim() !== saved[s.id]);
  // A remembered domain cannot be cleared (the sign-in form would have nothing to use):
  // refuse it on the field instead of "saving" with no effect.
  const cleared = (id: string) => !!saved[id] && !valueOf(id).trim();
  const refused = services.some(s => cleared(s.id));
  const onSubmit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!locked && changed && !refused) {
      const values: Record<string, string> = {};
      for (const service of services) {
        values[service.id] = valueOf(service.id);
      }
      void prefs.save(values);
    }
  };
  return (
    <details className="jp-RepoConnect-details" data-testid="preferences">
      <summary>Preferences</summary>
      <form className="jp-RepoConnect-form jp-RepoConnect-detailsBody" onSubmit={onSubmit}>
        {services.map(service => (
          <DomainRow
            key={service.id}
            service={service}
            value={valueOf(service.id)}
            locked={locked}
            cleared={cleared(service.id)}
            onChange={value => setTyped({ ...typed, [service.id]: value })}
          />
        ))}
        <p className="jp-RepoConnect-hint">
          {locked ? 'Your administrator set these domains.' : 'Full URLs without a trailing slash.'}
        </p>
        <div className="jp-RepoConnect-actions">
          <button
            type="submit"
            className="jp-RepoConnect-button jp-mod-accept"
            disabled={locked || !changed || refused}
            data-testid="apply-preferences"
          >
            Apply
          </button>
        </div>
        <Feedback model={model} at="prefs" />
      </form>
    </details>
  );
}

function DomainRow({
  service,
  value,
  locked,
  cleared,
  onChange
}: {
  service: IServiceInfo;
  value: string;
  locked: boolean;
  cleared: boolean;
  onChange: (value: string) => void;
}): JSX.Element {
  const inputId = `jp-RepoConnect-pref-${service.id}`;
  return (
    <>
      <label htmlFor={inputId}>{service.short_title} API domain</label>
      <input
        id={inputId}
        className="jp-RepoConnect-input"
        type="text"
        inputMode="url"
        value={value}
        readOnly={locked}
        spellCheck={false}
        placeholder="https://anaconda.example.com"
        aria-invalid={cleared}
        aria-describedby={`${inputId}-error`}
        onChange={event => onChange(event.target.value)}
        data-testid={`pref-${service.id}-domain`}
      />
      {cleared && (
        <p
          id={`${inputId}-error`}
          className="jp-RepoConnect-fieldError"
          data-testid={`pref-${service.id}-error`}
        >
          {CLEARED}
        </p>
      )}
    </>
  );
}
