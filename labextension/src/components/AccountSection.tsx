/**
 * "Anaconda Cloud account": sign in with a code approved in a new tab (or on any device — it
 * works when the browser cannot reach the server's 127.0.0.1), pick the organisation, install
 * its repository token (with the revocation warning), see the expiry, sign out.
 */
import { UseSignal } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import { humanDate } from '../dates';
import { AccountModel } from '../models/account';

/** The account section; its model is built with the rest of the panel (models/panel.ts). */
export function AccountSection({ account }: { account: AccountModel }): JSX.Element | null {
  useEffect(() => {
    if (account.status === null) {
      void account.load();
    }
  }, [account]);
  return <UseSignal signal={account.changed}>{() => <Body account={account} />}</UseSignal>;
}

function Body({ account }: { account: AccountModel }): JSX.Element | null {
  const status = account.status;
  if (status && !status.allowed) {
    return null; // the administrator hid the account sign-in
  }
  const note = account.note;
  return (
    <section
      className="jp-RepoConnect-section"
      aria-labelledby="jp-RepoConnect-account-title"
      aria-busy={!!account.busy}
      data-testid="account-section"
      data-state={!status ? 'loading' : status.signed_in ? 'signed-in' : 'signed-out'}
    >
      <h3 id="jp-RepoConnect-account-title" tabIndex={-1}>
        Anaconda Cloud account
      </h3>
      {account.busy && (
        <p className="jp-RepoConnect-hint" role="status" data-testid="account-busy">
          {account.busy}
        </p>
      )}
      {status && !status.signed_in && !account.login && <SignedOut account={account} />}
      {account.login && <Waiting account={account} />}
      {status && status.signed_in && <SignedIn account={account} />}
      {note && (
        <p
          className={
            note.kind === 'error'
              ? 'jp-RepoConnect-error'
              : note.kind === 'warning'
                ? 'jp-RepoConnect-warn'
                : note.kind === 'success'
                  ? 'jp-RepoConnect-notice'
                  : 'jp-RepoConnect-info'
          }
          role={note.kind === 'error' ? 'alert' : 'status'}
          data-testid="account-note"
          data-kind={note.kind}
        >
          {note.text}
        </p>
      )}
    </section>
  );
}

function SignedOut({ account }: { account: AccountModel }): JSX.Element {
  const [apiKey, setApiKey] = useState('');
  return (
    <>
      <p className="jp-RepoConnect-hint">
        Sign in to your anaconda.com account to install your organisation&apos;s repository token
        without copying it.
      </p>
      <div className="jp-RepoConnect-actions">
        <button
          type="button"
          className="jp-RepoConnect-button jp-mod-accept"
          disabled={!!account.busy}
          onClick={() => void account.signIn()}
          data-testid="account-sign-in"
        >
          Sign in
        </button>
      </div>
      <details className="jp-RepoConnect-details">
        <summary>Or use an API key</summary>
        <form
          className="jp-RepoConnect-form"
          onSubmit={event => {
            event.preventDefault();
            const key = apiKey;
            setApiKey('');
            void account.signInWithApiKey(key);
          }}
        >
          <p className="jp-RepoConnect-hint">
            anaconda.com → Account Settings → API Keys. It is stored where the anaconda command line
            keeps its login.
          </p>
          <div className="jp-RepoConnect-inputRow">
            <input
              type="password"
              className="jp-RepoConnect-input"
              aria-label="API key"
              autoComplete="off"
              value={apiKey}
              onChange={event => setApiKey(event.target.value)}
              data-testid="account-api-key"
            />
            <button
              type="submit"
              className="jp-RepoConnect-button"
              disabled={!apiKey.trim() || !!account.busy}
            >
              Sign in with API key
            </button>
          </div>
        </form>
      </details>
    </>
  );
}

