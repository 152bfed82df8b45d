/**
 * Troubleshooting: the doctor's findings, each with its fix; one click from the connected view
 * and from any error ("Troubleshoot").
 */
import React, { useEffect, useRef } from 'react';

import { PanelModel } from '../models/panel';
import { Feedback } from './Feedback';

export function Troubleshoot({ model }: { model: PanelModel }): JSX.Element {
  const details = useRef<HTMLDetailsElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const requests = model.doctor.requests;
  useEffect(() => {
    if (requests && details.current) {
      details.current.open = true;
      details.current.scrollIntoView({ block: 'nearest' });
      heading.current?.focus();
    }
  }, [requests]);
  const diagnosis = model.doctor.diagnosis;
  const stale = model.doctor.stale;
  return (
    <details className="jp-RepoConnect-details" ref={details} data-testid="troubleshoot">
      <summary>Troubleshooting</summary>
      <div className="jp-RepoConnect-detailsBody">
        <h4
          ref={heading}
          tabIndex={-1}
          data-testid="doctor-title"
          data-state={
            stale ? 'stale' : diagnosis === null ? 'none' : diagnosis.ok ? 'ok' : 'problems'
          }
        >
          {stale
            ? 'Out of date — Run again'
            : diagnosis === null
              ? 'Check the connection'
              : diagnosis.ok
                ? 'Everything checked is fine'
                : 'Problems found'}
        </h4>
        {stale && (
          <p className="jp-RepoConnect-hint" data-testid="doctor-stale">
            The connection changed since the last checks, so their results no longer apply.
          </p>
        )}
        {diagnosis && (
          <ul className="jp-RepoConnect-findings" data-testid="doctor-findings">
            {diagnosis.findings.map((finding, i) => (
              <li
                key={i}
                className={finding.ok ? 'jp-mod-ok' : 'jp-mod-problem'}
                data-testid="doctor-finding"
                data-check={finding.check}
                data-ok={finding.ok}
              >
                <span className="jp-RepoConnect-findingMark" aria-hidden="true">
                  {finding.ok ? '✓' : '✗'}
                </span>
                <span className="jp-RepoConnect-findingText">
                  <span className="jp-RepoConnect-visuallyHidden">
                    {finding.ok ? 'OK: ' : 'Problem: '}
                  </span>
                  {finding.message}
                  {finding.hint && (
                    <span className="jp-RepoConnect-fix" data-testid="doctor-fix">
                      Fix: {finding.hint}
                    </span>
                  )}
                </span>
              </li>
            ))}
          </ul>
        )}
        <div className="jp-RepoConnect-actions">
          <button
            type="button"
            className="jp-RepoConnect-button"
            onClick={() => void model.doctor.run()}
            data-testid="run-doctor"
          >
            {diagnosis === null && !stale ? 'Run the checks' : 'Run again'}
          </button>
        </div>
        <Feedback model={model} at="doctor" />
      </div>
    </details>
  );
}
