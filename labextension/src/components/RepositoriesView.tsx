/**
 * The whole panel: feedback on top, then the section that fits the connection state.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import React from 'react';

import { RepoConnectModel } from '../model';
import { ChannelPicker } from './ChannelPicker';
import { ConfigureConda } from './ConfigureConda';
import { BusyIndicator, ErrorAlert, Notice } from './Feedback';
import { PreferencesForm } from './Preferences';
import { SignIn } from './SignIn';
import { StatusView } from './StatusView';

export function RepositoriesView({ model }: { model: RepoConnectModel }): JSX.Element {
  return (
    <UseSignal signal={model.changed}>
      {() => <Body model={model} />}
    </UseSignal>
  );
}

function Body({ model }: { model: RepoConnectModel }): JSX.Element {
  const status = model.status;
  const connected = !!status?.connected;
  return (
    <div
      className="jp-RepoConnect-body"
      aria-busy={!!model.busy}
      data-testid="repoconnect-body"
      data-state={status === null ? 'loading' : connected ? 'connected' : 'signed-out'}
    >
      <header className="jp-RepoConnect-header">
        <h2>Repositories</h2>
      </header>
      <BusyIndicator label={model.busy} />
      <ErrorAlert model={model} />
      <Notice model={model} />
      {status === null ? null : connected ? (
        <>
          <StatusView model={model} />
          {status.service === 'server' && <ChannelPicker model={model} />}
        </>
      ) : (
        <SignIn model={model} />
      )}
      <ConfigureConda model={model} />
      <PreferencesForm model={model} />
    </div>
  );
}

/** The left-sidebar widget; loads its state the first time it is shown. */
export class RepositoriesPanel extends ReactWidget {
  constructor(readonly model: RepoConnectModel) {
    super();
    this.id = 'jp-repoconnect-panel';
    this.addClass('jp-RepoConnect');
    this.node.setAttribute('data-testid', 'repoconnect-panel');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'Repositories');
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.model.initialize();
  }

  dispose(): void {
    if (!this.isDisposed) {
      this.model.dispose();
    }
    super.dispose();
  }

  render(): JSX.Element {
    return <RepositoriesView model={this.model} />;
  }
}
