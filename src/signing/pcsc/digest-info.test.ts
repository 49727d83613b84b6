import { constants, createHash, generateKeyPairSync, privateEncrypt, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestInfoFor, pkcs1Type1Block, rsaHashOf } from './digest-info.js';

describe('DigestInfo and PKCS#1 v1.5 block', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const data = Buffer.from('<SignedInfo/>');

  it('what an OpenPGP card gets (DigestInfo, the card pads) verifies as a normal signature', () => {
    for (const hash of ['sha1', 'sha256'] as const) {
      const di = digestInfoFor(hash, data);
      expect(
        di
          .subarray(-createHash(hash).digest().length)
          .equals(createHash(hash).update(data).digest()),
      ).toBe(true);
      const sig = privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, di);
      expect(verify(hash, data, publicKey, sig)).toBe(true);
    }
  });

  it('what a PIV card gets (the whole block, raw RSA) verifies too', () => {
    const block = pkcs1Type1Block(digestInfoFor('sha256', data), 128);
    expect(block.subarray(0, 2).toString('hex')).toBe('0001');
    const sig = privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, block);
    expect(verify('sha256', data, publicKey, sig)).toBe(true);
    expect(() => pkcs1Type1Block(Buffer.alloc(60), 64)).toThrow(RangeError);
  });

  it('only RSA algorithms', () => {
    expect(rsaHashOf('rsa-sha1')).toBe('sha1');
    expect(() => rsaHashOf('sm2-sm3')).toThrow(
      expect.objectContaining({ code: 'GW_ERR_SIGN_ALGORITHM' }),
    );
  });
});
