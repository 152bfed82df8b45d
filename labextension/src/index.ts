/**
 * Plugin wiring: the "Repositories" panel in the left sidebar, the sign-in steps and the
 * "Conda channels" page (picker, Configure Conda) in the main area, their palette commands
 * and shortcut, and a status-bar item naming the connected service.
 */
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { Widget } from '@lumino/widgets';

import { createApi } from './api';
import { LargeView, SidebarPanel } from './components/LargeView';
import { SignInFlow } from './components/SignInFlow';
import { repositoriesIcon } from './icon';
import { FeedbackKind } from './models/activity';
import { DomainCheck } from './models/domainCheck';
import { PanelModel } from './models/panel';

const PLUGIN_ID = 'jupyter-repoconnect:plugin';
const CATEGORY = 'Anaconda repository (conda)';

export namespace CommandIDs {
  export const open = 'repoconnect:open';
  export const connect = 'repoconnect:connect';
  export const signIn = 'repoconnect:sign-in';
  export const pickChannels = 'repoconnect:pick-channels';
  export const configure = 'repoconnect:configure-conda';
  export const doctor = 'repoconnect:troubleshoot';
}

function notify(kind: FeedbackKind, message: string): void {
  const options = { autoClose: kind === 'warning' || kind === 'error' ? false : 5000 } as const;
  if (kind === 'warning') {
    Notification.warning(message, options);
  } else if (kind === 'error') {
    Notification.error(message, options);
  } else if (kind === 'success') {
    Notification.success(message, options);
  } else {
    Notification.info(message, options);
  }
}

/** The status-bar item: "Conda: Anaconda Server" (click opens the panel). */
class StatusItem extends Widget {
  constructor(
    private readonly _model: PanelModel,
    onClick: () => void
  ) {
    super({ node: document.createElement('button') });
    this.addClass('jp-RepoConnect-statusItem');
    this.node.setAttribute('type', 'button');
    this.node.setAttribute('data-testid', 'repoconnect-statusbar');
    this.node.addEventListener('click', onClick);
    _model.connection.statusChanged.connect(this.update_, this);
    _model.preferences.changed.connect(this.update_, this);
    this.update_();
  }

  update_(): void {
    const status = this._model.connection.status;
    const connected = !!status?.connected;
    // The short name comes with the preferences; the full one with the status.
    const title = status?.service_title ?? 'a repository';
    const short = this._model.preferences.serviceInfo(status?.service)?.short_title ?? title;
    const refused = connected && this._model.connection.tokenRefused;
    this.node.textContent = `Conda: ${connected ? short : 'not connected'}${refused ? ' (token refused)' : ''}`;
    this.node.title = refused
      ? `${title} refuses the token conda uses. Click to open the Repositories panel: Renew, or sign out and in again.`
      : connected
        ? `conda uses ${title}` +
          (status?.domain ? ` (${status.domain})` : '') +
          '. Click to open the Repositories panel.'
        : 'conda is not connected to an organisation repository. Click to sign in.';
    this.node.dataset.connected = String(connected);
    this.node.dataset.service = status?.service ?? '';
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'The "Repositories" panel: connect conda to your organisation\'s repository.',
  autoStart: true,
  optional: [ICommandPalette, ILayoutRestorer, ISettingRegistry, IStatusBar],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null,
    statusBar: IStatusBar | null
  ) => {
    const model = new PanelModel({
      serverSettings: app.serviceManager.serverSettings,
      notify
    });
    // Signed in from the steps: the sidebar shows the connection, with the focus on it.
    const check = new DomainCheck(createApi(app.serviceManager.serverSettings));
    const flow = new SignInFlow(model, app.shell, check, () => {
      open();
      model.requestFocus();
    });
    // Picking channels and Configure Conda have room in the main area too (same model).
    const large = new LargeView(model, app.shell, flow);
    const panel = new SidebarPanel(model, flow, large);
    panel.title.icon = repositoriesIcon;
    panel.title.caption = "Repositories: connect conda to your organisation's repository";
    app.shell.add(panel, 'left', { rank: 850 });
    restorer?.add(panel, 'jupyter-repoconnect');

    const open = () => app.shell.activateById(panel.id);
    // Signed out: the sign-in steps; signed in: the connection in the sidebar.
    const connectOrShow = () => {
      if (model.connection.connected) {
        open();
        model.requestFocus();
      } else {
        flow.open();
      }
    };

    app.commands.addCommand(CommandIDs.open, {
      label: 'Open Repositories panel (conda channels, Anaconda sign-in)',
      caption: "Connect conda to your organisation's package repository",
      icon: repositoriesIcon,
      execute: open
    });
    app.commands.addCommand(CommandIDs.connect, {
      label: 'Connect to a conda repository…',
      caption: "Sign conda in to your organisation's package repository, step by step",
      icon: repositoriesIcon,
      execute: connectOrShow
    });
    app.commands.addCommand(CommandIDs.signIn, {
      label: () =>
        model.connection.connected
          ? 'Show the Anaconda repository connection'
          : 'Sign in to an Anaconda package repository',
      caption: 'Anaconda Professional, Anaconda Server or Enterprise 4 Repository',
      execute: connectOrShow
    });
    app.commands.addCommand(CommandIDs.pickChannels, {
      label: 'Pick channels of your repository (large view)',
      caption: 'Search the channels of the connected repository and add them to .condarc',
      icon: repositoriesIcon,
      execute: () => large.open('picker')
    });
    app.commands.addCommand(CommandIDs.configure, {
      label: 'Configure conda channels (.condarc)',
      caption: 'Edit channels and default_channels, add a channel by hand (large view)',
      execute: () => large.open('condarc')
    });
    app.commands.addCommand(CommandIDs.doctor, {
      label: 'Troubleshoot the conda repository connection',
      caption: 'Run the checks of the doctor; each problem comes with its fix',
      execute: () => {
        open();
        void model.doctor.run();
      }
    });
    for (const command of Object.values(CommandIDs)) {
      palette?.addItem({ command, category: CATEGORY });
    }

    if (statusBar) {
      const item = new StatusItem(model, connectOrShow);
      statusBar.registerStatusItem('jupyter-repoconnect:status', {
        item,
        align: 'left',
        rank: 4,
        isActive: () => true
      });
      // The status bar follows the status even if the panel is never opened (slower checks).
      void app.restored.then(() => model.start());
    }

    if (settingRegistry) {
      const apply = (settings: ISettingRegistry.ISettings) => {
        model.picker.settings.pageSize = settings.get('pageSize').composite as number;
        model.picker.settings.searchDelay = settings.get('searchDelay').composite as number;
        model.watch.interval = (settings.get('pollInterval').composite as number) * 1000;
        model.watch.hiddenInterval =
          (settings.get('hiddenPollInterval').composite as number) * 1000;
      };
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          apply(settings);
          settings.changed.connect(apply);
        })
        .catch(reason => {
          console.error('jupyter-repoconnect: could not load settings.', reason);
        });
    }
  }
};

export default plugin;
