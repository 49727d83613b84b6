/**
 * The E-Port service signer's readiness, for the gateway to pause and resume its sign queue:
 *
 * - `ready`       the control answers and the card is usable;
 * - `absent`      the control answers but the card or reader is not usable (pulled, reader reset failed);
 * - `unreachable` the control is not running, not answering, or answering nonsense;
 * - `pin-blocked` the card refused the PIN. Sticky: no probe clears it, because only a person can
 *                 fix a PIN (a second wrong try brings the card closer to locking). Cleared by resetPin().
 */
import { EventEmitter } from 'node:events';
import type { GatewayError } from '../../core/errors.js';
import { isServiceError } from './service-errors.js';

export type EportServiceState = 'ready' | 'absent' | 'unreachable' | 'pin-blocked';

/** What a `state` event carries besides the new state. */
export interface StateChange {
  readonly previous: EportServiceState;
  /** The error that caused the change, when there was one. */
  readonly cause?: GatewayError;
}

/** The state an error leaves the signer in, or undefined when it says nothing about readiness. */
export function stateAfterError(err: GatewayError): EportServiceState | undefined {
  if (err.code === 'GW_ERR_SIGN_PIN') return 'pin-blocked';
  if (err.code === 'GW_ERR_SIGN_CARD_ABSENT') return 'absent';
  if (isServiceError(err.code)) return 'unreachable';
  return undefined;
}

type StateEvents = { state: [state: EportServiceState, change: StateChange] };

/** Holds the state and emits `state` on every change (never for a repeat of the same state). */
export class StateTracker extends EventEmitter<StateEvents> {
  private current: EportServiceState = 'unreachable';

  get state(): EportServiceState {
    return this.current;
  }

  /** Moves to `next` unless pin-blocked (only `unblock` leaves that). */
  set(next: EportServiceState, cause?: GatewayError): void {
    if (this.current === 'pin-blocked' && next !== 'pin-blocked') return;
    this.move(next, cause);
  }

  /** Leaves pin-blocked for `next`. */
  unblock(next: EportServiceState): void {
    this.move(next);
  }

  private move(next: EportServiceState, cause?: GatewayError): void {
    if (next === this.current) return;
    const previous = this.current;
    this.current = next;
    this.emit('state', next, { previous, ...(cause ? { cause } : {}) });
  }
}
