/**
 * Channels of the connected Anaconda Server: server-side search, one page at a time
 * (so 10,000 channels never reach the DOM at once), the two "Add to" toggles, "Add channels".
 */
import React from 'react';

import { IChannel } from '../api';
import { PanelModel } from '../models/panel';
import { Feedback } from './Feedback';

interface IProps {
  model: PanelModel;
}

export function ChannelPicker({ model }: IProps): JSX.Element {
  const picker = model.picker;
  const page = picker.page;
  const picked = picker.choices.size;
  return (
    <section
      className="jp-RepoConnect-section"
      aria-labelledby="jp-RepoConnect-picker-title"
      data-testid="channel-picker"
    >
      <h3 id="jp-RepoConnect-picker-title">Channels of your repository</h3>
      <label htmlFor="jp-RepoConnect-search">Search channels</label>
      <input
        id="jp-RepoConnect-search"
        className="jp-RepoConnect-input"
        type="search"
        value={picker.query}
        placeholder="Filter by name"
        autoComplete="off"
        spellCheck={false}
        aria-controls="jp-RepoConnect-channel-list"
        onChange={event => picker.search(event.target.value)}
        data-testid="channel-search"
      />
      {page && <Pager model={model} />}
      <div
        id="jp-RepoConnect-channel-list"
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
          <ul aria-label="Channels">
            {page.items.map((channel, index) => (
              <ChannelRow key={channel.name} model={model} channel={channel} index={index} />
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
          onClick={async () => {
            if (await picker.addChannels()) {
              // The button is disabled now (nothing picked): continue from the search box.
              document.getElementById('jp-RepoConnect-search')?.focus();
            }
          }}
          data-testid="add-channels-button"
        >
          Add channels
        </button>
      </div>
      <Feedback model={model} at="picker" />
    </section>
  );
}

function ChannelRow({
  model,
  channel,
  index
}: IProps & { channel: IChannel; index: number }): JSX.Element {
  const picker = model.picker;
  const choice = picker.choiceOf(channel.name);
  const nameId = `jp-RepoConnect-ch-${index}-${cssId(channel.name)}`;
  const inChannels = picker.isInChannels(channel);
  return (
    <li className="jp-RepoConnect-channel" data-testid="channel-row" data-channel={channel.name}>
      <div className="jp-RepoConnect-channelName">
        <span id={nameId} title={channel.url}>
          {channel.name}
        </span>
        {channel.privacy && <span className="jp-RepoConnect-badge">{channel.privacy}</span>}
        {inChannels && <span className="jp-RepoConnect-badge jp-mod-ok">in channels</span>}
      </div>
      {channel.description && (
        <div className="jp-RepoConnect-channelDescription">{channel.description}</div>
      )}
      <div className="jp-RepoConnect-toggles">
        <label>
          <input
            type="checkbox"
            checked={choice.channels}
            aria-describedby={nameId}
            onChange={event => picker.toggleChoice(channel.name, 'channels', event.target.checked)}
            data-testid="add-to-channels"
          />
          Add to channels
        </label>
        <label>
          <input
            type="checkbox"
            checked={choice.default_channels}
            aria-describedby={nameId}
            onChange={event =>
              picker.toggleChoice(channel.name, 'default_channels', event.target.checked)
            }
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

function cssId(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}
