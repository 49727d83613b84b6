/**
 * What the host hands a card for an RSA PKCS#1 v1.5 signature (RFC 8017 §9.2): the DigestInfo
 * (hash algorithm OID + hash), and for cards doing raw RSA (PIV) the whole type-1 padded block.
 */
import { createHash } from 'node:crypto';
import { GatewayError } from '../../core/errors.js';
import type { SignatureAlgorithm } from '../signer.js';

export type RsaHash = 'sha1' | 'sha256';

// DER of DigestInfo ::= SEQUENCE { AlgorithmIdentifier { OID, NULL }, OCTET STRING hash } up to the hash bytes.
const PREFIX: Readonly<Record<RsaHash, Buffer>> = {
  sha1: Buffer.from('3021300906052b0e03021a05000414', 'hex'),
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
};

/** The RSA hash for a signature algorithm; GW_ERR_SIGN_ALGORITHM for anything not RSA. */
export function rsaHashOf(algorithm: SignatureAlgorithm): RsaHash {
  if (algorithm === 'rsa-sha1') return 'sha1';
  if (algorithm === 'rsa-sha256') return 'sha256';
  throw new GatewayError('GW_ERR_SIGN_ALGORITHM', {
    zh: `智能卡签名器只支持 RSA（rsa-sha1、rsa-sha256），不支持 ${algorithm}`,
    en: `the smart-card signer supports RSA only (rsa-sha1, rsa-sha256), not ${algorithm}`,
    fixZh: '把通道的签名算法改成 rsa-sha1 或 rsa-sha256',
    fixEn: "set the channel's signature algorithm to rsa-sha1 or rsa-sha256",
  });
}

/** DigestInfo over the hash of `data`. */
export function digestInfoFor(hash: RsaHash, data: Uint8Array): Buffer {
  return Buffer.concat([PREFIX[hash], createHash(hash).update(data).digest()]);
}

/** EMSA-PKCS1-v1_5 encoding: `00 01 FF…FF 00 DigestInfo`, exactly `k` bytes (the modulus length). */
export function pkcs1Type1Block(digestInfo: Buffer, k: number): Buffer {
  // RFC 8017 wants at least 8 bytes of FF padding.
  if (digestInfo.length + 11 > k)
    throw new RangeError(
      `DigestInfo of ${digestInfo.length} bytes does not fit a ${k}-byte modulus`,
    );
  const block = Buffer.alloc(k, 0xff);
  block[0] = 0x00;
  block[1] = 0x01;
  block[k - digestInfo.length - 1] = 0x00;
  digestInfo.copy(block, k - digestInfo.length);
  return block;
}
