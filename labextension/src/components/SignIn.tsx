/**
 * Signed out: choose a service, "Set Domain", then "Login" or "Set Token".
 */
import React, { useEffect, useRef, useState } from 'react';

import { SERVICE_TITLES, Service } from '../api';
import { RepoConnectModel } from '../model';
import { Feedback } from './Feedback';

interface IProps {
  model: RepoConnectModel;
}

export function SignIn({ model }: IProps): JSX.Element {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // After "Sign out" the button that had focus is gone: continue from here.
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
  const service = model.service;
  // The domain field's text: Login uses what is typed, never an older domain silently.
  const saved = model.domainOf(service) ?? '';
  const [domain, setDomain] = useState(saved);
  useEffect(() => setDomain(saved), [saved, service]);
  return (
    <section
      className="jp-RepoConnect-section"
      data-testid="repoconnect-signin"
      aria-labelledby="jp-RepoConnect-signin-title"
    >
      <h3 id="jp-RepoConnect-signin-title" ref={heading} tabIndex={-1}>
        Sign in to a repository
      </h3>
      <ServiceChoice model={model} />
      {service === 'cloud' ? (
        <TokenForm model={model} />
      ) : (
        <>
          <DomainForm model={model} service={service} domain={domain} setDomain={setDomain} />
          <CredentialsForm model={model} service={service} domain={domain} />
        </>
      )}
      <Feedback model={model} at="signin" />
    </section>
  );
}

function ServiceChoice({ model }: IProps): JSX.Element {
  const allowed = model.allowedServices;
  return (
    <fieldset className="jp-RepoConnect-services" data-testid="service-choice">
      <legend>Service</legend>
      {allowed.map(service => (
        <label key={service} className="jp-RepoConnect-radio">
          <input
            type="radio"
            name="jp-RepoConnect-service"
            value={service}
            checked={model.service === service}
            onChange={() => (model.service = service)}
            data-testid={`service-${service}`}
          />
          <span>{SERVICE_TITLES[service]}</span>
        </label>
      ))}
    </fieldset>
  );
}

interface IDomainProps extends IProps {
  service: Service;
  domain: string;
  setDomain?: (value: string) => void;
}

function DomainForm({ model, service, domain, setDomain }: IDomainProps): JSX.Element {
  const saved = model.domainOf(service) ?? '';
  const locked = model.preferences?.allow_domain_change === false;
  const inputId = `jp-RepoConnect-domain-${service}`;
  const error = model.domainError;
  const pending = !locked && domain.trim() !== '' && domain.trim() !== saved;
  const onSubmit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!locked && domain.trim()) {
      void model.setDomain(service, domain);
    }
  };
  return (
    <form className="jp-RepoConnect-form" onSubmit={onSubmit} data-testid="domain-form">
      <label htmlFor={inputId}>
        {service === 'enterprise' ? 'Enterprise 4 Repository API domain' : 'Anaconda Server domain'}
      </label>
      <div className="jp-RepoConnect-inputRow">
        <input
          id={inputId}
          className="jp-RepoConnect-input"
          type="text"
          inputMode="url"
          placeholder="https://anaconda.example.com"
          value={domain}
          readOnly={locked}
          autoComplete="url"
          spellCheck={false}
          aria-invalid={!!error}
          aria-describedby={`${inputId}-hint`}
          onChange={event => {
            setDomain?.(event.target.value);
            model.clearDomainError();
          }}
          data-testid="domain-input"
        />
        <button
          type="submit"
          className="jp-RepoConnect-button"
          disabled={locked || !domain.trim() || domain.trim() === saved}
          data-testid="set-domain"
        >
          Set Domain
        </button>
      </div>
      <p
        id={`${inputId}-hint`}
        className={error ? 'jp-RepoConnect-fieldError' : 'jp-RepoConnect-hint'}
        data-testid="domain-hint"
      >
        {error
          ? error
          : locked
            ? 'Set by your administrator.'
            : pending
              ? saved
                ? `Not set yet (in use: ${saved}). Login uses the domain typed here.`
                : 'Not set yet. Login uses the domain typed here.'
              : saved && !domain.trim()
                ? `Empty: type the domain to sign in to (the one set before is ${saved}).`
                : 'A full URL without a trailing slash, e.g. https://anaconda.example.com.'}
      </p>
    </form>
  );
}

