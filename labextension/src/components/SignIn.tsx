/**
 * Signed out: choose a service, "Set Domain", then "Login" or "Set Token".
 */
import React, { useEffect, useRef, useState } from 'react';

import { SERVICE_TITLES, Service } from '../api';
import { RepoConnectModel } from '../model';

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
  const service = model.service;
  return (
    <section className="jp-RepoConnect-section" data-testid="repoconnect-signin" aria-labelledby="jp-RepoConnect-signin-title">
      <h3 id="jp-RepoConnect-signin-title" ref={heading} tabIndex={-1}>
        Sign in to a repository
      </h3>
      <ServiceChoice model={model} />
      {service === 'cloud' ? (
        <TokenForm model={model} />
      ) : (
        <>
          <DomainForm model={model} service={service} />
          <CredentialsForm model={model} service={service} />
        </>
      )}
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

function DomainForm({ model, service }: IProps & { service: Service }): JSX.Element {
  const saved = model.domainOf(service) ?? '';
  const [domain, setDomain] = useState(saved);
  useEffect(() => setDomain(saved), [saved, service]);
  const locked = model.preferences?.allow_domain_change === false;
  const inputId = `jp-RepoConnect-domain-${service}`;
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
          aria-describedby={`${inputId}-hint`}
          onChange={event => setDomain(event.target.value)}
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
      <p id={`${inputId}-hint`} className="jp-RepoConnect-hint">
        {locked
          ? 'Set by your administrator.'
          : 'A full URL without a trailing slash, e.g. https://anaconda.example.com.'}
      </p>
    </form>
  );
}

function CredentialsForm({ model, service }: IProps & { service: Service }): JSX.Element {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const hasDomain = !!model.domainOf(service);
  const busy = !!model.busy;
  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || !hasDomain || !username || !password) {
      return;
    }
    const ok = await model.login(username.trim(), password);
    setPassword(''); // never keep a password around, whatever the answer
    if (!ok) {
      document.getElementById('jp-RepoConnect-password')?.focus();
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
        <p className="jp-RepoConnect-hint">Set the domain first, then sign in.</p>
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

function TokenForm({ model }: IProps): JSX.Element {
  const [token, setToken] = useState('');
  const busy = !!model.busy;
  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || !token.trim()) {
      return;
    }
    const ok = await model.setToken(token.trim());
    setToken('');
    if (!ok) {
      document.getElementById('jp-RepoConnect-token')?.focus();
    }
  };
  return (
    <form className="jp-RepoConnect-form" onSubmit={onSubmit} autoComplete="off" data-testid="token-form">
      <label htmlFor="jp-RepoConnect-token">Token</label>
      <div className="jp-RepoConnect-inputRow">
        <input
          id="jp-RepoConnect-token"
          className="jp-RepoConnect-input"
          type="password"
          value={token}
          autoComplete="off"
          spellCheck={false}
          readOnly={busy}
          aria-describedby="jp-RepoConnect-token-hint"
          onChange={event => setToken(event.target.value)}
          data-testid="token-input"
        />
        <button
          type="submit"
          className="jp-RepoConnect-button jp-mod-accept"
          disabled={!token.trim()}
          data-testid="set-token"
        >
          Set Token
        </button>
      </div>
      <p id="jp-RepoConnect-token-hint" className="jp-RepoConnect-hint">
        Issue yourself a token on the Token Access page of your Anaconda Cloud organization.
      </p>
    </form>
  );
}
