/**
 * The sign-in steps (shown in the main area by SignInFlow): 1 choose the service, 2 "Set Domain"
 * where it needs one, 3 the chosen method's form ("Login", "Set Token") built from what the
 * server says the method takes.
 */
import React, { useEffect, useRef, useState } from 'react';

import { ISignInField, ISignInMethod, IServiceInfo } from '../api';
import { strips } from '../models/connection';
import { DomainCheck } from '../models/domainCheck';
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

/** One numbered step; `done` marks a step whose answer is given. */
function Step({
  number,
  title,
  done,
  children
}: {
  number: number;
  title: string;
  done?: boolean;
  children: React.ReactNode;
}): JSX.Element {
  const id = `jp-RepoConnect-step-${number}`;
  return (
    <li
      className={`jp-RepoConnect-step${done ? ' jp-mod-done' : ''}`}
      aria-labelledby={id}
      data-testid={`signin-step-${number}`}
    >
      <h3 id={id} className="jp-RepoConnect-stepTitle">
        <span className="jp-RepoConnect-stepNumber" aria-hidden="true">
          {done ? '\u2713' : number}
        </span>
        <span>
          <span className="jp-RepoConnect-visuallyHidden">Step {number}: </span>
          {title}
        </span>
      </h3>
      <div className="jp-RepoConnect-stepBody">{children}</div>
    </li>
  );
}

