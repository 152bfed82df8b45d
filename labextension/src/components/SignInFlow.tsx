/**
 * Signing in where there is room: a main-area page (like JupyterLab's Settings editor) with
 * the chosen service's steps, opened from the panel's "Connect…", the palette or the status
 * bar. It closes itself once conda is connected; the sidebar then shows the connection.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import React from 'react';

import { repositoriesIcon } from '../icon';
import { DomainCheck } from '../models/domainCheck';
import { PanelModel } from '../models/panel';
import { SignIn } from './SignIn';

/**
 * The panel and the main-area pages (sign-in steps, "Conda channels") all show the status: it
 * is checked at the visible pace while any of them is on screen, at the hidden pace otherwise.
 */
export class ShownParts {
  constructor(private readonly _model: PanelModel) {}

  set(part: 'panel' | 'signin' | 'large', shown: boolean): void {
    if (shown) {
      this._shown.add(part);
    } else {
      this._shown.delete(part);
    }
    this._model.setVisible(this._shown.size > 0);
  }

  private readonly _shown = new Set<string>();
}

/** What the sidebar needs to know of the flow. */
export interface ISignInFlow {
  /** Emitted when the flow opens or closes. */
  readonly changed: ISignal<ISignInFlow, void>;
  readonly isOpen: boolean;
  readonly shown: ShownParts;
  open(): void;
}

/** A main-area page's content that tells `ShownParts` when it is on screen. */
export abstract class ShownPage extends ReactWidget {
  constructor(
    private readonly _shown: ShownParts,
    private readonly _part: 'signin' | 'large'
  ) {
    super();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._shown.set(this._part, this.isVisible);
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._shown.set(this._part, true);
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._shown.set(this._part, false);
  }

  protected onBeforeDetach(msg: Message): void {
    this._shown.set(this._part, false); // closed
    super.onBeforeDetach(msg);
  }
}

/** The page's content: the steps, re-rendered on every change of the model. */
class SignInFlowView extends ShownPage {
  constructor(
    private readonly _model: PanelModel,
    shown: ShownParts,
    private readonly _check: DomainCheck
  ) {
    super(shown, 'signin');
    this.addClass('jp-RepoConnect');
    this.addClass('jp-RepoConnect-flowPage');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'Sign in to a repository');
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this._check.changed}>
        {() => (
          <UseSignal signal={this._model.changed}>
            {() => <SignIn model={this._model} check={this._check} />}
          </UseSignal>
        )}
      </UseSignal>
    );
  }
}

export class SignInFlow implements ISignInFlow {
  constructor(
    private readonly _model: PanelModel,
    private readonly _shell: JupyterFrontEnd.IShell,
    /** Checks a typed domain before signing in ("Check" next to Set Domain). */
    private readonly _check: DomainCheck,
    /** Called when the flow closes because conda is connected (show the connection). */
    private readonly _connected: () => void
  ) {
    _model.connection.statusChanged.connect((_, status) => {
      if (status?.connected && this.isOpen) {
        this._widget?.dispose();
        this._connected();
      }
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  readonly shown = new ShownParts(this._model);

  get isOpen(): boolean {
    return !!this._widget && !this._widget.isDisposed;
  }

  /** Open the page (or bring it forward) with the focus on its heading. */
  open(): void {
    void this._model.initialize(); // opened from the palette before the panel was ever shown
    if (!this.isOpen) {
      const widget = new MainAreaWidget({
        content: new SignInFlowView(this._model, this.shown, this._check)
      });
      widget.id = 'jp-repoconnect-signin';
      widget.title.label = 'Sign in to a repository';
      widget.title.caption = "Connect conda to your organisation's package repository";
      widget.title.icon = repositoriesIcon;
      widget.title.closable = true;
      widget.node.setAttribute('data-testid', 'repoconnect-signin-page');
      widget.disposed.connect(() => this._changed.emit());
      this._widget = widget;
      this._shell.add(widget, 'main');
      this._changed.emit();
    }
    this._shell.activateById('jp-repoconnect-signin');
    this._model.requestFocus();
  }

  dispose(): void {
    this._widget?.dispose();
    Signal.clearData(this);
  }

  private readonly _changed = new Signal<this, void>(this);
  private _widget: MainAreaWidget | null = null;
}
