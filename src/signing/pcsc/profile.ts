/**
 * A card profile: which application to select and which commands sign, check the PIN and read
 * the certificate. The signer drives the sequence; profiles only speak APDUs and throw
 * CardStatusError for status words they do not expect.
 */
import type { KeyObject } from 'node:crypto';
import type { ApduSession, SessionCapabilities } from './apdu-session.js';

/** The card applications the gateway can sign with. */
export type CardProfileId = 'openpgp' | 'piv';

/** What a profile learns when it opens its application on a freshly connected card. */
export interface OpenedApplication {
  /** For logs: application and serial number. */
  readonly label: string;
  /** The signature key's public half when the card hands it out (OpenPGP), to check the certificate against. */
  readonly publicKey?: KeyObject;
  /** PW1 stays verified for more than one signature (OpenPGP PW status byte 1 = 01). */
  readonly pinValidForMultipleSignatures: boolean;
}

export interface CardProfile {
  readonly id: CardProfileId;
  /** For logs and operator texts: `OpenPGP card`, `PIV`. */
  readonly name: string;
  /** Assumed when the ATR does not state the card's capabilities. */
  readonly defaultCapabilities: SessionCapabilities;
  /**
   * Checks the PIN's format before anything is sent and returns the bytes VERIFY carries.
   * Throws GW_ERR_CONFIG (without the PIN in the text).
   */
  encodePin(pin: string): Buffer;
  /** Selects the application and reads what stays fixed while the card is in. */
  open(session: ApduSession): Promise<OpenedApplication>;
  /** The signing certificate (DER) stored on the card, or undefined when there is none. */
  readCertificate(session: ApduSession): Promise<Buffer | undefined>;
  /** Tries left for the signing PIN, read without presenting a PIN; undefined when the card does not say. */
  readPinTries(session: ApduSession): Promise<number | undefined>;
  /** Presents the PIN for the signing key. */
  verifyPin(session: ApduSession, pin: Buffer): Promise<void>;
  /** Signs a PKCS#1 DigestInfo with the signing key; `modulusBytes` is the key's size. */
  sign(session: ApduSession, digestInfo: Buffer, modulusBytes: number): Promise<Buffer>;
}
