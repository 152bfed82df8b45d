/**
 * Signed out: choose a service, "Set Domain" where it needs one, then the service's sign-in
 * form ("Login", "Set Token") built from what the server says the method takes.
 */
import React, { useEffect, useRef, useState } from 'react';

import { ISignInField, ISignInMethod, IServiceInfo } from '../api';
import { strips } from '../models/connection';
import { PanelModel } from '../models/panel';
import { Feedback } from './Feedback';

interface IProps {
  model: PanelModel;
}

/** The test ids the browser tests know, by sign-in method; others are derived from the id. */
const TEST_IDS: Record<string, { form: string; submit: string }> = {
  password: { form: 'login-form', submit: 'login-button' },
  token: { form: 'token-form', submit: 'set-token' }
};

function testIds(method: ISignInMethod): { form: string; submit: string } {
  return TEST_IDS[method.id] ?? { form: `${method.id}-form`, submit: `${method.id}-submit` };
}

/** A password is never kept or shown; another secret (a token) stays after a failure. */
function revealable(field: ISignInField): boolean {
  return field.secret && field.name !== 'password';
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function SignIn({ model }: IProps): JSX.Element {
  const connection = model.connection;
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
  const info = connection.serviceInfo;
  // The domain field's text: the sign-in uses what is typed, never an older domain silently.
  const saved = info ? (model.preferences.domainOf(info.id) ?? '') : '';
  const [domain, setDomain] = useState(saved);
  useEffect(() => setDomain(saved), [saved, info?.id]);
  const method = connection.method;
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
      {info?.needs_domain && (
        <DomainForm model={model} service={info} domain={domain} setDomain={setDomain} />
      )}
      {info && connection.methods.length > 1 && !model.sso.pending && (
        <MethodChoice model={model} />
      )}
      {info && model.sso.pending ? (
        <SsoWaiting model={model} />
      ) : info && method && !method.fields.length ? (
        <SsoForm key={`${info.id}/${method.id}`} model={model} method={method} domain={domain} />
      ) : (
        info &&
        method && (
          <CredentialsForm
            key={`${info.id}/${method.id}`}
            model={model}
            service={info}
            method={method}
            domain={domain}
          />
        )
      )}
      <Feedback model={model} at="signin" />
    </section>
  );
}

/** Readable names of the sign-in methods the server may offer; others show their button. */
const METHOD_TITLES: Record<string, string> = {
  password: 'Password',
  sso: 'Single sign-on',
  access_token: 'Access token',
  token: 'Token'
};

export function methodTitle(method: ISignInMethod): string {
  return METHOD_TITLES[method.id] ?? method.submit;
}

