/**
 * The reference's Preferences: the two API domains, "Apply".
 */
import React, { useEffect, useState } from 'react';

import { RepoConnectModel } from '../model';
import { Feedback } from './Feedback';

export function PreferencesForm({ model }: { model: RepoConnectModel }): JSX.Element {
  const prefs = model.preferences;
  const savedServer = prefs?.server_domain ?? '';
  const savedEnterprise = prefs?.enterprise_domain ?? '';
  const [server, setServer] = useState(savedServer);
  const [enterprise, setEnterprise] = useState(savedEnterprise);
  useEffect(() => setServer(savedServer), [savedServer]);
  useEffect(() => setEnterprise(savedEnterprise), [savedEnterprise]);
  const locked = prefs?.allow_domain_change === false;
  const changed = server.trim() !== savedServer || enterprise.trim() !== savedEnterprise;
  // A remembered domain cannot be cleared (the sign-in form would have nothing to use):
  // refuse it on the field instead of "saving" with no effect.
  const cleared = (value: string, saved: string) => !!saved && !value.trim();
  const serverCleared = cleared(server, savedServer);
  const enterpriseCleared = cleared(enterprise, savedEnterprise);
  const refused = serverCleared || enterpriseCleared;
  const onSubmit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!locked && changed && !refused) {
      void model.savePreferences(server, enterprise);
    }
  };
  const CLEARED =
    'A domain cannot be cleared, only replaced: type another one, or put the old one back. ' +
    'It is only used when you sign in to this service.';
  return (
    <details className="jp-RepoConnect-details" data-testid="preferences">
      <summary>Preferences</summary>
      <form className="jp-RepoConnect-form jp-RepoConnect-detailsBody" onSubmit={onSubmit}>
        <label htmlFor="jp-RepoConnect-pref-server">Anaconda Server API domain</label>
        <input
          id="jp-RepoConnect-pref-server"
          className="jp-RepoConnect-input"
          type="text"
          inputMode="url"
          value={server}
          readOnly={locked}
          spellCheck={false}
          placeholder="https://anaconda.example.com"
          aria-invalid={serverCleared}
          aria-describedby="jp-RepoConnect-pref-server-error"
          onChange={event => setServer(event.target.value)}
          data-testid="pref-server-domain"
        />
        {serverCleared && (
          <p
            id="jp-RepoConnect-pref-server-error"
            className="jp-RepoConnect-fieldError"
            data-testid="pref-server-error"
          >
            {CLEARED}
          </p>
        )}
        <label htmlFor="jp-RepoConnect-pref-enterprise">Enterprise 4 Repository API domain</label>
        <input
          id="jp-RepoConnect-pref-enterprise"
          className="jp-RepoConnect-input"
          type="text"
          inputMode="url"
          value={enterprise}
          readOnly={locked}
          spellCheck={false}
          placeholder="https://repo.example.com/api"
          aria-invalid={enterpriseCleared}
          aria-describedby="jp-RepoConnect-pref-enterprise-error"
          onChange={event => setEnterprise(event.target.value)}
          data-testid="pref-enterprise-domain"
        />
        {enterpriseCleared && (
          <p
            id="jp-RepoConnect-pref-enterprise-error"
            className="jp-RepoConnect-fieldError"
            data-testid="pref-enterprise-error"
          >
            {CLEARED}
          </p>
        )}
        <p className="jp-RepoConnect-hint">
          {locked
            ? 'Your administrator set these domains.'
            : 'Full URLs without a trailing slash.'}
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
