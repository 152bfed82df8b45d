/**
 * Tasks that need room, where there is room: picking among thousands of channels and
 * Configure Conda in one main-area page, "Conda channels" (like JupyterLab's Settings editor
 * and Extension Manager). The page renders the sidebar's own components over the same model,
 * so a channel added in either place shows in both.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import { repositoriesIcon } from '../icon';
import { PanelModel } from '../models/panel';
import { ChannelPicker, IPlace, LargePart, PlaceContext, SIDEBAR_PLACE } from './ChannelPicker';
import { ConfigureConda } from './ConfigureConda';
import { BusyIndicator } from './Feedback';
import { RepositoriesPanel } from './RepositoriesView';
import { ISignInFlow, ShownPage } from './SignInFlow';

const WIDGET_ID = 'jp-repoconnect-large';

const LARGE_PLACE: IPlace = {
  large: true,
  openLarge: null,
  ids: 'jp-RepoConnect-large',
  root: `#${WIDGET_ID}`
};

interface IProps {
  model: PanelModel;
  flow: ISignInFlow;
}

function LargeBody({ model, flow }: IProps): JSX.Element {
  const connected = !!model.connection.status?.connected;
  return (
    <div className="jp-RepoConnect-large" data-testid="large-view-body">
      <header className="jp-RepoConnect-largeHeader">
        <h2 tabIndex={-1}>Conda channels</h2>
        <BusyIndicator label={model.activity.busy} />
      </header>
      <div className="jp-RepoConnect-largeColumns">
        {connected && model.picker.available ? (
          <ChannelPicker model={model} />
        ) : (
          <section className="jp-RepoConnect-section" data-testid="large-view-no-picker">
            <h3>Channels of your repository</h3>
            <p className="jp-RepoConnect-hint">
              {connected
                ? 'This repository does not list its channels: add them by hand in Configure Conda.'
                : 'Sign in to your repository to pick among its channels.'}
            </p>
            {!connected && (
              <button
                type="button"
                className="jp-RepoConnect-button jp-mod-accept"
                onClick={() => flow.open()}
                data-testid="large-view-connect"
              >
                Connect…
              </button>
            )}
          </section>
        )}
        <ConfigureConda model={model} />
      </div>
    </div>
  );
}

/** The page's content, re-rendered on every change of the model; while it is on screen the
 * status is checked at the visible pace, as for the panel. */
class LargeViewContent extends ShownPage {
  constructor(
    private readonly _model: PanelModel,
    private readonly _flow: ISignInFlow
  ) {
    super(_flow.shown, 'large');
    this.addClass('jp-RepoConnect');
    this.addClass('jp-RepoConnect-largePage');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'Conda channels');
  }

  render(): JSX.Element {
    return (
      <PlaceContext.Provider value={LARGE_PLACE}>
        <UseSignal signal={this._model.changed}>
          {() => <LargeBody model={this._model} flow={this._flow} />}
        </UseSignal>
      </PlaceContext.Provider>
    );
  }
}

/** Opens (or brings forward) the one "Conda channels" page. */
export class LargeView {
  constructor(
    private readonly _model: PanelModel,
    private readonly _shell: JupyterFrontEnd.IShell,
    private readonly _flow: ISignInFlow
  ) {}

  /** The sidebar's place: its picker and Configure Conda offer this view. */
  readonly sidebarPlace: IPlace = { ...SIDEBAR_PLACE, openLarge: part => this.open(part) };

  get isOpen(): boolean {
    return !!this._widget && !this._widget.isDisposed;
  }

  /** Open the page at a part, with the focus there (the search box, or Configure Conda). */
  open(part: LargePart = 'picker'): void {
    void this._model.initialize(); // opened from the palette before the panel was ever shown
    if (!this.isOpen) {
      const widget = new MainAreaWidget({ content: new LargeViewContent(this._model, this._flow) });
      widget.id = WIDGET_ID;
      widget.title.label = 'Conda channels';
      widget.title.caption = 'Pick channels of your repository and configure conda';
      widget.title.icon = repositoriesIcon;
      widget.title.closable = true;
      widget.node.setAttribute('data-testid', 'repoconnect-large-view');
      this._widget = widget;
      this._shell.add(widget, 'main');
    }
    this._shell.activateById(WIDGET_ID);
    this._focus(part, 20);
  }

  dispose(): void {
    this._widget?.dispose();
  }

  /** Focus the part once it is rendered (the first render follows the widget's attach). */
  private _focus(part: LargePart, frames: number): void {
    window.requestAnimationFrame(() => {
      const root = document.getElementById(WIDGET_ID);
      const target =
        part === 'picker'
          ? root?.querySelector<HTMLElement>(`#${LARGE_PLACE.ids}-search`)
          : root?.querySelector<HTMLElement>('[data-testid="configure-conda"] > summary');
      const fallback = root?.querySelector<HTMLElement>('.jp-RepoConnect-largeHeader h2');
      if (target) {
        target.focus();
      } else if (frames > 0) {
        this._focus(part, frames - 1);
      } else {
        fallback?.focus();
      }
    });
  }

  private _widget: MainAreaWidget | null = null;
}

/** The sidebar panel, whose picker and Configure Conda offer the larger view. */
export class SidebarPanel extends RepositoriesPanel {
  constructor(model: PanelModel, flow: ISignInFlow, large: LargeView) {
    super(model, flow);
    this._place = large.sidebarPlace;
  }

  render(): JSX.Element {
    return <PlaceContext.Provider value={this._place}>{super.render()}</PlaceContext.Provider>;
  }

  private readonly _place: IPlace;
}
