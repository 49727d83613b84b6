import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFakeSigner } from '../signing/fake-signer.js';
import { generateSelfSignedIdentity } from '../signing/self-signed.js';
import { signEnveloping } from '../signing/xmldsig-enveloping.js';
import { parseDom } from './dom.js';
import { readJin2 } from './jin2.js';
import { isSignedEnveloping, verifyEnvelopingSignature } from './verify-enveloping.js';

const INV101 = readFileSync('samples/jin2/expected/inv101-bonded-import.xml', 'utf8');
const identity = generateSelfSignedIdentity({ commonName: 'sandbox jin2', days: 2, bits: 1024 });
const signer = createFakeSigner({ certNo: 'AB12', identity });
const cert = new X509Certificate(identity.certPem);
const sign = (keyInfo: 'key-name' | 'certificate') =>
  signEnveloping(INV101, signer, { algorithm: 'rsa-sha1', objectId: 'Package', keyInfo });
const check = (xml: string, trusted?: X509Certificate[]) =>
  verifyEnvelopingSignature(xml, parseDom(xml, 't'), trusted ? { trusted } : {});

describe('sandbox: the 金二 enveloping signature', () => {
  it('accepts it with the trusted certificate, and reads the Package from the signed Object', async () => {
    const signed = await sign('key-name');
    expect(isSignedEnveloping(parseDom(signed, 't'))).toBe(true);
    expect(isSignedEnveloping(parseDom(INV101, 't'))).toBe(false);
    const r = check(signed, [cert]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(readJin2(parseDom(r.signedXml, 'signed'))).toMatchObject({ kind: 'INV101' });
  });

  it('a KeyName alone is refused when the sandbox trusts no certificate; the certificate in KeyInfo is enough', async () => {
    expect(check(await sign('key-name'))).toMatchObject({
      ok: false,
      failure: 'untrusted',
      en: expect.stringContaining('KeyInfo has only a KeyName'),
    });
    expect(check(await sign('certificate')).ok).toBe(true);
  });

  it('refuses a changed Package and a Reference that does not point at the Object', async () => {
    const signed = await sign('certificate');
    expect(check(signed.replace('<version>1.0</version>', '<version>2.0</version>'))).toMatchObject(
      {
        ok: false,
        failure: 'invalid',
      },
    );
    expect(check(signed.replace('URI="#Package"', 'URI="#Other"'))).toMatchObject({
      ok: false,
      en: expect.stringContaining('exactly one Reference with URI="#Package"'),
    });
  });
});
