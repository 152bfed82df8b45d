/**
 * "Configure Conda": both channel lists of `.condarc` with remove and up/down, then "Save".
 */
import React, { useContext, useState } from 'react';

import { ChannelList } from '../models/condarc';
import { PanelModel } from '../models/panel';
import { Breakable } from './Breakable';
import { IPlace, OpenLargeButton, PlaceContext } from './ChannelPicker';
import { Feedback } from './Feedback';

interface IProps {
  model: PanelModel;
}

const DEFAULTS_WARNING =
  'Anaconda recommends against removing defaults: conda then no longer searches the ' +
  'default channels, and packages you rely on may stop resolving.';

export function ConfigureConda({ model }: IProps): JSX.Element {
  const place = useContext(PlaceContext);
  const { ids } = place;
  const editor = model.condarc;
  const condarc = editor.condarc;
  const draft = editor.draft;
  return (
    <details
      className="jp-RepoConnect-details"
      // The larger view is opened for this task: shown open there (it can still be closed).
      open={place.large || undefined}
      data-testid="configure-conda"
    >
      <summary>Configure Conda</summary>
      <div className="jp-RepoConnect-detailsBody">
        {place.openLarge && (
          <div className="jp-RepoConnect-sectionHeader jp-mod-end">
            <OpenLargeButton part="condarc" />
          </div>
        )}
        {!condarc || !draft ? (
          <p className="jp-RepoConnect-muted">Reading .condarc…</p>
        ) : (
          <>
            <p className="jp-RepoConnect-hint">
              {condarc.exists ? 'Channel lists of ' : 'No file yet at '}
              <code data-testid="condarc-path">
                <Breakable text={condarc.path} />
              </code>
            </p>
            <EditableList model={model} list="channels" entries={draft.channels} />
            <EditableList model={model} list="default_channels" entries={draft.default_channels} />
            {editor.pendingRemoval && <DefaultsWarning model={model} />}
            <AddByHand model={model} />
            {editor.conflict && (
              <p className="jp-RepoConnect-warn" data-testid="condarc-conflict">
                The file changed on disk since it was read, so nothing was saved. Click “Discard
                changes” to read it again, then make your changes again.
              </p>
            )}
            <div className="jp-RepoConnect-actions">
              <button
                type="button"
                className="jp-RepoConnect-button"
                id={`${ids}-reload-condarc`}
                onClick={() => void editor.discard()}
                data-testid="reload-condarc"
              >
                {editor.dirty ? 'Discard changes' : 'Reload'}
              </button>
              <button
                type="button"
                className="jp-RepoConnect-button jp-mod-accept"
                disabled={!editor.dirty || !!editor.pendingRemoval}
                onClick={async () => {
                  if (await editor.save()) {
                    // Save is disabled now that nothing is pending: stay next to it.
                    document.getElementById(`${ids}-reload-condarc`)?.focus();
                  }
                }}
                data-testid="save-condarc"
              >
                Save
              </button>
            </div>
            <Feedback model={model} at="condarc" />
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
  const place = useContext(PlaceContext);
  const titleId = `${place.ids}-list-${list}`;
  return (
    <div className="jp-RepoConnect-editList" data-testid={`condarc-list-${list}`}>
      <h4 id={titleId}>{list}:</h4>
      {entries === null ? (
        <p className="jp-RepoConnect-muted" data-testid="list-meaning">
          not set — conda&apos;s <code>defaults</code> then means Anaconda&apos;s public repository
          (repo.anaconda.com: main, r).
        </p>
      ) : entries.length === 0 ? (
        <p className="jp-RepoConnect-muted" data-testid="list-meaning">
          {list === 'channels'
            ? '[] (empty) — conda searches no channel unless a command names one with -c; ' +
              'add the channels you need.'
            : "[] (empty) — same as not set: conda's defaults are Anaconda's public " +
              'repository.'}
        </p>
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
                <Breakable text={entry} />
              </code>
              <span className="jp-RepoConnect-entryButtons">
                <button
                  type="button"
                  className="jp-RepoConnect-iconButton"
                  aria-label={`Move ${entry} up`}
                  title="Move up"
                  disabled={index === 0}
                  onClick={() => {
                    model.condarc.moveEntry(list, index, -1);
                    focusEntry(place, list, index - 1, 'move-up');
                  }}
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
                  onClick={() => {
                    model.condarc.moveEntry(list, index, 1);
                    focusEntry(place, list, index + 1, 'move-down');
                  }}
                  data-testid="move-down"
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="jp-RepoConnect-iconButton jp-mod-warn"
                  aria-label={`Remove ${entry}`}
                  title="Remove"
                  onClick={() => {
                    const asks = entry === 'defaults';
                    model.condarc.removeEntry(list, index);
                    if (!asks) {
                      focusEntry(place, list, Math.min(index, entries.length - 2), 'remove-entry');
                    }
                  }}
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
    <div
      className="jp-RepoConnect-warn"
      role="alert"
      data-testid="defaults-warning"
      onKeyDown={event => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          model.condarc.cancelRemoval();
        }
      }}
    >
      <p>{DEFAULTS_WARNING}</p>
      <div className="jp-RepoConnect-actions">
        <button
          type="button"
          className="jp-RepoConnect-button"
          autoFocus
          onClick={() => model.condarc.cancelRemoval()}
          data-testid="cancel-remove-defaults"
        >
          Keep defaults
        </button>
        <button
          type="button"
          className="jp-RepoConnect-button jp-mod-warn"
          onClick={() => model.condarc.confirmRemoval()}
          data-testid="confirm-remove-defaults"
        >
          Remove defaults
        </button>
      </div>
    </div>
  );
}

/** After Move/Remove, keep the keyboard on the same control of the entry that is now there. */
function focusEntry(place: IPlace, list: ChannelList, index: number, testid: string): void {
  window.requestAnimationFrame(() => {
    const rows = document.querySelectorAll<HTMLElement>(
      `${place.root} [data-testid="condarc-entry"][data-list="${list}"]`
    );
    const row = rows[Math.max(0, index)];
    if (!row) {
      document.getElementById(`${place.ids}-hand-input`)?.focus();
      return;
    }
    const wanted = row.querySelector<HTMLButtonElement>(`[data-testid="${testid}"]`);
    const target =
      wanted && !wanted.disabled
        ? wanted
        : row.querySelector<HTMLButtonElement>('button:not([disabled])');
    target?.focus();
  });
}

/** "Add a channel by hand": a name or URL into either list; Cloud gets an org-channel builder. */
function AddByHand({ model }: IProps): JSX.Element {
  const { ids } = useContext(PlaceContext);
  const inputId = `${ids}-hand-input`;
  const [entry, setEntry] = useState('');
  const status = model.connection.status;
  const capabilities = model.connection.capabilities;
  // Channels that are an organisation's live under the repository the user signed in to.
  const repository = capabilities?.organisation_channels ? status?.domain : null;
  // The service's name as a sentence uses it ("your Anaconda Server").
  const name =
    model.preferences.serviceInfo(status?.service)?.short_title ?? status?.service_title ?? null;
  const add = async (list: ChannelList) => {
    if (await model.condarc.addByHand(list, entry)) {
      setEntry('');
    }
    document.getElementById(inputId)?.focus();
  };
  return (
    <div className="jp-RepoConnect-byHand" data-testid="add-by-hand">
      <h4>Add a channel by hand</h4>
      <label htmlFor={inputId}>Channel name or URL</label>
      <input
        id={inputId}
        className="jp-RepoConnect-input"
        type="text"
        value={entry}
        spellCheck={false}
        autoComplete="off"
        placeholder="conda-forge or https://…"
        aria-describedby={`${ids}-hand-hint`}
        onChange={event => setEntry(event.target.value)}
        onKeyDown={event => {
          if (event.key === 'Enter') {
            event.preventDefault();
            void add('channels');
          }
        }}
        data-testid="hand-input"
      />
      <p id={`${ids}-hand-hint`} className="jp-RepoConnect-hint">
        {capabilities?.names_resolve_under_alias
          ? `A name of your ${name ?? 'repository'} resolves to its URL there. `
          : ''}
        Never type a token: conda adds it for the repository you signed in to.
      </p>
      <div className="jp-RepoConnect-actions">
        <button
          type="button"
          className="jp-RepoConnect-button"
          disabled={!entry.trim()}
          onClick={() => void add('channels')}
          data-testid="hand-add-channels"
        >
          Add to channels
        </button>
        <button
          type="button"
          className="jp-RepoConnect-button"
          disabled={!entry.trim()}
          onClick={() => void add('default_channels')}
          data-testid="hand-add-default-channels"
        >
          Add to default_channels
        </button>
      </div>
      {repository && (
        <OrgChannelBuilder
          repository={repository}
          title={name}
          onBuilt={url => {
            setEntry(url);
            document.getElementById(inputId)?.focus();
          }}
        />
      )}
    </div>
  );
}

/** `<repository>/<org>/<channel>`; the token is inserted by conda, never typed. */
function OrgChannelBuilder({
  repository,
  title,
  onBuilt
}: {
  repository: string;
  title: string | null;
  onBuilt: (url: string) => void;
}): JSX.Element {
  const [org, setOrg] = useState('');
  const [channel, setChannel] = useState('');
  const valid = (part: string) => /^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(part.trim());
  const url =
    valid(org) && valid(channel)
      ? `${repository.replace(/\/+$/, '')}/${org.trim()}/${channel.trim()}`
      : null;
  return (
    <fieldset className="jp-RepoConnect-builder" data-testid="org-channel-builder">
      <legend>{title ? `Organisation channel (${title})` : 'Organisation channel'}</legend>
      <div className="jp-RepoConnect-inputRow">
        <label>
          Organisation
          <input
            className="jp-RepoConnect-input"
            type="text"
            value={org}
            spellCheck={false}
            onChange={event => setOrg(event.target.value)}
            data-testid="org-input"
          />
        </label>
        <label>
          Channel
          <input
            className="jp-RepoConnect-input"
            type="text"
            value={channel}
            spellCheck={false}
            onChange={event => setChannel(event.target.value)}
            data-testid="org-channel-input"
          />
        </label>
      </div>
      <p className="jp-RepoConnect-hint" data-testid="org-channel-url">
        {url ? (
          <code>
            <Breakable text={url} />
          </code>
        ) : (
          'Type the organisation and the channel names.'
        )}
      </p>
      <button
        type="button"
        className="jp-RepoConnect-button"
        disabled={!url}
        onClick={() => {
          if (url) {
            onBuilt(url);
          }
        }}
        data-testid="org-channel-use"
      >
        Use this URL
      </button>
    </fieldset>
  );
}
