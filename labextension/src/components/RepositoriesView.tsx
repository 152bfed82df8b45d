/**
 * The whole panel: feedback on top, then the section that fits the connection state. Signed
 * out, it offers "Connect…": the sign-in steps open in the main area, where there is room.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import React from 'react';

import { PanelModel } from '../models/panel';
import { AccountSection } from './AccountSection';
import { ChannelPicker } from './ChannelPicker';
import { ConfigureConda } from './ConfigureConda';
import { Connect } from './Connect';
import { BusyIndicator, Feedback } from './Feedback';
import { PreferencesForm } from './Preferences';
import { ISignInFlow } from './SignInFlow';
import { StatusView } from './StatusView';
import { Troubleshoot } from './Troubleshoot';

interface IViewProps {
  model: PanelModel;
  flow: ISignInFlow;
}

export function RepositoriesView({ model, flow }: IViewProps): JSX.Element {
  return <UseSignal signal={model.changed}>{() => <Body model={model} flow={flow} />}</UseSignal>;
}

function Body({ model, flow }: IViewProps): JSX.Element {
  const status = model.connection.status;
  const connected = !!status?.connected;
  return (
    <div
      className="jp-RepoConnect-body"
      aria-busy={!!model.activity.busy}
      data-testid="repoconnect-body"
      data-state={
        status === null || !model.ready ? 'loading' : connected ? 'connected' : 'signed-out'
      }
    >
      <header className="jp-RepoConnect-header">
        <h2 tabIndex={-1}>Repositories</h2>
        <BusyIndicator label={model.activity.busy} />
      </header>
      {status === null || !model.ready ? (
        // The first load has nowhere else to say why it failed.
        <Feedback model={model} at="status" />
      ) : connected ? (
        <>
          <StatusView model={model} />
          {model.picker.available && <ChannelPicker model={model} />}
        </>
      ) : (
        <Connect model={model} flow={flow} />
      )}
      <ConfigureConda model={model} />
      <Troubleshoot model={model} />
      <PreferencesForm model={model} />
      {status !== null && <AccountSection account={model.account} />}
    </div>
  );
}

/** The left-sidebar widget; loads its state the first time it is shown. */
export class RepositoriesPanel extends ReactWidget {
  constructor(
    readonly model: PanelModel,
    private readonly _flow: ISignInFlow
  ) {
    super();
    _flow.changed.connect(() => this.update()); // "Connect…" or "Continue signing in…"
    this.id = 'jp-repoconnect-panel';
    this.addClass('jp-RepoConnect');
    this.node.setAttribute('data-testid', 'repoconnect-panel');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'Repositories');
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._flow.shown.set('panel', true); // check now, then poll while shown
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._flow.shown.set('panel', false); // slower checks while hidden
  }

  /** Opening the panel (icon, palette, shortcut) puts the keyboard in it. */
  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    const target =
      this.node.querySelector<HTMLElement>('.jp-RepoConnect-section h3[tabindex="-1"]') ??
      this.node.querySelector<HTMLElement>('.jp-RepoConnect-header h2');
    if (target && !this.node.contains(document.activeElement)) {
      target.focus();
    }
  }

  dispose(): void {
    if (!this.isDisposed) {
      this.model.dispose();
    }
    super.dispose();
  }

  render(): JSX.Element {
    return <RepositoriesView model={this.model} flow={this._flow} />;
  }
}
