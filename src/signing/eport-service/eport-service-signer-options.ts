/**
 * The E-Port service signer's options and public face: what to configure and what the gateway sees
 * (a Signer plus its readiness state).
 */
import type { Signer } from '../signer.js';
import type { StateChange } from '../signer-state.js';
import type { EportServiceLog } from './service-connection.js';
import type { EportServiceState } from './service-state.js';

/** Algorithms an operator card signs through the control. */
export type CardAlgorithm = 'rsa-sha1' | 'sm2-sm3';

export interface EportServiceSignerOptions {
  readonly name: string;
  /** Default ws://127.0.0.1:61232. */
  readonly url?: string;
  /** Card PIN (factory default 88888888). Keep it in a secret store; it is never logged. */
  readonly pin: string;
  /**
   * What the card signs, when known: 'rsa-sha1' (RSA cards) or 'sm2-sm3' (SM2 cards). Without it the
   * signer lists both until it has read the certificate, then only the one the key can do.
   */
  readonly algorithm?: CardAlgorithm;
  /** Per-request limit once the request's turn has come (default 10 000 ms). */
  readonly timeoutMs?: number;
  /**
   * After a timeout, how long to keep waiting for the late reply before dropping the connection
   * (default timeoutMs). The next request waits too: the card may still be busy with the old one.
   */
  readonly drainMs?: number;
  readonly log: EportServiceLog;
  /** Health probe interval (default 30 000 ms; 0 = only on connect). */
  readonly healthIntervalMs?: number;
  /** Reconnect backoff (default 250 ms doubling to 15 000 ms). */
  readonly reconnect?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Wait for the control's `open` greeting (default 1 000 ms). */
  readonly greetingMs?: number;
  /**
   * Verify every signature from the card with its certificate before returning it (default true).
   * Catches a swapped card or a garbled reply before customs does. For SM2 it assumes the signer id
   * 1234567812345678 (sm2Id); turn it off if a card is known to use another id.
   */
  readonly verifySignatures?: boolean;
  readonly sm2Id?: string;
}

/** The E-Port service signer: a Signer plus readiness for the sign queue. */
export interface EportServiceSigner extends Signer {
  readonly kind: 'eport-service';
  /** Readiness; starts 'unreachable' until the first probe answers. */
  readonly state: EportServiceState;
  on(
    event: 'state',
    listener: (state: EportServiceState, change: StateChange<EportServiceState>) => void,
  ): this;
  off(
    event: 'state',
    listener: (state: EportServiceState, change: StateChange<EportServiceState>) => void,
  ): this;
  /** Runs the health probe now (it also runs on connect and on the interval); resolves with the state after it. */
  probe(): Promise<EportServiceState>;
  /** Operator action once the PIN is fixed: takes the new PIN when given, and leaves 'pin-blocked'. */
  resetPin(pin?: string): void;
  /** Tries left as the control's last PIN refusal said; undefined when it did not say or the PIN was since accepted. */
  readonly pinTriesLeft: number | undefined;
}
