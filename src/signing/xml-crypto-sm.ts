/**
 * SM2-SM3 and SM3 for xml-crypto: algorithm classes registered on a SignedXml instance under the
 * chinaport and W3C-style URIs, so xml-crypto can verify (and, for benchmarks, create) SM
 * signatures independently of our signing code.
 */
import {
  X509Certificate,
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyLike,
  type KeyObject,
} from 'node:crypto';
import type {
  SignedXml,
  HashAlgorithm,
  SignatureAlgorithm as XmlCryptoSignatureAlgorithm,
} from 'xml-crypto';
import { URIS } from './algorithms.js';
import {
  SM2_DEFAULT_ID,
  sm2KeyFromKeyObject,
  sm2PublicKeyFromSpki,
  sm2Sign,
  sm2Verify,
  sm2Z,
} from './sm2.js';

/** The SM2 public point of a certificate (PEM/DER) or public/private key given to xml-crypto. */
function sm2PublicPoint(key: KeyLike): string {
  let spki: Buffer;
  const text =
    typeof key === 'string' ? key : Buffer.isBuffer(key) ? key.toString('latin1') : undefined;
  if (text !== undefined && text.includes('BEGIN CERTIFICATE')) {
    spki = new X509Certificate(text).publicKey.export({ type: 'spki', format: 'der' });
  } else {
    spki = createPublicKey(key as KeyObject | string | Buffer).export({
      type: 'spki',
      format: 'der',
    });
  }
  const point = sm2PublicKeyFromSpki(spki);
  if (!point) throw new Error('the verification key is not an SM2 key');
  return point;
}

/** An xml-crypto SignatureAlgorithm class for SM3withSM2 under `uri`, with signer id `id`. */
export function sm2SignatureAlgorithmClass(
  uri: string,
  id = SM2_DEFAULT_ID,
): new () => XmlCryptoSignatureAlgorithm {
  return class Sm2Sm3 {
    getSignature(signedInfo: string | Buffer, privateKey: KeyLike): string {
      const keyObject =
        typeof privateKey === 'object' && 'asymmetricKeyType' in privateKey
          ? (privateKey as KeyObject)
          : createPrivateKey(privateKey as string | Buffer);
      const key = sm2KeyFromKeyObject(keyObject);
      if (!key) throw new Error('the signing key is not an SM2 key');
      return sm2Sign(Buffer.from(signedInfo), key, sm2Z(key.publicKey, id)).toString('base64');
    }
    verifySignature(material: string, key: KeyLike, signatureValue: string): boolean {
      return sm2Verify(
        Buffer.from(material, 'utf8'),
        Buffer.from(signatureValue, 'base64'),
        sm2PublicPoint(key),
        id,
      );
    }
    getAlgorithmName(): string {
      return uri;
    }
  } as unknown as new () => XmlCryptoSignatureAlgorithm;
}

/** An xml-crypto HashAlgorithm class for SM3 under `uri`. */
export function sm3HashAlgorithmClass(uri: string): new () => HashAlgorithm {
  return class Sm3 implements HashAlgorithm {
    getHash(xml: string): string {
      return createHash('sm3').update(xml, 'utf8').digest('base64');
    }
    getAlgorithmName(): string {
      return uri;
    }
  };
}

/** Registers SM2-SM3 (chinaport 2022 and W3C-style URIs) and SM3 on a SignedXml instance. */
export function registerSmAlgorithms(sig: SignedXml, id = SM2_DEFAULT_ID): void {
  sig.SignatureAlgorithms[URIS.chinaportSm2Sm3] = sm2SignatureAlgorithmClass(
    URIS.chinaportSm2Sm3,
    id,
  );
  sig.SignatureAlgorithms[URIS.w3Sm2Sm3] = sm2SignatureAlgorithmClass(URIS.w3Sm2Sm3, id);
  sig.HashAlgorithms[URIS.chinaportSm3] = sm3HashAlgorithmClass(URIS.chinaportSm3);
  sig.HashAlgorithms[URIS.w3Sm3] = sm3HashAlgorithmClass(URIS.w3Sm3);
}
