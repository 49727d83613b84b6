/**
 * The readiness of a supervised signer (an operator card, the E-Port signing service), for the
 * gateway to pause and resume its sign queue. One tracker for both: it holds the state, emits
 * `state` on every change (never for a repeat), and keeps `pin-blocked` sticky: only a person can
 * fix a PIN (another wrong try brings the card closer to locking), so only `unblock` leaves it.
 */
import { EventEmitter } from 'node:events';
import type { GatewayError } from '../core/errors.js';
import type { SignerState } from './signer.js';

/** Why the state changed, for logs and alerts. */
export interface StateDetail {
  readonly zh: string;
  readonly en: string;
}

/** What a `state` event carries besides the new state. */
export interface StateChange<S extends SignerState = SignerState> {
  readonly previous: S;
  /** The error that caused the change, when there was one. */
  readonly cause?: GatewayError;
  readonly detail?: StateDetail;
}

export type StateListener<S extends SignerState = SignerState> = (
  state: S,
  change: StateChange<S>,
) => void;

/** Why a change happened: an error, a text, or both. */
export interface StateReason {
  readonly cause?: GatewayError | undefined;
  readonly detail?: StateDetail | undefined;
}

export class StateTracker<S extends SignerState> extends EventEmitter<{
  state: [state: S, change: StateChange<S>];
}> {
  constructor(private current: S) {
    super();
  }

  get state(): S {
    return this.current;
  }

  /** Moves to `next` unless pin-blocked (only `unblock` leaves that). */
  set(next: S, why: StateReason = {}): void {
    if (this.current === 'pin-blocked' && next !== 'pin-blocked') return;
    this.move(next, why);
  }

  /** Leaves pin-blocked for `next` (an operator fixed the PIN). */
  unblock(next: S, why: StateReason = {}): void {
    this.move(next, why);
  }

  /** Resolves once the state is `target` (at once if it is); rejects after `timeoutMs`. */
  waitFor(target: S, timeoutMs: number, label: string): Promise<void> {
    if (this.current === target) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const listener = (state: S): void => {
        if (state !== target) return;
        clearTimeout(timer);
        this.off('state', listener);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off('state', listener);
        reject(
          new Error(
            `signer ${label}: state is '${this.current}', not '${target}', after ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.on('state', listener);
    });
  }

  private move(next: S, why: StateReason): void {
    if (next === this.current) return;
    const previous = this.current;
    this.current = next;
    this.emit('state', next, {
      previous,
      ...(why.cause ? { cause: why.cause } : {}),
      ...(why.detail ? { detail: why.detail } : {}),
    });
  }
}
