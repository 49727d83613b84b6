import { describe, expect, it } from 'vitest';
import {
  URIS,
  algorithmForUri,
  digestBase64,
  digestHashForUri,
  resolveProfile,
} from './algorithms.js';

describe('resolveProfile', () => {
  it('uses the W3C URIs for RSA whatever the SM2 preset', () => {
    expect(resolveProfile('rsa-sha1', 'w3-sm2')).toEqual({
      algorithm: 'rsa-sha1',
      signatureMethodUri: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
      digestMethodUri: 'http://www.w3.org/2000/09/xmldsig#sha1',
      digestHash: 'sha1',
    });
    expect(resolveProfile('rsa-sha256')).toMatchObject({
      signatureMethodUri: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      digestMethodUri: 'http://www.w3.org/2001/04/xmlenc#sha256',
      digestHash: 'sha256',
    });
  });

  it('has the two SM2 presets', () => {
    expect(resolveProfile('sm2-sm3')).toEqual(resolveProfile('sm2-sm3', 'chinaport-2022'));
    expect(resolveProfile('sm2-sm3', 'chinaport-2022')).toEqual({
      algorithm: 'sm2-sm3',
      signatureMethodUri: 'http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3',
      digestMethodUri: 'http://www.chinaport.gov.cn/2022/04/xmldsig#sm3',
      digestHash: 'sm3',
      sm2Encoding: 'raw',
    });
    expect(resolveProfile('sm2-sm3', 'w3-sm2')).toEqual({
      algorithm: 'sm2-sm3',
      signatureMethodUri: 'http://www.w3.org/2000/09/xmldsig#sm2-sm3',
      digestMethodUri: 'http://www.w3.org/2000/09/xmldsig#sha1',
      digestHash: 'sha1',
      sm2Encoding: 'raw',
    });
  });

  it('takes URI overrides from configuration', () => {
    expect(
      resolveProfile('sm2-sm3', { preset: 'w3-sm2', digestMethodUri: URIS.chinaportSm3 }),
    ).toMatchObject({
      signatureMethodUri: URIS.w3Sm2Sm3,
      digestMethodUri: URIS.chinaportSm3,
      digestHash: 'sm3',
    });
    expect(
      resolveProfile('sm2-sm3', {
        signatureMethodUri: 'urn:site:sm2',
        digestMethodUri: 'urn:site:sm3',
        digestHash: 'sm3',
        sm2Encoding: 'der',
      }),
    ).toMatchObject({
      signatureMethodUri: 'urn:site:sm2',
      digestMethodUri: 'urn:site:sm3',
      sm2Encoding: 'der',
    });
  });

  it('refuses unknown algorithms, presets and unknown digest URIs without a hash', () => {
    expect(() => resolveProfile('rsa-md5' as never)).toThrow(
      expect.objectContaining({ code: 'GW_ERR_SIGN_ALGORITHM' }),
    );
    expect(() => resolveProfile('sm2-sm3', 'gm-2030' as never)).toThrow(
      expect.objectContaining({ code: 'GW_ERR_SIGN_ALGORITHM' }),
    );
    expect(() => resolveProfile('rsa-sha1', { digestMethodUri: 'urn:x' })).toThrow(
      expect.objectContaining({ code: 'GW_ERR_SIGN_ALGORITHM' }),
    );
  });

  it('maps URIs back', () => {
    expect(algorithmForUri(URIS.w3Sm2Sm3)).toBe('sm2-sm3');
    expect(algorithmForUri('urn:x')).toBeUndefined();
    expect(digestHashForUri(URIS.sha256)).toBe('sha256');
  });

  it('digests with node:crypto, SM3 included (GB/T 32905 vector)', () => {
    expect(Buffer.from(digestBase64('sm3', 'abc'), 'base64').toString('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });
});
