/**
 * The operator card's key as its certificate shows it: RSA cards sign rsa-sha1 (the control hashes
 * with SHA-1), SM2 cards (issued from ~2022-07) sign sm2-sm3. The control gives back a bare
 * signature, so its shape is checked here, and it is verified with the certificate before the
 * gateway puts it in a document.
 */
import { X509Certificate, verify, type KeyObject } from 'node:crypto';
import type { SignatureAlgorithm } from '../signer.js';
import { SM2_DEFAULT_ID, sm2PublicKeyFromSpki, sm2SignatureToRaw, sm2Verify } from '../sm2.js';

/** The card's key, from its certificate. */
export type CardKey =
  | { readonly type: 'rsa'; readonly publicKey: KeyObject; readonly modulusBytes: number }
  | { readonly type: 'sm2'; readonly point: string };

/** The algorithm each key type signs with through SpcSignDataAsPEM (the card picks the hash). */
export const CARD_ALGORITHM: Readonly<Record<CardKey['type'], SignatureAlgorithm>> = {
  rsa: 'rsa-sha1',
  sm2: 'sm2-sm3',
};

/** Reads the key from a certificate; throws for keys that are neither RSA nor SM2. */
export function cardKeyOf(certDer: Buffer): CardKey {
  const x509 = new X509Certificate(certDer);
  const publicKey = x509.publicKey;
  if (publicKey.asymmetricKeyType === 'rsa') {
    const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    return { type: 'rsa', publicKey, modulusBytes: Math.ceil(bits / 8) };
  }
  const point = sm2PublicKeyFromSpki(publicKey.export({ type: 'spki', format: 'der' }));
  if (point) return { type: 'sm2', point };
  throw new Error(
    `the card certificate holds a ${publicKey.asymmetricKeyType ?? 'unknown'} key; only RSA and SM2 are supported`,
  );
}

/**
 * The signature as xmldsig.ts wants it back from Signer.sign: RSA as is (PKCS#1 v1.5, exactly the
 * modulus length); SM2 as 64-byte r‖s — the card returns r‖s already (reference §6.2), but a DER
 * ECDSA-Sig-Value is accepted too and converted, so xmldsig can encode it per profile (Sm2Encoding).
 * Throws a plain Error naming what is wrong.
 */
export function normaliseSignature(signature: Buffer, key: CardKey): Buffer {
  if (key.type === 'rsa') {
    if (signature.length !== key.modulusBytes) {
      throw new Error(
        `RSA signature is ${signature.length} bytes, the card's key needs ${key.modulusBytes}`,
      );
    }
    return signature;
  }
  return sm2SignatureToRaw(signature);
}

/**
 * Verifies a normalised card signature over `data` with the certificate's key. SM2 uses the
 * GM/T 0009 default signer id, which is what customs verifiers assume as well.
 */
export function verifyCardSignature(
  data: Buffer,
  signature: Buffer,
  key: CardKey,
  sm2Id = SM2_DEFAULT_ID,
): boolean {
  if (key.type === 'rsa') return verify('sha1', data, key.publicKey, signature);
  return sm2Verify(data, signature, key.point, sm2Id);
}
