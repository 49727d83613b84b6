/**
 * The E-Port service signer's readiness, for the gateway to pause and resume its sign queue:
 *
 * - `ready`       the control answers and the card is usable;
 * - `absent`      the control answers but the card or reader is not usable (pulled, reader reset failed);
 * - `unreachable` the control is not running, not answering, or answering nonsense;
 * - `pin-blocked` the card refused the PIN. Sticky: no probe clears it, because only a person can
 *                 fix a PIN (a second wrong try brings the card closer to locking). Cleared by resetPin().
 *
 * The state itself is held by the signers' shared tracker (../signer-state.ts).
 */
import type { GatewayError } from '../../core/errors.js';
import { isServiceError } from './service-errors.js';

export type EportServiceState = 'ready' | 'absent' | 'unreachable' | 'pin-blocked';

/** The state an error leaves the signer in, or undefined when it says nothing about readiness. */
export function stateAfterError(err: GatewayError): EportServiceState | undefined {
  if (err.code === 'GW_ERR_SIGN_PIN') return 'pin-blocked';
  if (err.code === 'GW_ERR_SIGN_CARD_ABSENT') return 'absent';
  if (isServiceError(err.code)) return 'unreachable';
  return undefined;
}