export function SignIn({ model, check }: IProps & { check?: DomainCheck }): JSX.Element {
  const connection = model.connection;
  const section = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const info = connection.serviceInfo;
  // The domain field's text: the sign-in uses what is typed, never an older domain silently.
  const saved = info ? (model.preferences.domainOf(info.id) ?? '') : '';
  const [domain, setDomain] = useState(saved);
  useEffect(() => setDomain(saved), [saved, info?.id]);
  const method = connection.method;
  const hasDomain = !info?.needs_domain || !!saved || !!domain.trim();
  const last = info?.needs_domain ? 3 : 2;
  const focusRequests = model.focusRequests;
  useEffect(() => {
    // Opened ("Connect…", the palette, the status bar): the keyboard starts at the first step
    // still to do (the domain, else the sign-in form); Shift+Tab goes back to the service.
    if (focusRequests) {
      const next = section.current?.querySelector<HTMLElement>(
        hasDomain
          ? `[data-testid="signin-step-${last}"] :is(input:not([type="radio"]), button[type="submit"])`
          : '[data-testid="domain-input"]'
      );
      const target = next ?? heading.current;
      target?.scrollIntoView({ block: 'nearest' });
      target?.focus();
    }
  }, [focusRequests]);
  return (
    <section
      ref={section}
      className="jp-RepoConnect-flow"
      data-testid="signin-flow"
      aria-labelledby="jp-RepoConnect-signin-title"
    >
      <h2 id="jp-RepoConnect-signin-title" ref={heading} tabIndex={-1}>
        Sign in to a repository
      </h2>
      <p className="jp-RepoConnect-hint">
        conda then installs from your organisation&apos;s repository. Signing out puts your .condarc
        back as it was.
      </p>
      <ol className="jp-RepoConnect-steps">
        <Step number={1} title="Choose the service" done={!!info}>
          <ServiceChoice model={model} />
        </Step>
        {info?.needs_domain && (
          <Step number={2} title="Set Domain" done={!!saved && domain.trim() === saved}>
            <DomainForm
              model={model}
              service={info}
              domain={domain}
              setDomain={setDomain}
              check={check}
            />
          </Step>
        )}
        {info && (
          <Step number={last} title={`Sign in to ${info.short_title}`}>
            {!hasDomain && (
              <p className="jp-RepoConnect-hint" data-testid="signin-needs-domain">
                Enter the domain first (step 2), then sign in.
              </p>
            )}
            {connection.methods.length > 1 && !model.sso.pending && <MethodChoice model={model} />}
            {model.sso.pending ? (
              <SsoWaiting model={model} />
            ) : method && !method.fields.length ? (
              <SsoForm
                key={`${info.id}/${method.id}`}
                model={model}
                method={method}
                domain={domain}
              />
            ) : (
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
            {/* A domain error is said once, at the domain field. */}
            <Feedback model={model} at="signin" shownAtField={connection.domainError} />
          </Step>
        )}
      </ol>
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
  check?: DomainCheck;
}

function DomainForm({ model, service, domain, setDomain, check }: IDomainProps): JSX.Element {
  const connection = model.connection;
  const saved = model.preferences.domainOf(service.id) ?? '';
  const locked = model.preferences.locked;
  const inputId = `jp-RepoConnect-domain-${service.id}`;
  const error = connection.domainError;
  const pending = !locked && domain.trim() !== '' && domain.trim() !== saved;
  const typed = domain.trim();
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
        {check && (
          <button
            type="button"
            className="jp-RepoConnect-button"
            disabled={!/^https?:\/\/\S+$/.test(typed) || check.checking(service.id, typed)}
            aria-busy={check.checking(service.id, typed)}
            onClick={() => void check.check(service.id, typed, model.connection.method?.id)}
            data-testid="check-domain"
          >
            {check.checking(service.id, typed) ? 'Checking…' : 'Check'}
          </button>
        )}
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
      {check && <CheckResults check={check} service={service} domain={typed} />}
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
    // Refused for its domain: the credentials were not tried, the fields keep them. Otherwise
    // never keep a password around, whatever the answer; a token stays after a failure.
    const refusedDomain = !ok && !!connection.domainError;
    const kept: Record<string, string> = {};
    for (const field of method.fields) {
      if (!field.secret || refusedDomain || (!ok && revealable(field))) {
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
            aria-describedby={field.name === 'token' ? `${id}-hint` : undefined}
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
            {field.name === 'token' && (
              <WhereIsMyToken id={`${id}-hint`} service={service} method={method} />
            )}
          </React.Fragment>
        );
      })}
      <div className="jp-RepoConnect-actions">
        {connection.cancellable && <InlineBusy label={model.activity.busy} />}
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

/** The busy label next to the button that started it ("Signing in…"). */
function InlineBusy({ label }: { label: string | null }): JSX.Element | null {
  if (!label) {
    return null;
  }
  return (
    <span className="jp-RepoConnect-busy jp-RepoConnect-inlineBusy" data-testid="signin-busy">
      <span className="jp-RepoConnect-spinner" aria-hidden="true" />
      <span>{label}</span>
    </span>
  );
}

/** "Where is my token?": the reference's answer for an organisation token, opened on demand. */
function WhereIsMyToken({
  id,
  service,
  method
}: {
  id: string;
  service: IServiceInfo;
  method: ISignInMethod;
}): JSX.Element {
  return (
    <details className="jp-RepoConnect-whereToken" data-testid="where-is-my-token">
      <summary>Where is my token?</summary>
      <p id={id} className="jp-RepoConnect-hint">
        {method.id === 'token' ? (
          <>
            You can issue yourself a private access token from the Token Access page of your{' '}
            {service.short_title} organization. You must be assigned a seat to issue yourself a
            token. If you&apos;ve lost your token, you can re-issue yourself a new token at any
            time. Re-issuing a token invalidates the previous token.
          </>
        ) : (
          <>
            Create an access token on the web page of your {service.short_title} (your user
            settings) and paste it here. Signing out here does not revoke it: revoke it on that page
            when you no longer need it.
          </>
        )}
      </p>
    </details>
  );
}

/** What "Check" found for the domain as typed: reachable, TLS, that service, the method. */
function CheckResults({
  check,
  service,
  domain
}: {
  check: DomainCheck;
  service: IServiceInfo;
  domain: string;
}): JSX.Element | null {
  const result = check.result(service.id, domain);
  if (!result) {
    return null;
  }
  const findings = (result.diagnosis?.findings ?? []).filter(
    f => f.check !== 'condarc' && f.check !== 'attempt' // 'attempt' only names what was checked
  );
  const ok = !result.error && !!result.diagnosis?.ok;
  return (
    <div role="status" data-testid="domain-check-results" data-ok={ok}>
      {result.error ? (
        <p className="jp-RepoConnect-fieldError">{result.error}</p>
      ) : (
        <ul className="jp-RepoConnect-findings">
          {findings.map((finding, i) => (
            <li
              key={i}
              className={finding.ok ? 'jp-mod-ok' : 'jp-mod-problem'}
              data-check={finding.check}
              data-ok={finding.ok}
            >
              <span className="jp-RepoConnect-findingMark" aria-hidden="true">
                {finding.ok ? '\u2713' : '\u2717'}
              </span>
              <span>
                {finding.message}
                {finding.hint && <span className="jp-RepoConnect-fix">{finding.hint}</span>}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
