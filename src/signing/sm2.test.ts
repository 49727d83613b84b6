import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { URIS } from './algorithms.js';
import { canonicalizeSubtree } from './c14n.js';
import { missingTool, runTool, skipWithout } from '../../test/helpers/tools.js';
import { sampleDecMessage } from '../../test/helpers/sample-dec-message.js';
import type { Signer } from './signer.js';
import {
  SM2_DEFAULT_ID,
  sm2PublicKeyFromSpki,
  sm2RawToDer,
  sm2SignatureToRaw,
  sm2Verify,
} from './sm2.js';
import { loadSoftKeySigner } from './soft-key.js';
import { signEnveloped, verifyEnveloped } from './xmldsig.js';

// SM2 keys and certificates come from OpenSSL itself (node:crypto cannot generate SM2 keys).
const skipOpenssl = skipWithout('SM2 interoperability tests', missingTool('openssl'));

describe.skipIf(skipOpenssl)('SM2-SM3 (OpenSSL interoperability)', () => {
  let dir: string;
  let signer: Signer;
  let pubPem: string;
  let publicPoint: string;

  function ossl(args: string[]): string {
    const r = runTool('openssl', args, { cwd: dir });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.toString('utf8');
  }

  /** `openssl pkeyutl -verify … -rawin -digest sm3 [-pkeyopt distid:ID]` over the SignedInfo bytes. */
  function opensslVerify(signedInfo: string, signature: Buffer, distid: string | null): boolean {
    writeFileSync(join(dir, 'signedinfo.c14n'), signedInfo);
    writeFileSync(join(dir, 'sig.der'), signature);
    const args = [
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      'pub.pem',
      '-rawin',
      '-digest',
      'sm3',
      '-sigfile',
      'sig.der',
      '-in',
      'signedinfo.c14n',
    ];
    if (distid !== null) args.push('-pkeyopt', `distid:${distid}`);
    const r = runTool('openssl', args, { cwd: dir });
    return r.status === 0 && r.stdout.toString().includes('Signature Verified Successfully');
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sm2-'));
    ossl(['genpkey', '-algorithm', 'SM2', '-out', 'key.pem']);
    ossl(['pkey', '-in', 'key.pem', '-pubout', '-out', 'pub.pem']);
    ossl([
      'req',
      '-x509',
      '-new',
      '-key',
      'key.pem',
      '-sm3',
      '-sigopt',
      `distid:${SM2_DEFAULT_ID}`,
      '-utf8',
      '-subj',
      '/CN=SM2 操作员/O=示例公司',
      '-days',
      '30',
      '-set_serial',
      '0x03000000000cde6f',
      '-out',
      'cert.pem',
    ]);
    writeFileSync(
      join(dir, 'both.pem'),
      readFileSync(join(dir, 'cert.pem'), 'utf8') + readFileSync(join(dir, 'key.pem'), 'utf8'),
    );
    signer = await loadSoftKeySigner({ name: 'sm2', path: join(dir, 'both.pem') });
    pubPem = readFileSync(join(dir, 'pub.pem'), 'utf8');
    publicPoint = sm2PublicKeyFromSpki(
      createPublicKey(pubPem).export({ type: 'spki', format: 'der' }),
    ) as string;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads an OpenSSL SM2 key as an sm2-sm3 signer; certNo is the serial in hex', async () => {
    expect(signer.algorithms).toEqual(['sm2-sm3']);
    expect((await signer.certificate()).certNo).toBe('03000000000cde6f');
  });

  describe.each(['chinaport-2022', 'w3-sm2'] as const)('preset %s', (preset) => {
    let signed: string;
    beforeAll(async () => {
      signed = await signEnveloped(sampleDecMessage({ items: 20 }), signer, {
        algorithm: 'sm2-sm3',
        uris: preset,
      });
    });

    it('writes the preset URIs', () => {
      const [sigUri, digUri] =
        preset === 'chinaport-2022'
          ? [URIS.chinaportSm2Sm3, URIS.chinaportSm3]
          : [URIS.w3Sm2Sm3, URIS.sha1];
      expect(signed).toContain(`<ds:SignatureMethod Algorithm="${sigUri}">`);
      expect(signed).toContain(`<ds:DigestMethod Algorithm="${digUri}">`);
    });

    it('SignatureValue is a 64-byte r||s that openssl pkeyutl verifies with distid 1234567812345678', () => {
      const value = Buffer.from(/<ds:SignatureValue>([^<]+)</.exec(signed)?.[1] ?? '', 'base64');
      expect(value).toHaveLength(64);
      const signedInfo = canonicalizeSubtree(signed, (e) => e.localName === 'SignedInfo');
      expect(
        signedInfo.startsWith('<ds:SignedInfo xmlns="http://www.chinaport.gov.cn/dec" xmlns:ds='),
      ).toBe(true);
      expect(opensslVerify(signedInfo, sm2RawToDer(value), SM2_DEFAULT_ID)).toBe(true);
      // The id matters: with OpenSSL's default (empty) id the same signature does not verify.
      expect(opensslVerify(signedInfo, sm2RawToDer(value), null)).toBe(false);
    });

    it('verifies with xml-crypto (SM algorithms registered) and fails after tampering', () => {
      expect(verifyEnveloped(signed)).toMatchObject({
        ok: true,
        algorithm: 'sm2-sm3',
        certNo: '03000000000cde6f',
      });
      expect(
        verifyEnveloped(signed.replace('<GName>笔记本电脑</GName>', '<GName>笔记本电恼</GName>'))
          .ok,
      ).toBe(false);
      expect(verifyEnveloped(signed, { sm2Id: 'ALICE123@YAHOO.COM' }).ok).toBe(false);
    });
  });

  it('can write SignatureValue as DER when a site wants it', async () => {
    const signed = await signEnveloped('<r>1</r>', signer, {
      algorithm: 'sm2-sm3',
      uris: { sm2Encoding: 'der' },
    });
    const value = Buffer.from(/<ds:SignatureValue>([^<]+)</.exec(signed)?.[1] ?? '', 'base64');
    expect(value[0]).toBe(0x30);
    expect(
      opensslVerify(
        canonicalizeSubtree(signed, (e) => e.localName === 'SignedInfo'),
        value,
        SM2_DEFAULT_ID,
      ),
    ).toBe(true);
    expect(verifyEnveloped(signed).ok).toBe(true);
  });

  it('accepts signatures made by openssl pkeyutl -sign with the same id', () => {
    const msg = '<ds:SignedInfo>中文</ds:SignedInfo>';
    writeFileSync(join(dir, 'msg'), msg);
    ossl([
      'pkeyutl',
      '-sign',
      '-inkey',
      'key.pem',
      '-rawin',
      '-digest',
      'sm3',
      '-in',
      'msg',
      '-out',
      'osig.der',
      '-pkeyopt',
      `distid:${SM2_DEFAULT_ID}`,
    ]);
    const der = readFileSync(join(dir, 'osig.der'));
    expect(sm2Verify(Buffer.from(msg), der, publicPoint)).toBe(true);
    expect(sm2Verify(Buffer.from(msg), sm2SignatureToRaw(der), publicPoint)).toBe(true);
    expect(sm2Verify(Buffer.from(msg + ' '), der, publicPoint)).toBe(false);
  });

  it('loads SM2 keys from PKCS#12 (OpenSSL 3 default encryption)', async () => {
    ossl([
      'pkcs12',
      '-export',
      '-inkey',
      'key.pem',
      '-in',
      'cert.pem',
      '-out',
      'sm2.p12',
      '-passout',
      'pass:pw',
    ]);
    const p12 = await loadSoftKeySigner({
      name: 'p12',
      path: join(dir, 'sm2.p12'),
      passphrase: 'pw',
    });
    expect(p12.algorithms).toEqual(['sm2-sm3']);
    const der = (await p12.certificate()).der;
    expect(der.equals(new X509Certificate(readFileSync(join(dir, 'cert.pem'))).raw)).toBe(true);
  });

  it('converts between r||s and DER', () => {
    const raw = Buffer.alloc(64, 0);
    raw[31] = 1;
    raw[32] = 0x80;
    const der = sm2RawToDer(raw);
    expect(der.toString('hex')).toBe(`3026020101022100${'80'}${'00'.repeat(31)}`);
    expect(sm2SignatureToRaw(der).equals(raw)).toBe(true);
    expect(() => sm2SignatureToRaw(Buffer.alloc(10))).toThrow();
  });
});
