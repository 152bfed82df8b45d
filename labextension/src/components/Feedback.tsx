/**
 * The spinner, and the one message of the last action, shown next to the control that caused
 * it (never off-screen at the top of a scrolled panel).
 */
import React, { useState } from 'react';

import { Place } from '../models/activity';
import { PanelModel } from '../models/panel';

export function BusyIndicator({ label }: { label: string | null }): JSX.Element {
  // The live region stays mounted so screen readers announce each new label.
  return (
    <div
      className="jp-RepoConnect-busy"
      role="status"
      aria-live="polite"
      data-testid="repoconnect-busy"
      hidden={!label}
    >
      {label && (
        <>
          <span className="jp-RepoConnect-spinner" aria-hidden="true" />
          <span>{label}</span>
        </>
      )}
    </div>
  );
}

/**
 * The message of the last action if it belongs at `at`; errors offer "Troubleshoot". An error
 * already said at its field (`shownAtField`, e.g. the domain's) is not said twice.
 */
export function Feedback({
  model,
  at,
  shownAtField
}: {
  model: PanelModel;
  at: Place;
  shownAtField?: string | null;
}): JSX.Element {
  const current = model.activity.feedback;
  const repeated = current?.kind === 'error' && !!shownAtField && current.text === shownAtField;
  const feedback = current?.at === at && !repeated ? current : null;
  const isError = feedback?.kind === 'error';
  return (
    // Both live regions stay mounted so the message is announced when it appears.
    <div className="jp-RepoConnect-feedback" data-place={at}>
      <div role="alert">
        {feedback && isError && (
          <div
            className="jp-RepoConnect-error"
            data-testid="repoconnect-error"
            data-code={feedback.code}
          >
            <span className="jp-RepoConnect-messageText">{feedback.text}</span>
            <span className="jp-RepoConnect-messageButtons">
              {at !== 'doctor' && (
                <button
                  type="button"
                  className="jp-RepoConnect-link"
                  onClick={() => void model.doctor.run()}
                  data-testid="error-troubleshoot"
                >
                  Troubleshoot
                </button>
              )}
              <Dismiss model={model} label="Dismiss the error message" />
            </span>
          </div>
        )}
        {at === 'signin' && model.connection.trustPending && <TrustServer model={model} />}
      </div>
      <div role="status">
        {feedback && !isError && (
          <div
            className={`jp-RepoConnect-notice jp-mod-${feedback.kind}`}
            data-testid="repoconnect-notice"
            data-kind={feedback.kind}
          >
            <div className="jp-RepoConnect-messageText">
              {feedback.text}
              {feedback.details.length > 0 && (
                <ul className="jp-RepoConnect-details-list" data-testid="notice-details">
                  {feedback.details.map((line, i) => (
                    <li key={i}>{line}</li>
                  ))}
                </ul>
              )}
            </div>
            <Dismiss model={model} label="Dismiss the message" />
          </div>
        )}
      </div>
    </div>
  );
}

function Dismiss({ model, label }: { model: PanelModel; label: string }): JSX.Element {
  return (
    <button
      type="button"
      className="jp-RepoConnect-dismiss"
      aria-label={label}
      title="Dismiss"
      onClick={() => model.activity.dismiss()}
    >
      ×
    </button>
  );
}

/** After a TLS failure: "Trust this server", with a confirmation that says what it does. */
function TrustServer({ model }: { model: PanelModel }): JSX.Element {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <div className="jp-RepoConnect-actions">
        <button
          type="button"
          className="jp-RepoConnect-button jp-mod-warn"
          onClick={() => setConfirming(true)}
          data-testid="trust-server"
        >
          Trust this server…
        </button>
      </div>
    );
  }
  return (
    <div
      className="jp-RepoConnect-warn"
      data-testid="trust-confirmation"
      onKeyDown={event => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          model.connection.cancelTrust();
        }
      }}
    >
      <p>
        Trusting this server turns certificate checks off for conda: <code>ssl_verify: false</code>{' '}
        is written to your .condarc, so conda no longer verifies any server&apos;s certificate until
        you sign out (signing out restores the file). Only do this if your administrator told you
        to; the safer fix is to set <code>ssl_verify</code> to your company&apos;s CA bundle.
      </p>
      <div className="jp-RepoConnect-actions">
        <button
          type="button"
          className="jp-RepoConnect-button"
          autoFocus
          onClick={() => model.connection.cancelTrust()}
          data-testid="trust-cancel"
        >
          Cancel
        </button>
        <button
          type="button"
          className="jp-RepoConnect-button jp-mod-warn"
          onClick={() => void model.connection.trustServer()}
          data-testid="trust-confirm"
        >
          Trust and sign in
        </button>
      </div>
    </div>
  );
}
