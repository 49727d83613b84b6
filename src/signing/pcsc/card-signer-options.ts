/**
 * The PC/SC card signer's options and public face: what to configure, what the gateway sees, and
 * the two helpers that read the configuration (reader name matching, a PEM certificate).
 */
import { GatewayError } from '../../core/errors.js';
import type { SignerState, SupervisedSigner } from '../signer.js';
import type { StateListener } from '../signer-state.js';
import type { CardLog } from './card-log.js';
import type { ShareMode } from './card-connection.js';
import { openPgpProfile } from './openpgp-profile.js';
import type { PcscFactory } from './pcsclite-binding.js';
import { pivProfile } from './piv-profile.js';
import type { CardProfile, CardProfileId } from './profile.js';

export type { StateDetail, StateListener } from '../signer-state.js';

/** What the gateway needs to know about a card signer (the card states of SignerState). */
export type CardState = Extract<SignerState, 'ready' | 'absent' | 'pin-blocked' | 'expired'>;

export interface PcscCardSignerOptions {
  readonly name: string;
  /** Reader to use: a RegExp, or a string matched case-insensitively as a substring of the reader name. */
  readonly readerPattern: RegExp | string;
  readonly profile: CardProfileId;
  /** The signing PIN (OpenPGP PW1 / PIV application PIN). Kept in memory only, never logged. */
  readonly pin: string;
  /** The signing certificate; default: read from the card (OpenPGP DO 7F21, PIV 5FC10A). */
  readonly certificatePem?: string;
  /** ds:KeyName; default the certificate serial number in lower-case hex. */
  readonly certNo?: string;
  readonly log: CardLog;
  /** How long `createPcscCardSigner` waits for the card to be opened. Default 3000 ms; the signer starts 'absent' after that. */
  readonly startWaitMs?: number;
  /** Delay before reconnecting to pcscd or reopening a card after a transient failure. Default 2000 ms. */
  readonly reconnectMs?: number;
  /** Default 'exclusive' (see CardConnection.connect for why). */
  readonly shareMode?: ShareMode;
  /** Upper bound for one PC/SC call. Default 15000 ms. */
  readonly timeoutMs?: number;
  /** Log every APDU header and status word at debug level (never command data). */
  readonly traceApdus?: boolean;
  /** Clock for the validity checks (tests). */
  readonly now?: () => number;
  /** pcsclite, or a stand-in (tests). */
  readonly pcsc?: PcscFactory;
}

/** A Signer backed by a card, with its presence and PIN state exposed for the sign queue. */
export interface PcscCardSigner extends SupervisedSigner {
  readonly kind: 'pcsc-card';
  readonly state: CardState;
  /** The reader in use, once one matched. */
  readonly readerName: string | undefined;
  on(event: 'state', listener: StateListener<CardState>): this;
  off(event: 'state', listener: StateListener<CardState>): this;
  /** Subscribes to state changes; returns the unsubscribe function. */
  onStateChange(listener: StateListener<CardState>): () => void;
  /** Resolves once `state` is `target` (at once if it is); rejects after `timeoutMs`. */
  waitForState(target: CardState, timeoutMs: number): Promise<void>;
  /**
   * Operator action after a PIN problem was fixed (a new PIN given, or the counter reset on a trusted
   * terminal): leaves 'pin-blocked'. The next sign presents the PIN again. Never called by the signer.
   */
  resetPin(pin?: string): void;
}

export const PROFILES: Readonly<Record<CardProfileId, CardProfile>> = {
  openpgp: openPgpProfile,
  piv: pivProfile,
};

export function matcher(pattern: RegExp | string): (name: string) => boolean {
  if (typeof pattern === 'string') {
    const needle = pattern.toLowerCase();
    return (name) => name.toLowerCase().includes(needle);
  }
  return (name) => {
    pattern.lastIndex = 0;
    return pattern.test(name);
  };
}

export function pemToDer(pem: string, where: string): Buffer {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!m?.[1]) {
    throw new GatewayError('GW_ERR_SIGN_KEY', {
      where,
      zh: 'certificatePem 中没有 PEM 证书',
      en: 'certificatePem holds no PEM certificate',
    });
  }
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}
