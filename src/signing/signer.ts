import type { Closable } from '../core/lifecycle.js';

/** Signature algorithms the gateway speaks. */
export type SignatureAlgorithm = 'rsa-sha1' | 'rsa-sha256' | 'sm2-sm3';

/** The certificate a signer signs with, as customs wants it in KeyInfo. */
export interface SignerCertificate {
  /** DER bytes of the X.509 certificate. */
  readonly der: Buffer;
  /** Certificate number written to ds:KeyName (card certificate number, or serial number in hex). */
  readonly certNo: string;
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * A signer: a soft key, an operator card behind PC/SC, or the E-Port signing service.
 *
 * Contract:
 * - `sign` hashes and signs `data` (the canonical SignedInfo bytes) with the algorithm's hash and
 *   returns the raw signature value (PKCS#1 v1.5 for RSA; DER or r||s for SM2 as the profile says).
 * - One operation at a time per card; implementations serialise internally.
 * - Throws GatewayError: GW_ERR_SIGN_CARD_ABSENT (transient: the sign queue pauses),
 *   GW_ERR_SIGN_PIN (permanent, alert), GW_ERR_SIGN_CERT_EXPIRED (permanent), GW_ERR_SIGN_KEY.
 */
export interface Signer extends Closable {
  readonly name: string;
  /**
   * `client`: signed later by the Single Window client's card (the message goes out unsigned).
   * `unavailable`: a stand-in for a configured signer that could not start (see UnavailableSigner).
   */
  readonly kind: 'soft-key' | 'pcsc-card' | 'eport-service' | 'fake' | 'client' | 'unavailable';
  /** Algorithms this signer's key can produce. */
  readonly algorithms: readonly SignatureAlgorithm[];
  certificate(): Promise<SignerCertificate>;
  sign(
    data: Buffer,
    algorithm: SignatureAlgorithm,
    options?: { signal?: AbortSignal },
  ): Promise<Buffer>;
}

/** Health of a supervised signer (a card or the E-Port service). Only 'ready' signs. */
export type SignerState = 'ready' | 'absent' | 'unreachable' | 'pin-blocked' | 'expired';

/**
 * A signer that watches its card or service and reports changes, so the gateway can pause that
 * signer's queue while the card is out (no job fails for it) and resume on reinsertion.
 */
export interface SupervisedSigner extends Signer {
  readonly state: SignerState;
  /**
   * Tries left for the signing PIN as the card or service last reported them (before the gateway
   * presented the PIN, or in its refusal); undefined when the signer does not know.
   */
  readonly pinTriesLeft?: number | undefined;
  on(event: 'state', listener: (state: SignerState) => void): unknown;
  off(event: 'state', listener: (state: SignerState) => void): unknown;
}

export function isSupervised(signer: Signer): signer is SupervisedSigner {
  const s = signer as Partial<SupervisedSigner>;
  return typeof s.state === 'string' && typeof s.on === 'function' && typeof s.off === 'function';
}
