/**
 * Plugin wiring: the "Repositories" panel in the left sidebar and its palette command.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { createApi } from './api';
import { RepositoriesPanel } from './components/RepositoriesView';
import { repositoriesIcon } from './icon';
import { RepoConnectModel } from './model';

const PLUGIN_ID = 'jupyter-repoconnect:plugin';

export namespace CommandIDs {
  export const open = 'repoconnect:open';
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'The "Repositories" panel: connect conda to your organisation\'s repository.',
  autoStart: true,
  optional: [ICommandPalette, ILayoutRestorer, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null
  ) => {
    const model = new RepoConnectModel({
      api: createApi(app.serviceManager.serverSettings)
    });
    const panel = new RepositoriesPanel(model);
    panel.title.icon = repositoriesIcon;
    panel.title.caption = 'Repositories';
    app.shell.add(panel, 'left', { rank: 850 });
    restorer?.add(panel, 'jupyter-repoconnect');

    app.commands.addCommand(CommandIDs.open, {
      label: 'Open Repositories panel',
      caption: "Connect conda to your organisation's package repository",
      icon: repositoriesIcon,
      execute: () => app.shell.activateById(panel.id)
    });
    palette?.addItem({ command: CommandIDs.open, category: 'Repositories' });

    if (settingRegistry) {
      const apply = (settings: ISettingRegistry.ISettings) => {
        model.pageSize = settings.get('pageSize').composite as number;
        model.searchDelay = settings.get('searchDelay').composite as number;
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
