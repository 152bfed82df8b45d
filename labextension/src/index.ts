/**
 * Plugin wiring: the "Repositories" panel in the left sidebar, its palette commands and
 * shortcut, and a status-bar item naming the connected service.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { Widget } from '@lumino/widgets';

import { createApi, IStatus, SERVICE_TITLES } from './api';
import { RepositoriesPanel } from './components/RepositoriesView';
import { repositoriesIcon } from './icon';
import { FeedbackKind, RepoConnectModel } from './model';

const PLUGIN_ID = 'jupyter-repoconnect:plugin';
const CATEGORY = 'Anaconda repository (conda)';

export namespace CommandIDs {
  export const open = 'repoconnect:open';
  export const signIn = 'repoconnect:sign-in';
  export const configure = 'repoconnect:configure-conda';
  export const doctor = 'repoconnect:troubleshoot';
}

/** Short names of the services for the status bar. */
const SHORT: Record<string, string> = {
  cloud: 'Anaconda Professional',
  server: 'Anaconda Server',
  enterprise: 'Enterprise 4 Repository'
};

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
  constructor(onClick: () => void) {
    super({ node: document.createElement('button') });
    this.addClass('jp-RepoConnect-statusItem');
    this.node.setAttribute('type', 'button');
    this.node.setAttribute('data-testid', 'repoconnect-statusbar');
    this.node.addEventListener('click', onClick);
    this.show_(null);
  }

  show_(status: IStatus | null): void {
    const connected = !!status?.connected && !!status.service;
    const name = connected ? SHORT[status!.service!] : 'not connected';
    this.node.textContent = `Conda: ${name}`;
    this.node.title = connected
      ? `conda uses ${SERVICE_TITLES[status!.service!]}` +
        (status!.domain ? ` (${status!.domain})` : '') +
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
    const model = new RepoConnectModel({
      api: createApi(app.serviceManager.serverSettings),
      notify
    });
    const panel = new RepositoriesPanel(model);
    panel.title.icon = repositoriesIcon;
    panel.title.caption = 'Repositories: connect conda to your organisation\'s repository';
    app.shell.add(panel, 'left', { rank: 850 });
    restorer?.add(panel, 'jupyter-repoconnect');

    const open = () => app.shell.activateById(panel.id);
    const openDetails = (testid: string) => {
      open();
      const details = panel.node.querySelector<HTMLDetailsElement>(
        `[data-testid="${testid}"]`
      );
      if (details) {
        details.open = true;
        details.scrollIntoView({ block: 'nearest' });
        details.querySelector<HTMLElement>('summary')?.focus();
      }
    };

    app.commands.addCommand(CommandIDs.open, {
      label: 'Open Repositories panel (conda channels, Anaconda sign-in)',
      caption: "Connect conda to your organisation's package repository",
      icon: repositoriesIcon,
      execute: open
    });
    app.commands.addCommand(CommandIDs.signIn, {
      label: () =>
        model.status?.connected
          ? 'Show the Anaconda repository connection'
          : 'Sign in to an Anaconda package repository',
      caption: 'Anaconda Professional, Anaconda Server or Enterprise 4 Repository',
      execute: () => {
        open();
        model.requestFocus();
      }
    });
    app.commands.addCommand(CommandIDs.configure, {
      label: 'Configure conda channels (.condarc)',
      caption: 'Edit channels and default_channels, add a channel by hand',
      execute: () => openDetails('configure-conda')
    });
    app.commands.addCommand(CommandIDs.doctor, {
      label: 'Troubleshoot the conda repository connection',
      caption: 'Run the checks of the doctor; each problem comes with its fix',
      execute: () => {
        open();
        void model.runDoctor();
      }
    });
    for (const command of Object.values(CommandIDs)) {
      palette?.addItem({ command, category: CATEGORY });
    }

    if (statusBar) {
      const item = new StatusItem(() => {
        open();
        model.requestFocus();
      });
      model.statusChanged.connect((_, status) => item.show_(status));
      statusBar.registerStatusItem('jupyter-repoconnect:status', {
        item,
        align: 'left',
        rank: 4,
        isActive: () => true
      });
      // The status bar needs the status even if the panel was never opened: one request.
      void app.restored.then(() => model.checkStatus());
    }

    if (settingRegistry) {
      const apply = (settings: ISettingRegistry.ISettings) => {
        model.pageSize = settings.get('pageSize').composite as number;
        model.searchDelay = settings.get('searchDelay').composite as number;
        model.pollInterval = (settings.get('pollInterval').composite as number) * 1000;
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
