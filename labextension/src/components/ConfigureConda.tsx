/**
 * "Configure Conda": both channel lists of `.condarc` with remove and up/down, then "Save".
 */
import React from 'react';

import { ChannelList, RepoConnectModel } from '../model';

interface IProps {
  model: RepoConnectModel;
}

const DEFAULTS_WARNING =
  'Anaconda recommends against removing defaults: conda then no longer searches the ' +
  'default channels, and packages you rely on may stop resolving.';

export function ConfigureConda({ model }: IProps): JSX.Element {
  const condarc = model.condarc;
  const draft = model.draft;
  return (
    <details className="jp-RepoConnect-details" data-testid="configure-conda">
      <summary>Configure Conda</summary>
      <div className="jp-RepoConnect-detailsBody">
        {!condarc || !draft ? (
          <p className="jp-RepoConnect-muted">Reading .condarc…</p>
        ) : (
          <>
            <p className="jp-RepoConnect-hint">
              {condarc.exists ? 'Channel lists of ' : 'No file yet at '}
              <code data-testid="condarc-path">{condarc.path}</code>
            </p>
            <EditableList model={model} list="channels" entries={draft.channels} />
            <EditableList model={model} list="default_channels" entries={draft.default_channels} />
            {model.pendingRemoval && <DefaultsWarning model={model} />}
            {model.conflict && (
              <p className="jp-RepoConnect-warn" data-testid="condarc-conflict">
                The file changed on disk since it was read. Reload it, then make your changes
                again.
              </p>
            )}
            <div className="jp-RepoConnect-actions">
              <button
                type="button"
                className="jp-RepoConnect-button"
                onClick={() => void model.reloadCondarc()}
                data-testid="reload-condarc"
              >
                {model.dirty ? 'Discard changes' : 'Reload'}
              </button>
              <button
                type="button"
                className="jp-RepoConnect-button jp-mod-accept"
                disabled={!model.dirty || !!model.pendingRemoval}
                onClick={() => void model.saveCondarc()}
                data-testid="save-condarc"
              >
                Save
              </button>
            </div>
          </>
        )}
      </div>
    </details>
  );
}

function EditableList({
  model,
  list,
  entries
}: IProps & { list: ChannelList; entries: string[] | null }): JSX.Element {
  const titleId = `jp-RepoConnect-list-${list}`;
  return (
    <div className="jp-RepoConnect-editList" data-testid={`condarc-list-${list}`}>
      <h4 id={titleId}>{list}:</h4>
      {entries === null ? (
        <p className="jp-RepoConnect-muted">not set</p>
      ) : entries.length === 0 ? (
        <p className="jp-RepoConnect-muted">[] (empty)</p>
      ) : (
        <ul aria-labelledby={titleId}>
          {entries.map((entry, index) => (
            <li
              key={`${index}-${entry}`}
              className="jp-RepoConnect-entry"
              data-testid="condarc-entry"
              data-list={list}
              data-name={entry}
            >
              <code className="jp-RepoConnect-entryName" title={entry}>
                {entry}
              </code>
              <span className="jp-RepoConnect-entryButtons">
                <button
                  type="button"
                  className="jp-RepoConnect-iconButton"
                  aria-label={`Move ${entry} up`}
                  title="Move up"
                  disabled={index === 0}
                  onClick={() => model.moveEntry(list, index, -1)}
                  data-testid="move-up"
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="jp-RepoConnect-iconButton"
                  aria-label={`Move ${entry} down`}
                  title="Move down"
                  disabled={index === entries.length - 1}
                  onClick={() => model.moveEntry(list, index, 1)}
                  data-testid="move-down"
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="jp-RepoConnect-iconButton jp-mod-warn"
                  aria-label={`Remove ${entry}`}
                  title="Remove"
                  onClick={() => model.removeEntry(list, index)}
                  data-testid="remove-entry"
                >
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function DefaultsWarning({ model }: IProps): JSX.Element {
  return (
    <div className="jp-RepoConnect-warn" role="alert" data-testid="defaults-warning">
      <p>{DEFAULTS_WARNING}</p>
      <div className="jp-RepoConnect-actions">
        <button
          type="button"
          className="jp-RepoConnect-button"
          autoFocus
          onClick={() => model.cancelRemoval()}
          data-testid="cancel-remove-defaults"
        >
          Keep defaults
        </button>
        <button
          type="button"
          className="jp-RepoConnect-button jp-mod-warn"
          onClick={() => model.confirmRemoval()}
          data-testid="confirm-remove-defaults"
        >
          Remove defaults
        </button>
      </div>
    </div>
  );
}
