/**
 * Channels of the connected Anaconda Server: server-side search, one page at a time
 * (so 10,000 channels never reach the DOM at once), the two "Add to" toggles, "Add channels".
 * The list is one Tab stop, an ARIA listbox: the arrows move, Space picks for "Add to
 * channels", D for "Add to default_channels", Enter adds. "/" anywhere in the panel goes to
 * the search box.
 */
import { launchIcon } from '@jupyterlab/ui-components';
import React, { useContext, useEffect, useRef } from 'react';

import { IChannel } from '../api';
import { PanelModel } from '../models/panel';
import { listAction } from '../models/picker';
import { Feedback } from './Feedback';

interface IProps {
  model: PanelModel;
}

/** The parts the larger view opens to. */
export type LargePart = 'picker' | 'condarc';

/**
 * Where the picker and Configure Conda are shown. Both the sidebar and the larger view (a
 * main-area page) may be on screen at once, so each place has its own element ids.
 */
export interface IPlace {
  /** Whether this is the larger view. */
  large: boolean;
  /** Opens the larger view at a part (the sidebar's button); null in the larger view. */
  openLarge: ((part: LargePart) => void) | null;
  /** Prefix of the element ids of this place. */
  ids: string;
  /** Selector of this place's root element. */
  root: string;
}

/** The sidebar's place; it offers the larger view once a plugin provides an opener. */
export const SIDEBAR_PLACE: IPlace = {
  large: false,
  openLarge: null,
  ids: 'jp-RepoConnect',
  root: '#jp-repoconnect-panel'
};

export const PlaceContext = React.createContext<IPlace>(SIDEBAR_PLACE);

/** "Open in a larger view": the section's task in the main area, where there is room. */
export function OpenLargeButton({ part }: { part: LargePart }): JSX.Element | null {
  const place = useContext(PlaceContext);
  const open = place.openLarge;
  if (!open) {
    return null;
  }
  return (
    <button
      type="button"
      className="jp-RepoConnect-button jp-RepoConnect-openLarge"
      aria-label="Open in a larger view"
      title="Open in a larger view (the main area)"
      onClick={() => open(part)}
      data-testid="open-large-view"
    >
      <launchIcon.react tag="span" className="jp-RepoConnect-openLargeIcon" />
      Larger view
    </button>
  );
}

/** Whether a key typed at `target` is text (a "/" there is not the search shortcut). */
function typesText(target: EventTarget | null): boolean {
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  }
  return (
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

export function ChannelPicker({ model }: IProps): JSX.Element {
  const { ids } = useContext(PlaceContext);
  const listId = `${ids}-channel-listbox`;
  const optionId = (index: number): string => `${ids}-channel-option-${index}`;
  const picker = model.picker;
  const page = picker.page;
  const picked = picker.choices.size;
  const list = useRef<HTMLUListElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    // The panel has many Tab stops before the picker: "/" jumps to the search, as on the web.
    const panel = section.current?.closest<HTMLElement>('.jp-RepoConnect');
    const onKey = (event: KeyboardEvent): void => {
      const plain = !event.ctrlKey && !event.altKey && !event.metaKey;
      if (event.key === '/' && plain && !typesText(event.target)) {
        event.preventDefault();
        search.current?.focus();
        search.current?.select();
      }
    };
    panel?.addEventListener('keydown', onKey);
    return () => panel?.removeEventListener('keydown', onKey);
  }, []);
  const active = picker.active;
  useEffect(() => {
    // Only while the keyboard is in the list: never scroll the panel under the mouse.
    if (list.current && document.activeElement === list.current && active >= 0) {
      document
        .getElementById(`${ids}-channel-option-${active}`)
        ?.scrollIntoView({ block: 'nearest' });
    }
  }, [active, page, ids]);
  const add = async (): Promise<void> => {
    if (await picker.addChannels()) {
      // The button is disabled now (nothing picked): continue from the search box.
      search.current?.focus();
    }
  };
  return (
    <section
      ref={section}
      className="jp-RepoConnect-section"
      aria-labelledby={`${ids}-picker-title`}
      data-testid="channel-picker"
    >
      <div className="jp-RepoConnect-sectionHeader">
        <h3 id={`${ids}-picker-title`}>Channels of your repository</h3>
        <OpenLargeButton part="picker" />
      </div>
      <label htmlFor={`${ids}-search`}>
        Search channels{' '}
        <span className="jp-RepoConnect-muted" aria-hidden="true">
          (press <kbd>/</kbd> in the panel)
        </span>
      </label>
      <input
        id={`${ids}-search`}
        ref={search}
        className="jp-RepoConnect-input"
        type="search"
        value={picker.query}
        placeholder="Filter by name"
        autoComplete="off"
        spellCheck={false}
        aria-keyshortcuts="/"
        aria-describedby={`${ids}-list-keys`}
        aria-controls={`${ids}-channel-list`}
        onChange={event => picker.search(event.target.value)}
        onKeyDown={event => {
          if (event.key === 'ArrowDown' && list.current) {
            event.preventDefault();
            picker.enterList();
            list.current.focus();
          }
        }}
        data-testid="channel-search"
      />
      <p id={`${ids}-list-keys`} className="jp-RepoConnect-hint jp-RepoConnect-listKeys">
        ↓ goes to the list: ↑ ↓ move, Space adds to channels, D to default_channels, Enter adds the
        picked channels.
      </p>
      {page && <Pager model={model} />}
      <div
        id={`${ids}-channel-list`}
        className="jp-RepoConnect-channelList"
        aria-busy={picker.loading}
        data-testid="channel-list"
      >
        {page === null ? (
          <p className="jp-RepoConnect-muted">{picker.loading ? 'Loading channels…' : ''}</p>
        ) : page.items.length === 0 ? (
          <p className="jp-RepoConnect-muted" data-testid="no-channels">
            {page.q ? `No channel matches “${page.q}”.` : 'This repository offers no channels.'}
          </p>
        ) : (
          <ul
            id={listId}
            ref={list}
            className="jp-RepoConnect-listbox"
            role="listbox"
            tabIndex={0}
            aria-label="Channels"
            aria-multiselectable="true"
            aria-describedby={`${ids}-list-keys`}
            aria-activedescendant={active >= 0 ? optionId(active) : undefined}
            onKeyDown={event => {
              const action = listAction(event);
              if (!action) {
                return;
              }
              event.preventDefault();
              if (action === 'add') {
                void add();
              } else {
                picker.act(action);
              }
            }}
            data-testid="channel-listbox"
          >
            {page.items.map((channel, index) => (
              <ChannelRow
                key={channel.name}
                model={model}
                channel={channel}
                index={index}
                id={optionId(index)}
                active={index === active}
                list={list}
              />
            ))}
          </ul>
        )}
      </div>
      <div className="jp-RepoConnect-actions">
        <span className="jp-RepoConnect-hint" aria-live="polite" data-testid="picked-count">
          {picked ? `${picked} channel${picked === 1 ? '' : 's'} selected` : 'No channel selected'}
        </span>
        <button
          type="button"
          className="jp-RepoConnect-button jp-mod-accept"
          disabled={!picked}
          onClick={() => void add()}
          data-testid="add-channels-button"
        >
          Add channels
        </button>
      </div>
      <Feedback model={model} at="picker" />
    </section>
  );
}