/** How to sign in, when the service offers more than one way. */
export function MethodChoice({
  model,
  methods,
  current,
  choose,
  name = 'jp-RepoConnect-method'
}: IProps & {
  methods?: ISignInMethod[];
  current?: string | null;
  choose?: (id: string) => void;
  name?: string;
}): JSX.Element {
  const connection = model.connection;
  const offered = methods ?? connection.methods;
  const chosen = current === undefined ? connection.method?.id : current;
  const onChoose = choose ?? ((id: string) => connection.setMethod(id));
  return (
    <fieldset className="jp-RepoConnect-services" data-testid={`${name}-choice`}>
      <legend>Sign in with</legend>
      {offered.map(method => (
        <label key={method.id} className="jp-RepoConnect-radio">
          <input
            type="radio"
            name={name}
            value={method.id}
            checked={chosen === method.id}
            disabled={!!model.activity.busy}
            onChange={() => onChoose(method.id)}
            data-testid={`method-${method.id}`}
          />
          <span>{methodTitle(method)}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** Single sign-on: the button that opens the organisation's sign-in page. */
function SsoForm({
  model,
  method,
  domain
}: IProps & { method: ISignInMethod; domain: string }): JSX.Element {
  const info = model.connection.serviceInfo;
  const hasDomain = !info?.needs_domain || !!model.preferences.domainOf(info.id) || !!domain.trim();
  const busy = !!model.activity.busy;
  const onSubmit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!busy && hasDomain) {
      void model.sso.start(domain);
    }
  };
  return (
    <form
      className="jp-RepoConnect-form"
      onSubmit={onSubmit}
      data-testid="sso-form"
      data-method={method.id}
    >
      {!hasDomain && <p className="jp-RepoConnect-hint">Enter the domain first, then sign in.</p>}
      <p className="jp-RepoConnect-hint">
        Your organisation's sign-in page opens in a new browser tab.
      </p>
      <div className="jp-RepoConnect-actions">
        <button
          type="submit"
          className="jp-RepoConnect-button jp-mod-accept"
          disabled={!hasDomain}
          aria-busy={busy}
          data-testid="sso-submit"
        >
          {method.submit}
        </button>
      </div>
    </form>
  );
}

/**
 * A started single sign-on: it finishes by itself where the server listens (same machine);
 * otherwise, or if that fails, paste the address the browser landed on, then "Finish".
 */
function SsoWaiting({ model }: IProps): JSX.Element | null {
  const sso = model.sso;
  const pending = sso.pending;
  const [address, setAddress] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [pending?.id]);
  if (!pending) {
    return null;
  }
  const busy = !!model.activity.busy;
  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || !address.trim()) {
      return;
    }
    const sent = address;
    setAddress(''); // used once, never kept
    const ok = await sso.finish(sent);
    if (!ok) {
      input.current?.focus();
    }
  };
  const inputId = 'jp-RepoConnect-sso-address';
  return (
    <form
      className="jp-RepoConnect-form"
      onSubmit={onSubmit}
      autoComplete="off"
      aria-label="Finish single sign-on"
      data-testid="sso-waiting"
    >
      {pending.listening ? (
        <>
          <p className="jp-RepoConnect-info" role="status" data-testid="sso-listening">
            Sign in in the new tab: this finishes by itself when you are done, and that tab then
            says you can close it.
          </p>
          <p className="jp-RepoConnect-hint" id={`${inputId}-hint`}>
            If the tab ends on a localhost page that does not load, copy its address and paste it
            here.
          </p>
        </>
      ) : (
        <p className="jp-RepoConnect-info" id={`${inputId}-hint`}>
          After signing in, your browser lands on a localhost page that may not load: copy that
          page's address and paste it here.
        </p>
      )}
      <p className="jp-RepoConnect-hint">
        No new tab?{' '}
        <a
          className="jp-RepoConnect-link"
          href={pending.authorizationUrl}
          target="_blank"
          rel="noopener noreferrer"
          data-testid="sso-open-page"
        >
          Open the sign-in page
        </a>
        .
      </p>
      <label htmlFor={inputId}>Address of the page</label>
      <input
        id={inputId}
        ref={input}
        className="jp-RepoConnect-input"
        type="text"
        inputMode="url"
        placeholder="http://localhost:…/?code=…&state=…"
        value={address}
        autoComplete="off"
        spellCheck={false}
        readOnly={busy}
        aria-describedby={`${inputId}-hint`}
        onChange={event => setAddress(event.target.value)}
        data-testid="sso-address-input"
      />
      <div className="jp-RepoConnect-actions">
        <button
          type="button"
          className="jp-RepoConnect-button"
          disabled={busy}
          onClick={() => {
            setAddress('');
            void sso.cancel();
          }}
          data-testid="sso-cancel"
        >
          Cancel
        </button>
        <button
          type="submit"
          className="jp-RepoConnect-button jp-mod-accept"
          disabled={!address.trim()}
          aria-busy={busy}
          data-testid="sso-finish"
        >
          Finish
        </button>
      </div>
    </form>
  );
}

function ServiceChoice({ model }: IProps): JSX.Element {
  const connection = model.connection;
  return (
    <fieldset className="jp-RepoConnect-services" data-testid="service-choice">
      <legend>Service</legend>
      {connection.services.map(service => (
        <label key={service.id} className="jp-RepoConnect-radio">
          <input
            type="radio"
            name="jp-RepoConnect-service"
            value={service.id}
            checked={connection.service === service.id}
            onChange={() => (connection.service = service.id)}
            data-testid={`service-${service.id}`}
          />
          <span>{service.title}</span>
        </label>
      ))}
    </fieldset>
  );
}

interface IDomainProps extends IProps {
  service: IServiceInfo;
  domain: string;
  setDomain: (value: string) => void;
}

