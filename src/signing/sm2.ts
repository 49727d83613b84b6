/**
 * SM2 signatures as GM/T 0009 defines them (SM3 over Z‖M, Z from the signer id
 * `1234567812345678`), with sm-crypto-v2 for the curve arithmetic and node:crypto for SM3.
 * node:crypto's own SM2 signing uses an empty id, which customs verifiers reject
 * (see reference/node-stack.md §2), so it is not used here.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import { children, contentOf, oidOf, readTlv, tlv, unsignedInteger } from './der.js';

/** The default signer id of GM/T 0009 (ASCII "1234567812345678"). */
export const SM2_DEFAULT_ID = '1234567812345678';

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_SM2 = '1.2.156.10197.1.301';

/** An SM2 key pair in the hex forms sm-crypto-v2 takes. */
export interface Sm2KeyHex {
  /** 32-byte private scalar, 64 hex digits. */
  readonly privateKey: string;
  /** Uncompressed public point 04‖x‖y, 130 hex digits. */
  readonly publicKey: string;
}

/** True when an AlgorithmIdentifier's TLVs name SM2 (id-ecPublicKey with the SM2 curve, or the SM2 OID itself). */
function isSm2Algorithm(der: Uint8Array, alg: ReturnType<typeof readTlv>): boolean {
  const parts = children(der, alg);
  const first = parts[0];
  if (!first) return false;
  const oid = oidOf(der, first);
  if (oid === OID_SM2) return true;
  const param = parts[1];
  return (
    oid === OID_EC_PUBLIC_KEY &&
    param !== undefined &&
    param.tag === 0x06 &&
    oidOf(der, param) === OID_SM2
  );
}

/**
 * The SM2 key inside a private KeyObject, or undefined when it is not an SM2 key. OpenSSL's SM2
 * keys load in Node with `asymmetricKeyType` undefined, so the PKCS#8 encoding is inspected.
 */
export function sm2KeyFromKeyObject(key: KeyObject): Sm2KeyHex | undefined {
  if (key.asymmetricKeyType !== undefined && key.asymmetricKeyType !== 'ec') return undefined;
  const der = key.export({ type: 'pkcs8', format: 'der' });
  // PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, OCTET STRING ECPrivateKey }
  const [, alg, octets] = children(der, readTlv(der, 0));
  if (!alg || !octets || !isSm2Algorithm(der, alg)) return undefined;
  // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] params OPTIONAL, [1] publicKey BIT STRING OPTIONAL }
  const ec = children(der, readTlv(der, octets.start));
  const priv = ec[1];
  if (!priv || priv.tag !== 0x04) throw new Error('SM2 key: no private scalar');
  const privateKey = contentOf(der, priv).toString('hex').padStart(64, '0');
  const pubTag = ec.find((t) => t.tag === 0xa1);
  const publicKey = pubTag
    ? bitStringPoint(der, readTlv(der, pubTag.start))
    : sm2.getPublicKeyFromPrivateKey(privateKey);
  return { privateKey, publicKey };
}

function bitStringPoint(der: Uint8Array, bits: ReturnType<typeof readTlv>): string {
  if (bits.tag !== 0x03) throw new Error('SM2 key: public key is not a BIT STRING');
  // First content byte is the count of unused bits (0); the rest is 04‖x‖y.
  return Buffer.from(der.subarray(bits.start + 1, bits.end)).toString('hex');
}

/** The SM2 public point (04‖x‖y hex) of a certificate's or public key's SPKI DER, or undefined if not SM2. */
export function sm2PublicKeyFromSpki(spki: Uint8Array): string | undefined {
  const [alg, bits] = children(spki, readTlv(spki, 0));
  if (!alg || !bits || !isSm2Algorithm(spki, alg)) return undefined;
  return bitStringPoint(spki, bits);
}

/** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA); constant per key and id, so callers cache it. */
export function sm2Z(publicKey: string, id = SM2_DEFAULT_ID): Uint8Array {
  return sm2.getZ(publicKey, id);
}

/**
 * Signs `data` with SM3withSM2. Returns the 64-byte r‖s value (what operator cards return).
 * `z` is sm2Z(publicKey, id), precomputed by the caller.
 */
export function sm2Sign(data: Uint8Array, key: Sm2KeyHex, z: Uint8Array): Buffer {
  const e = createHash('sm3').update(z).update(data).digest();
  const hex = sm2.doSignature(e, key.privateKey, {
    hash: false,
    der: false,
    publicKey: key.publicKey,
  });
  return Buffer.from(hex, 'hex');
}

/** Verifies an SM3withSM2 signature given as r‖s (64 bytes) or DER. */
export function sm2Verify(
  data: Uint8Array,
  signature: Uint8Array,
  publicKey: string,
  id = SM2_DEFAULT_ID,
): boolean {
  let raw: Buffer;
  try {
    raw = sm2SignatureToRaw(signature);
  } catch {
    return false;
  }
  const e = createHash('sm3').update(sm2Z(publicKey, id)).update(data).digest();
  try {
    return sm2.doVerifySignature(e, raw.toString('hex'), publicKey, { hash: false, der: false });
  } catch {
    return false;
  }
}

/** r‖s (64 bytes) to DER `SEQUENCE { INTEGER r, INTEGER s }`. */
export function sm2RawToDer(raw: Uint8Array): Buffer {
  if (raw.length !== 64)
    throw new Error(`SM2 signature: expected 64 bytes r||s, got ${raw.length}`);
  const r = tlv(0x02, unsignedInteger(raw.subarray(0, 32)));
  const s = tlv(0x02, unsignedInteger(raw.subarray(32)));
  return tlv(0x30, Buffer.concat([r, s]));
}

/** Parses a strict DER SM2 signature; undefined when the bytes are not one. */
function derToRaw(sig: Uint8Array): Buffer | undefined {
  try {
    const seq = readTlv(sig, 0);
    if (seq.tag !== 0x30 || seq.end !== sig.length) return undefined;
    const parts = children(sig, seq);
    if (parts.length !== 2 || parts.some((p) => p.tag !== 0x02 || p.end - p.start > 33))
      return undefined;
    return Buffer.concat(
      parts.map((p) =>
        Buffer.from(
          contentOf(sig, p)
            .toString('hex')
            .replace(/^(00)+/, '')
            .padStart(64, '0'),
          'hex',
        ),
      ),
    );
  } catch {
    return undefined;
  }
}

/**
 * Either encoding to r‖s. A 64-byte value is taken as r‖s unless it parses as strict DER,
 * which a random r‖s does with negligible probability.
 */
export function sm2SignatureToRaw(sig: Uint8Array): Buffer {
  const fromDer = sig[0] === 0x30 ? derToRaw(sig) : undefined;
  if (fromDer) return fromDer;
  if (sig.length === 64) return Buffer.from(sig);
  throw new Error(`SM2 signature: neither r||s nor DER (${sig.length} bytes)`);
}
