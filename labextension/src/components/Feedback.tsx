/**
 * The spinner, the API's error message and short confirmations.
 */
import React from 'react';

import { RepoConnectModel } from '../model';

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

export function ErrorAlert({ model }: { model: RepoConnectModel }): JSX.Element {
  const error = model.error;
  return (
    <div role="alert" className="jp-RepoConnect-alertRegion">
      {error && (
        <div className="jp-RepoConnect-error" data-testid="repoconnect-error" data-code={error.code}>
          <span className="jp-RepoConnect-messageText">{error.message}</span>
          <button
            type="button"
            className="jp-RepoConnect-dismiss"
            aria-label="Dismiss the error message"
            title="Dismiss"
            onClick={() => model.dismissError()}
          >
            ×
          </button>
        </div>
      )}
    </div>
  );
}

export function Notice({ model }: { model: RepoConnectModel }): JSX.Element | null {
  if (!model.notice) {
    return null;
  }
  return (
    <div className="jp-RepoConnect-notice" role="status" data-testid="repoconnect-notice">
      <span className="jp-RepoConnect-messageText">{model.notice}</span>
      <button
        type="button"
        className="jp-RepoConnect-dismiss"
        aria-label="Dismiss the message"
        title="Dismiss"
        onClick={() => model.dismissNotice()}
      >
        ×
      </button>
    </div>
  );
}
