/**
 * What every part of the panel shares: one state-changing request at a time (its label is the
 * spinner's) and the one message of the last action, shown next to the control that caused it.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { ApiError } from '../api';

/** Where a message belongs: next to the control that caused it. */
export type Place = 'signin' | 'status' | 'picker' | 'condarc' | 'prefs' | 'doctor';

export type FeedbackKind = 'success' | 'info' | 'warning' | 'error';

export interface IFeedback {
  kind: FeedbackKind;
  text: string;
  /** Extra lines, e.g. the warnings of a sign-out. */
  details: string[];
  at: Place;
  /** The API's error code, for errors. */
  code?: string;
}

/** How the panel tells JupyterLab's notification area (wired to `Notification` in index.ts). */
export type Notifier = (kind: FeedbackKind, message: string) => void;

export interface IActivityOptions {
  notify?: Notifier;
  /**
   * After an action refused because the connection changed elsewhere: re-read the real state;
   * resolves to whether it is connected.
   */
  reconcile?: () => Promise<boolean>;
}

export class Activity {
  constructor(options: IActivityOptions = {}) {
    this._notify = options.notify ?? (() => undefined);
    this._reconcile = options.reconcile ?? (async () => false);
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** Emitted after every action, whatever its outcome. */
  get settled(): ISignal<this, void> {
    return this._settled;
  }
  /** Emitted when the user dismisses the message. */
  get dismissed(): ISignal<this, void> {
    return this._dismissed;
  }
  /** The label of the request in flight ("Signing in…"), or null. */
  get busy(): string | null {
    return this._busy.length ? this._busy[this._busy.length - 1] : null;
  }
  get feedback(): IFeedback | null {
    return this._feedback;
  }

  /**
   * Run one state-changing action: refused (false) while another runs; its error becomes the
   * message at `at`; when the server says the state moved, the real state is shown.
   */
  async run(label: string, at: Place, action: () => Promise<void>): Promise<boolean> {
    if (this._busy.length) {
      return false;
    }
    this._busy.push(label);
    this._feedback = null;
    this._emit();
    let moved = false;
    try {
      await action();
      return true;
    } catch (error) {
      this.fail(error, at);
      moved = error instanceof ApiError && error.stateMoved;
      return false;
    } finally {
      this._busy.pop();
      this._settled.emit();
      this._emit();
      if (moved) {
        await this._showRealState();
      }
    }
  }

  say(kind: FeedbackKind, text: string, at: Place, details: string[] = [], code?: string): void {
    this._feedback = { kind, text, at, details, code };
    this._emit();
  }

  /** An error as the message at `at` (`prefix` says what failed). */
  fail(error: unknown, at: Place, prefix = ''): void {
    if ((error as Error)?.name === 'AbortError') {
      this.say(
        'info',
        'Sign-in cancelled. If the repository still completes it, this panel will show the ' +
          'connection.',
        at
      );
    } else if (error instanceof ApiError) {
      this.say('error', prefix + error.message, at, [], error.code);
    } else {
      console.error('jupyter-repoconnect:', error);
      this.say('error', prefix + 'Something went wrong; see the browser console.', at, [], 'error');
    }
  }

  /** Drop the message at `at` if it is of `kind` (a later success answers it). */
  clear(at: Place, kind: FeedbackKind): void {
    if (this._feedback?.at === at && this._feedback.kind === kind) {
      this._feedback = null;
      this._emit();
    }
  }

  dismiss(): void {
    this._feedback = null;
    this._dismissed.emit();
    this._emit();
  }

  notify(kind: FeedbackKind, message: string): void {
    this._notify(kind, message);
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private async _showRealState(): Promise<void> {
    let connected: boolean | null = null;
    try {
      connected = await this._reconcile();
    } catch {
      // keep the error that brought us here
    }
    const feedback = this._feedback;
    if (feedback) {
      feedback.text += ' The panel now shows the current state.';
      if (connected !== null && (feedback.at === 'signin' || feedback.at === 'status')) {
        // The section that caused it may be gone: say it where the real state shows.
        feedback.at = connected ? 'status' : 'signin';
      }
    }
    this._emit();
  }

  private _emit(): void {
    this._changed.emit();
  }

  private readonly _notify: Notifier;
  private readonly _reconcile: () => Promise<boolean>;
  private readonly _changed = new Signal<this, void>(this);
  private readonly _settled = new Signal<this, void>(this);
  private readonly _dismissed = new Signal<this, void>(this);
  private readonly _busy: string[] = [];
  private _feedback: IFeedback | null = null;
}