function Waiting({ account }: { account: AccountModel }): JSX.Element | null {
  const login = account.login;
  if (!login) {
    return null;
  }
  return (
    <div data-testid="account-waiting">
      <p className="jp-RepoConnect-info">
        Open the sign-in page (in a new tab or on any device), check that it shows the code{' '}
        <code className="jp-RepoConnect-userCode" data-testid="account-user-code">
          {login.user_code}
        </code>
        , and approve.
      </p>
      <div className="jp-RepoConnect-actions">
        <a
          className="jp-RepoConnect-button jp-mod-accept"
          href={login.verification_uri_complete}
          target="_blank"
          rel="noopener noreferrer"
          data-testid="account-open-link"
        >
          Open sign-in page
        </a>
        <button
          type="button"
          className="jp-RepoConnect-button"
          onClick={() => void account.cancelSignIn()}
          data-testid="account-cancel"
        >
          Cancel
        </button>
      </div>
      <p className="jp-RepoConnect-hint" role="status">
        Waiting for you to approve…
      </p>
    </div>
  );
}

function SignedIn({ account }: { account: AccountModel }): JSX.Element | null {
  const status = account.status;
  const choices = account.orgs.filter(org => org.business);
  const [chosen, setChosen] = useState('');
  if (!status) {
    return null;
  }
  const org = choices.find(o => o.name === chosen) ?? choices[0];
  return (
    <>
      <dl className="jp-RepoConnect-facts">
        <dt>Signed in</dt>
        <dd data-testid="account-username">{status.username ?? 'yes'}</dd>
        {status.expires_at && (
          <>
            <dt>Key expires</dt>
            <dd>{humanDate(status.expires_at)}</dd>
          </>
        )}
        {status.managed && (
          <>
            <dt>Managed</dt>
            <dd data-testid="account-managed">by the administrator</dd>
          </>
        )}
      </dl>
      {status.message && <p className="jp-RepoConnect-warn">{status.message}</p>}
      {choices.length > 0 && org && (
        <div className="jp-RepoConnect-form">
          <label className="jp-RepoConnect-hint" htmlFor="jp-RepoConnect-account-org">
            Organization
          </label>
          <select
            id="jp-RepoConnect-account-org"
            className="jp-RepoConnect-input"
            value={org.name}
            onChange={event => setChosen(event.target.value)}
            data-testid="account-org"
          >
            {choices.map(o => (
              <option key={o.name} value={o.name}>
                {o.title}
              </option>
            ))}
          </select>
          <p className="jp-RepoConnect-hint" data-testid="account-token-expiry">
            {org.token_expires_at
              ? `Current token expires ${humanDate(org.token_expires_at)}` +
                (org.installed ? ' (installed here).' : '. Installing a new one revokes it.')
              : 'No repository token yet.'}
          </p>
          {account.reissuePending === org.name ? (
            <div className="jp-RepoConnect-actions">
              <button
                type="button"
                className="jp-RepoConnect-button jp-mod-warn"
                disabled={!!account.busy}
                onClick={() => void account.install(org.name, true)}
                data-testid="account-reissue"
              >
                Reissue and revoke the current token
              </button>
              <button
                type="button"
                className="jp-RepoConnect-button"
                onClick={() => account.cancelReissue()}
              >
                Keep the current token
              </button>
            </div>
          ) : (
            <div className="jp-RepoConnect-actions">
              <button
                type="button"
                className="jp-RepoConnect-button jp-mod-accept"
                disabled={!!account.busy}
                onClick={() => void account.install(org.name)}
                data-testid="account-install"
              >
                Install token
              </button>
            </div>
          )}
        </div>
      )}
      <div className="jp-RepoConnect-actions">
        {status.installed_orgs.length > 0 && (
          <button
            type="button"
            className="jp-RepoConnect-button"
            disabled={!!account.busy}
            onClick={() => void account.removeToken()}
            data-testid="account-remove-token"
          >
            Remove token
          </button>
        )}
        {!status.managed && (
          <button
            type="button"
            className="jp-RepoConnect-button"
            disabled={!!account.busy}
            onClick={() => void account.signOut()}
            data-testid="account-sign-out"
          >
            Sign out of account
          </button>
        )}
      </div>
    </>
  );
}
