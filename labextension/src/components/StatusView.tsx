/**
 * Signed in: which repository, as whom, the channels in use, "Refresh" and "Sign out".
 */
import React, { useEffect, useRef, useState } from 'react';

import { IStatus } from '../api';
import { humanDate } from '../dates';
import { strips } from '../models/connection';
import { PanelModel } from '../models/panel';
import { Breakable } from './Breakable';
import { Feedback } from './Feedback';
import { MethodChoice } from './SignIn';

/** "Also connected: pixi and rattler, mamba and micromamba". */
export function alsoConnected(ids: string[], name: (id: string) => string): string {
  return `Also connected: ${ids.map(name).join(', ')}`;
}

/** An ISO date or time as people read it: "5 March 2027" (dates.ts). */
export function expiryDate(iso: string): string {
  return humanDate(iso);
}

export function StatusView({ model }: { model: PanelModel }): JSX.Element | null {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // After "Login" the form that had focus is gone: continue from here.
    if (document.activeElement === document.body) {
      heading.current?.focus();
    }
  }, []);
  const focusRequests = model.focusRequests;
  useEffect(() => {
    if (focusRequests) {
      heading.current?.scrollIntoView({ block: 'nearest' });
      heading.current?.focus();
    }
  }, [focusRequests]);
  const connection = model.connection;
  const status = connection.status;
  const capabilities = connection.capabilities;
  if (!status) {
    return null;
  }
  return (
    <section
      className="jp-RepoConnect-section"
      aria-labelledby="jp-RepoConnect-status-title"
      data-testid="repoconnect-status"
      data-connected={status.connected}
      data-service={status.service ?? ''}
      data-token-refused={connection.tokenRefused}
    >
      <h3 id="jp-RepoConnect-status-title" ref={heading} tabIndex={-1}>
        {connection.tokenRefused ? 'Signed in, but the token no longer works' : 'Connected'}
      </h3>
      <dl className="jp-RepoConnect-facts">
        <dt>Repository</dt>
        <dd data-testid="status-service">{status.service_title ?? 'Unknown'}</dd>
        {status.domain && (
          <>
            <dt>Domain</dt>
            <dd data-testid="status-domain">
              <Breakable text={status.domain} />
            </dd>
          </>
        )}
        {status.username && (
          <>
            <dt>User</dt>
            <dd data-testid="status-username">{status.username}</dd>
          </>
        )}
        {connection.status?.connected && model.renew.expiresAt && (
          <>
            <dt>Token</dt>
            <dd data-testid="status-expires" title={model.renew.expiresAt}>
              Expires {expiryDate(model.renew.expiresAt)}
            </dd>
          </>
        )}
        {status.source === 'cli' && (
          <>
            <dt>Signed in</dt>
            <dd>from a command line</dd>
          </>
        )}
      </dl>
      {!!status.package_managers?.length && (
        <p className="jp-RepoConnect-hint" data-testid="status-package-managers">
          {alsoConnected(status.package_managers, id => model.preferences.packageManagerName(id))}
        </p>
      )}
      {status.message && (
        <p className="jp-RepoConnect-info" data-testid="status-message">
          {status.message}
        </p>
      )}
      {capabilities?.channels_by_hand && (
        <div className="jp-RepoConnect-actions">
          <button
            type="button"
            className="jp-RepoConnect-link"
            onClick={openAddByHand}
            data-testid="goto-add-by-hand"
          >
            {capabilities.organisation_channels
              ? 'Add an organisation channel…'
              : 'Add the channels you need…'}
          </button>
        </div>
      )}
      <Warnings warnings={[...status.warnings, ...connection.liveWarnings]} />
      <ChannelSummary status={status} />
      {model.renew.open && <RenewForm model={model} />}
      <div className="jp-RepoConnect-actions">
        {model.renew.available && !model.renew.open && (
          <button
            type="button"
            className="jp-RepoConnect-button"
            title="Sign in again for a new token; the channels stay"
            onClick={() => model.renew.show()}
            data-testid="renew-button"
          >
            Renew
          </button>
        )}
        <button
          type="button"
          className="jp-RepoConnect-button"
          onClick={() => void model.doctor.run()}
          data-testid="troubleshoot-button"
        >
          Troubleshoot
        </button>
        <button
          type="button"
          className="jp-RepoConnect-button"
          title="Re-read the status and ask the repository whether it still accepts your sign-in"
          onClick={() => void model.refresh()}
          data-testid="refresh-button"
        >
          Refresh
        </button>
        <button
          type="button"
          className="jp-RepoConnect-button jp-mod-warn"
          onClick={() => void connection.signOut()}
          data-testid="signout-button"
        >
          Sign out
        </button>
      </div>
      <Feedback model={model} at="status" />
    </section>
  );
}

