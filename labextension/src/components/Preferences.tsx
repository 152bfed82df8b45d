/**
 * The reference's Preferences: the two API domains, "Apply".
 */
import React, { useEffect, useState } from 'react';

import { RepoConnectModel } from '../model';

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
  const onSubmit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!locked && changed) {
      void model.savePreferences(server, enterprise);
    }
  };
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
          onChange={event => setServer(event.target.value)}
          data-testid="pref-server-domain"
        />
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
          onChange={event => setEnterprise(event.target.value)}
          data-testid="pref-enterprise-domain"
        />
        <p className="jp-RepoConnect-hint">
          {locked
            ? 'Your administrator set these domains.'
            : 'Full URLs without a trailing slash.'}
        </p>
        <div className="jp-RepoConnect-actions">
          <button
            type="submit"
            className="jp-RepoConnect-button jp-mod-accept"
            disabled={locked || !changed}
            data-testid="apply-preferences"
          >
            Apply
          </button>
        </div>
      </form>
    </details>
  );
}