/** One option of the listbox; its two toggles are for the mouse (the keyboard uses keys). */
function ChannelRow({
  model,
  channel,
  index,
  id,
  active,
  list
}: IProps & {
  channel: IChannel;
  index: number;
  /** The option's element id (unique in the page). */
  id: string;
  active: boolean;
  list: React.RefObject<HTMLUListElement>;
}): JSX.Element {
  const picker = model.picker;
  const choice = picker.choiceOf(channel.name);
  const inChannels = picker.isInChannels(channel);
  // An option's content is read as plain text: its name says the state of both toggles.
  const label = [
    channel.name,
    channel.privacy,
    inChannels && 'in channels',
    choice.default_channels && 'picked for default_channels'
  ]
    .filter(Boolean)
    .join(', ');
  const toggle = (list_: 'channels' | 'default_channels', on: boolean): void => {
    picker.setActive(index);
    picker.toggleChoice(channel.name, list_, on);
    list.current?.focus(); // the keyboard continues in the list
  };
  return (
    <li
      id={id}
      className={`jp-RepoConnect-channel${active ? ' jp-mod-active' : ''}`}
      role="option"
      aria-selected={choice.channels}
      aria-label={label}
      aria-describedby={channel.description ? `${id}-description` : undefined}
      onClick={() => picker.setActive(index)}
      data-testid="channel-row"
      data-channel={channel.name}
    >
      <div className="jp-RepoConnect-channelName">
        <span title={channel.url}>{channel.name}</span>
        {channel.privacy && <span className="jp-RepoConnect-badge">{channel.privacy}</span>}
        {inChannels && <span className="jp-RepoConnect-badge jp-mod-ok">in channels</span>}
      </div>
      {channel.description && (
        <div id={`${id}-description`} className="jp-RepoConnect-channelDescription">
          {channel.description}
        </div>
      )}
      <div className="jp-RepoConnect-toggles" aria-hidden="true">
        <label>
          <input
            type="checkbox"
            tabIndex={-1}
            checked={choice.channels}
            onChange={event => toggle('channels', event.target.checked)}
            data-testid="add-to-channels"
          />
          Add to channels
        </label>
        <label>
          <input
            type="checkbox"
            tabIndex={-1}
            checked={choice.default_channels}
            onChange={event => toggle('default_channels', event.target.checked)}
            data-testid="add-to-default-channels"
          />
          Add to default_channels
        </label>
      </div>
    </li>
  );
}

function Pager({ model }: IProps): JSX.Element | null {
  const picker = model.picker;
  const page = picker.page!;
  const first = page.total ? page.offset + 1 : 0;
  const last = Math.min(page.offset + page.items.length, page.total);
  const size = page.limit || picker.settings.pageSize;
  return (
    <nav className="jp-RepoConnect-pager" aria-label="Channel pages">
      <button
        type="button"
        className="jp-RepoConnect-button"
        disabled={page.offset <= 0}
        onClick={() => void picker.loadPage(page.offset - size)}
        data-testid="page-prev"
      >
        Previous
      </button>
      <span data-testid="page-info" aria-live="polite">
        {first}–{last} of {page.total.toLocaleString('en-US')}
      </span>
      <button
        type="button"
        className="jp-RepoConnect-button"
        disabled={last >= page.total}
        onClick={() => void picker.loadPage(page.offset + size)}
        data-testid="page-next"
      >
        Next
      </button>
    </nav>
  );
}