/** The fields of the connection's sign-in method (user name prefilled), then "Renew". */
function RenewForm({ model }: { model: PanelModel }): JSX.Element | null {
  const renew = model.renew;
  const method = renew.method;
  const username = model.connection.status?.username ?? '';
  const [values, setValues] = useState<Record<string, string>>({ username });
  if (!method) {
    return null;
  }
  const busy = !!model.activity.busy;
  const filled = method.fields.every(field => {
    const value = values[field.name] ?? '';
    return (strips(field) ? value.trim() : value) !== '';
  });
  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || !filled) {
      return;
    }
    const sent = values;
    // Never keep a secret around, whatever the answer.
    const kept: Record<string, string> = {};
    for (const field of method.fields) {
      if (!field.secret) {
        kept[field.name] = sent[field.name] ?? '';
      }
    }
    setValues(kept);
    await renew.renew(sent);
  };
  return (
    <form
      className="jp-RepoConnect-form"
      onSubmit={onSubmit}
      autoComplete="off"
      aria-label="Renew"
      data-testid="renew-form"
      data-method={method.id}
    >
      {renew.methods.length > 1 && (
        <MethodChoice
          model={model}
          methods={renew.methods}
          current={method.id}
          choose={id => renew.setMethod(id)}
          name="jp-RepoConnect-renew-method"
        />
      )}
      <p className="jp-RepoConnect-hint" data-testid="renew-hint">
        Renewing replaces only the token: your channels stay as they are.
      </p>
      {method.fields.map(field => {
        const id = `jp-RepoConnect-renew-${field.name}`;
        return (
          <React.Fragment key={field.name}>
            <label htmlFor={id}>{field.label.charAt(0).toUpperCase() + field.label.slice(1)}</label>
            <input
              id={id}
              className="jp-RepoConnect-input"
              type={field.secret ? 'password' : 'text'}
              value={values[field.name] ?? ''}
              autoComplete="off"
              spellCheck={false}
              readOnly={busy}
              onChange={event => setValues({ ...values, [field.name]: event.target.value })}
              data-testid={`renew-${field.name}-input`}
            />
          </React.Fragment>
        );
      })}
      <div className="jp-RepoConnect-actions">
        <button
          type="button"
          className="jp-RepoConnect-button"
          onClick={() => renew.hide()}
          data-testid="renew-cancel"
        >
          Cancel
        </button>
        <button
          type="submit"
          className="jp-RepoConnect-button jp-mod-accept"
          disabled={!filled}
          aria-busy={busy}
          data-testid="renew-submit"
        >
          Renew
        </button>
      </div>
    </form>
  );
}

/** The `.condarc` lists as the status reports them (token URLs masked). */
export function ChannelSummary({ status }: { status: IStatus }): JSX.Element {
  return (
    <div className="jp-RepoConnect-summary" data-testid="status-channels">
      <p className="jp-RepoConnect-hint">
        In{' '}
        <code>
          <Breakable text={status.condarc_path} />
        </code>
        :
      </p>
      <ListOf title="channels" entries={status.channels} />
      <ListOf title="default_channels" entries={status.default_channels} />
    </div>
  );
}

function ListOf({ title, entries }: { title: string; entries: string[] | null }): JSX.Element {
  return (
    <div className="jp-RepoConnect-listOf" data-list={title}>
      <span className="jp-RepoConnect-key">{title}:</span>
      {entries === null ? (
        <span className="jp-RepoConnect-muted"> not set</span>
      ) : entries.length === 0 ? (
        <span className="jp-RepoConnect-muted"> [] (empty)</span>
      ) : (
        <ul>
          {entries.map((entry, i) => (
            <li key={`${i}-${entry}`}>
              <code>
                <Breakable text={entry} />
              </code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Warnings({ warnings }: { warnings: string[] }): JSX.Element | null {
  if (!warnings.length) {
    return null;
  }
  return (
    <ul className="jp-RepoConnect-warnings" role="alert" data-testid="status-warnings">
      {warnings.map((warning, i) => (
        <li key={i}>{warning}</li>
      ))}
    </ul>
  );
}

/** Open Configure Conda at "Add a channel by hand", with the keyboard in its field. */
function openAddByHand(): void {
  const details = document.querySelector<HTMLDetailsElement>(
    '#jp-repoconnect-panel [data-testid="configure-conda"]'
  );
  if (details) {
    details.open = true;
  }
  window.requestAnimationFrame(() => {
    const input = document.getElementById('jp-RepoConnect-hand-input');
    input?.scrollIntoView({ block: 'center' });
    input?.focus();
  });
}