function DomainForm({ model, service, domain, setDomain }: IDomainProps): JSX.Element {
  const connection = model.connection;
  const saved = model.preferences.domainOf(service.id) ?? '';
  const locked = model.preferences.locked;
  const inputId = `jp-RepoConnect-domain-${service.id}`;
  const error = connection.domainError;
  const pending = !locked && domain.trim() !== '' && domain.trim() !== saved;
  const onSubmit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!locked && domain.trim()) {
      void connection.setDomain(domain);
    }
  };
  return (
    <form className="jp-RepoConnect-form" onSubmit={onSubmit} data-testid="domain-form">
      <label htmlFor={inputId}>{service.domain_label ?? `${service.short_title} domain`}</label>
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
            setDomain(event.target.value);
            connection.clearDomainError();
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

interface ICredentialsProps extends IProps {
  service: IServiceInfo;
  method: ISignInMethod;
  domain: string;
}

/** The method's fields (user name and password, or a token) and its button. */
function CredentialsForm({ model, service, method, domain }: ICredentialsProps): JSX.Element {
  const connection = model.connection;
  const [values, setValues] = useState<Record<string, string>>({});
  const [shown, setShown] = useState<Record<string, boolean>>({});
  const hasDomain =
    !service.needs_domain || !!model.preferences.domainOf(service.id) || !!domain.trim();
  const busy = !!model.activity.busy;
  const filled = method.fields.every(field => {
    const value = values[field.name] ?? '';
    return (strips(field) ? value.trim() : value) !== '';
  });
  const ids = testIds(method);
  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || !hasDomain || !filled) {
      return;
    }
    const ok = await connection.signIn(values, service.needs_domain ? domain : undefined);
    // Never keep a password around, whatever the answer; a token stays after a failure.
    const kept: Record<string, string> = {};
    for (const field of method.fields) {
      if (!field.secret || (!ok && revealable(field))) {
        kept[field.name] = values[field.name] ?? '';
      }
    }
    setValues(kept);
    if (!ok) {
      if (connection.domainError && service.needs_domain) {
        document.getElementById(`jp-RepoConnect-domain-${service.id}`)?.focus();
      } else {
        const secret = [...method.fields].reverse().find(field => field.secret);
        const input = secret
          ? (document.getElementById(`jp-RepoConnect-${secret.name}`) as HTMLInputElement | null)
          : null;
        input?.focus();
        if (secret && revealable(secret)) {
          input?.select(); // selected for retyping ("Show" to check it)
        }
      }
    }
  };
  return (
    <form
      className="jp-RepoConnect-form"
      onSubmit={onSubmit}
      autoComplete="off"
      aria-label="Credentials"
      data-testid={ids.form}
      data-method={method.id}
    >
      {!hasDomain && <p className="jp-RepoConnect-hint">Enter the domain first, then sign in.</p>}
      {method.fields.map(field => {
        const id = `jp-RepoConnect-${field.name}`;
        const input = (
          <input
            id={id}
            className="jp-RepoConnect-input"
            type={field.secret && !shown[field.name] ? 'password' : 'text'}
            value={values[field.name] ?? ''}
            autoComplete="off"
            spellCheck={false}
            readOnly={busy}
            aria-describedby={method.id === 'token' ? `${id}-hint` : undefined}
            onChange={event => setValues({ ...values, [field.name]: event.target.value })}
            data-testid={`${field.name}-input`}
          />
        );
        return (
          <React.Fragment key={field.name}>
            <label htmlFor={id}>{capitalised(field.label)}</label>
            {revealable(field) ? (
              <div className="jp-RepoConnect-inputRow">
                {input}
                <button
                  type="button"
                  className="jp-RepoConnect-button"
                  aria-pressed={!!shown[field.name]}
                  aria-controls={id}
                  onClick={() => setShown({ ...shown, [field.name]: !shown[field.name] })}
                  data-testid={`show-${field.name}`}
                >
                  {shown[field.name] ? 'Hide' : 'Show'}
                </button>
              </div>
            ) : (
              input
            )}
            {method.id === 'token' && (
              <p id={`${id}-hint`} className="jp-RepoConnect-hint">
                Issue yourself a token on the Token Access page of your {service.short_title}{' '}
                organization.
              </p>
            )}
          </React.Fragment>
        );
      })}
      <div className="jp-RepoConnect-actions">
        <CancelSignIn model={model} />
        <button
          type="submit"
          className="jp-RepoConnect-button jp-mod-accept"
          disabled={!hasDomain || !filled}
          aria-busy={busy}
          data-testid={ids.submit}
        >
          {method.submit}
        </button>
      </div>
    </form>
  );
}

/** While a sign-in is in flight: stop waiting for it. */
function CancelSignIn({ model }: IProps): JSX.Element | null {
  if (!model.connection.cancellable) {
    return null;
  }
  return (
    <button
      type="button"
      className="jp-RepoConnect-button"
      onClick={() => model.connection.cancelSignIn()}
      data-testid="cancel-signin"
    >
      Cancel
    </button>
  );
}
