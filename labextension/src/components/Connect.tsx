/**
 * Signed out, in the sidebar: what conda is connected to (nothing yet), the services on offer
 * and "Connect…", which opens the sign-in steps where there is room.
 */
import React, { useEffect, useRef } from 'react';

import { PanelModel } from '../models/panel';
import { Breakable } from './Breakable';
import { Feedback } from './Feedback';
import { ISignInFlow } from './SignInFlow';

/** "Anaconda Professional, Anaconda Server or Enterprise 4 Repository". */
export function oneOf(titles: string[]): string {
  return titles.length > 1
    ? `${titles.slice(0, -1).join(', ')} or ${titles[titles.length - 1]}`
    : (titles[0] ?? '');
}

export function Connect({ model, flow }: { model: PanelModel; flow: ISignInFlow }): JSX.Element {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // After "Sign out" the button that had focus is gone, and on the first load the panel's
    // focus waits on another section's heading: continue from here.
    const active = document.activeElement;
    const waiting =
      active instanceof HTMLElement &&
      active.matches('.jp-RepoConnect h2[tabindex="-1"], .jp-RepoConnect h3[tabindex="-1"]') &&
      !!heading.current?.closest('.jp-RepoConnect')?.contains(active);
    if (active === document.body || waiting) {
      heading.current?.focus();
    }
  }, []);
  const connection = model.connection;
  const info = connection.serviceInfo;
  const domain = info?.needs_domain ? model.preferences.domainOf(info.id) : null;
  const titles = connection.services.map(service => service.short_title);
  return (
    <section
      className="jp-RepoConnect-section"
      data-testid="repoconnect-signin"
      aria-labelledby="jp-RepoConnect-connect-title"
    >
      <h3 id="jp-RepoConnect-connect-title" ref={heading} tabIndex={-1}>
        Not connected
      </h3>
      <p className="jp-RepoConnect-muted" data-testid="connect-summary">
        conda uses the channels of your .condarc. Sign in to {oneOf(titles)} to install from your
        organisation&apos;s repository.
      </p>
      {info && (
        <p className="jp-RepoConnect-muted" data-testid="connect-choice">
          Service: {info.short_title}
          {domain && (
            <>
              {' '}
              at <Breakable text={domain} />
            </>
          )}
          .
        </p>
      )}
      <div className="jp-RepoConnect-actions jp-mod-start">
        <button
          type="button"
          className="jp-RepoConnect-button jp-mod-accept"
          onClick={() => flow.open()}
          data-testid="connect-button"
        >
          {flow.isOpen ? 'Continue signing in…' : 'Connect…'}
        </button>
      </div>
      {/* The sign-in's messages are shown in the flow while it is open, else here. */}
      {!flow.isOpen && <Feedback model={model} at="signin" />}
    </section>
  );
}