function CredentialsForm({ model, service, domain }: IDomainProps): JSX.Element {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const hasDomain = !!model.domainOf(service) || !!domain.trim();
  const busy = !!model.busy;
  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || !hasDomain || !username || !password) {
      return;
    }
    const ok = await model.login(username.trim(), password, domain);
    setPassword(''); // never keep a password around, whatever the answer
    if (!ok) {
      const target = model.domainError
        ? `jp-RepoConnect-domain-${service}`
        : 'jp-RepoConnect-password';
      document.getElementById(target)?.focus();
    }
  };
  return (
    <form
      className="jp-RepoConnect-form"
      onSubmit={onSubmit}
      autoComplete="off"
      aria-label="Credentials"
      data-testid="login-form"
    >
      {!hasDomain && (
        <p className="jp-RepoConnect-hint">Enter the domain first, then sign in.</p>
      )}
      <label htmlFor="jp-RepoConnect-username">Username</label>
      <input
        id="jp-RepoConnect-username"
        className="jp-RepoConnect-input"
        type="text"
        value={username}
        autoComplete="off"
        spellCheck={false}
        readOnly={busy}
        onChange={event => setUsername(event.target.value)}
        data-testid="username-input"
      />
      <label htmlFor="jp-RepoConnect-password">Password</label>
      <input
        id="jp-RepoConnect-password"
        className="jp-RepoConnect-input"
        type="password"
        value={password}
        autoComplete="off"
        readOnly={busy}
        onChange={event => setPassword(event.target.value)}
        data-testid="password-input"
      />
      <div className="jp-RepoConnect-actions">
        <CancelSignIn model={model} />
        <button
          type="submit"
          className="jp-RepoConnect-button jp-mod-accept"
          disabled={!hasDomain || !username || !password}
          aria-busy={busy}
          data-testid="login-button"
        >
          Login
        </button>
      </div>
    </form>
  );
}

/** While a sign-in is in flight: stop waiting for it. */
function CancelSignIn({ model }: IProps): JSX.Element | null {
  if (!model.cancellable) {
    return null;
  }
  return (
    <button
      type="button"
      className="jp-RepoConnect-button"
      onClick={() => model.cancelSignIn()}
      data-testid="cancel-signin"
    >
      Cancel
    </button>
  );
}

function TokenForm({ model }: IProps): JSX.Element {
  const [token, setToken] = useState('');
  const [shown, setShown] = useState(false);
  const busy = !!model.busy;
  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || !token.trim()) {
      return;
    }
    const ok = await model.setToken(token.trim());
    if (ok) {
      setToken('');
    } else {
      // A wrong token stays in the field (use "Show" to check it), selected for retyping.
      const input = document.getElementById('jp-RepoConnect-token') as HTMLInputElement | null;
      input?.focus();
      input?.select();
    }
  };
  return (
    <form
      className="jp-RepoConnect-form"
      onSubmit={onSubmit}
      autoComplete="off"
      data-testid="token-form"
    >
      <label htmlFor="jp-RepoConnect-token">Token</label>
      <div className="jp-RepoConnect-inputRow">
        <input
          id="jp-RepoConnect-token"
          className="jp-RepoConnect-input"
          type={shown ? 'text' : 'password'}
          value={token}
          autoComplete="off"
          spellCheck={false}
          readOnly={busy}
          aria-describedby="jp-RepoConnect-token-hint"
          onChange={event => setToken(event.target.value)}
          data-testid="token-input"
        />
        <button
          type="button"
          className="jp-RepoConnect-button"
          aria-pressed={shown}
          aria-controls="jp-RepoConnect-token"
          onClick={() => setShown(!shown)}
          data-testid="show-token"
        >
          {shown ? 'Hide' : 'Show'}
        </button>
      </div>
      <p id="jp-RepoConnect-token-hint" className="jp-RepoConnect-hint">
        Issue yourself a token on the Token Access page of your Anaconda Cloud organization.
      </p>
      <div className="jp-RepoConnect-actions">
        <CancelSignIn model={model} />
        <button
          type="submit"
          className="jp-RepoConnect-button jp-mod-accept"
          disabled={!token.trim()}
          data-testid="set-token"
        >
          Set Token
        </button>
      </div>
    </form>
  );
}
