/**
 * When to check the status: at full speed while the panel is visible, slower while only the
 * status-bar item shows it, never while the browser tab is hidden (a `Poll` on standby), and
 * at once when the panel is shown or the tab comes back.
 */
import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';

export interface IStatusWatchOptions {
  /** One cheap status check; a rejection makes the next ones back off. */
  check: () => Promise<void>;
  /** Milliseconds between checks while the panel is visible (0: none). */
  interval?: number;
  /** Milliseconds between checks while the panel is hidden (0: none). */
  hiddenInterval?: number;
}

/** The longest wait after failed checks (the server is down or restarting). */
const MAX_BACKOFF = 60 * 1000;

export class StatusWatch implements IDisposable {
  constructor(options: IStatusWatchOptions) {
    this._interval = options.interval ?? 5000;
    this._hiddenInterval = options.hiddenInterval ?? 10000;
    this._poll = new Poll({
      auto: false,
      factory: () => options.check(),
      frequency: this._frequency(),
      name: 'jupyter-repoconnect:status',
      standby: 'when-hidden'
    });
    document.addEventListener('visibilitychange', this._onPageShown);
    window.addEventListener('focus', this._onPageShown);
  }

  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }
  get started(): boolean {
    return this._started;
  }
  /** The poll, for those who want its ticks. */
  get poll(): Poll {
    return this._poll;
  }

  get interval(): number {
    return this._interval;
  }
  set interval(ms: number) {
    this._interval = ms;
    this._retune();
  }
  get hiddenInterval(): number {
    return this._hiddenInterval;
  }
  set hiddenInterval(ms: number) {
    this._hiddenInterval = ms;
    this._retune();
  }

  /** Start checking: one check now, then at the current pace. */
  start(): void {
    if (!this._started && !this.isDisposed) {
      this._started = true;
      void this._poll.start();
    }
  }

  /** The panel was shown (check now, then at full speed) or hidden (slow down from now). */
  setPanelVisible(visible: boolean): void {
    this._panelVisible = visible;
    this._poll.frequency = this._frequency();
    if (!this._started) {
      if (visible) {
        this.start();
      }
    } else if (visible) {
      void this._poll.refresh();
    } else {
      void this._poll.schedule({ interval: this._poll.frequency.interval });
    }
  }

  dispose(): void {
    document.removeEventListener('visibilitychange', this._onPageShown);
    window.removeEventListener('focus', this._onPageShown);
    this._poll.dispose();
  }

  private _retune(): void {
    this._poll.frequency = this._frequency();
    if (this._started) {
      void this._poll.schedule({ interval: this._poll.frequency.interval });
    }
  }

  private _frequency(): { interval: number; backoff: boolean; max: number } {
    const ms = this._panelVisible ? this._interval : this._hiddenInterval;
    const interval = ms > 0 ? ms : Poll.NEVER;
    return { interval, backoff: true, max: Math.max(MAX_BACKOFF, ms) };
  }

  /** The browser tab is back (or regained focus): the status may have changed meanwhile. */
  private _onPageShown = (): void => {
    if (this._started && document.visibilityState !== 'hidden') {
      void this._poll.refresh();
    }
  };

  private readonly _poll: Poll;
  private _interval: number;
  private _hiddenInterval: number;
  private _panelVisible = false;
  private _started = false;
}
