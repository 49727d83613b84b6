import { beforeAll, describe, expect, it } from 'vitest';
import { createHash, X509Certificate } from 'node:crypto';
import { canonicalize } from '../signing/c14n.js';
import { parseDom } from './dom.js';
import {
  createTestIdentity,
  signEnveloped,
  type TestIdentity,
} from '../../test/helpers/sandbox.js';
import { verifyEnvelopedSignature } from './verify.js';

const MESSAGE = `<?xml version="1.0" encoding="UTF-8"?>
<DecMessage xmlns="http://www.chinaport.gov.cn/dec" version="3.1">
  <DecHead><IEFlag>I</IEFlag><NoteS>测试 &amp; 备注</NoteS></DecHead>
  <DecSign><ClientSeqNo>EPGW20260101000001</ClientSeqNo></DecSign>
</DecMessage>
`;

type Verifier = 'xml-crypto' | 'own';
let verifier: Verifier = 'xml-crypto';

function check(text: string, options?: Parameters<typeof verifyEnvelopedSignature>[2]) {
  return verifyEnvelopedSignature(text, parseDom(text, 'test'), { verifier, ...options });
}

let id: TestIdentity;
let other: TestIdentity;

beforeAll(() => {
  id = createTestIdentity();
  other = createTestIdentity({ commonName: 'other' });
});

// Every case runs against both verifiers: xml-crypto (the default) and the gateway's own C14N.
describe.each(['xml-crypto', 'own'] as const)('verifyEnvelopedSignature (%s)', (kind) => {
  beforeAll(() => {
    verifier = kind;
  });

  it('accepts rsa-sha1 and returns the signed content without the signature', () => {
    const r = check(signEnveloped(MESSAGE, id));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.algorithm).toBe('rsa-sha1');
    expect(r.signedXml).toContain('EPGW20260101000001');
    expect(r.signedXml).not.toContain('Signature');
  });

  it('accepts rsa-sha256', () => {
    const r = check(signEnveloped(MESSAGE, id, { algorithm: 'rsa-sha256' }));
    expect(r.ok && r.algorithm).toBe('rsa-sha256');
  });

  it('reports a missing signature', () => {
    const r = check(MESSAGE);
    expect(r).toMatchObject({ ok: false, failure: 'missing' });
  });

  it('refuses tampered content (数字签名无效)', () => {
    const signed = signEnveloped(MESSAGE, id).replace('EPGW20260101000001', 'EPGW20260101000002');
    const r = check(signed);
    expect(r).toMatchObject({ ok: false, failure: 'invalid' });
    if (!r.ok) {
      expect(r.zh).toMatch(/^数字签名无效/);
      expect(r.en).toMatch(/^signature invalid/);
    }
  });

  it('refuses a certificate swapped for another key', () => {
    const body = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
    const signed = signEnveloped(MESSAGE, id).replace(
      body(id.certificatePem),
      body(other.certificatePem),
    );
    expect(check(signed)).toMatchObject({ ok: false, failure: 'invalid' });
  });

  it('enforces the trusted list', () => {
    const signed = signEnveloped(MESSAGE, id);
    expect(check(signed, { trusted: [new X509Certificate(other.certificatePem)] })).toMatchObject({
      ok: false,
      failure: 'untrusted',
    });
    expect(check(signed, { trusted: [new X509Certificate(id.certificatePem)] }).ok).toBe(true);
  });

  it('refuses an expired certificate', () => {
    const old = createTestIdentity({ validFrom: new Date('2020-01-01T00:00:00Z'), validDays: 30 });
    expect(check(signEnveloped(MESSAGE, old))).toMatchObject({ ok: false, failure: 'expired' });
  });

  it('refuses a Reference that does not cover the whole document', () => {
    const signed = signEnveloped(MESSAGE, id).replace('URI=""', 'URI="#x"');
    expect(check(signed)).toMatchObject({ ok: false, failure: 'invalid' });
  });

  it('refuses exclusive canonicalisation', () => {
    const signed = signEnveloped(MESSAGE, id).replace(
      '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>',
      '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>',
    );
    expect(check(signed)).toMatchObject({ ok: false, failure: 'invalid' });
  });

  it('refuses a second signature hidden inside the content', () => {
    const signed = signEnveloped(MESSAGE, id);
    const sig = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)?.[0] ?? '';
    const wrapped = signed.replace('<DecHead>', `<DecHead>${sig}`);
    expect(check(wrapped)).toMatchObject({ ok: false, failure: 'invalid' });
  });

  it('refuses a signature value that does not verify although the digest matches', () => {
    const signed = signEnveloped(MESSAGE, id);
    const value = /<ds:SignatureValue>([^<]+)</.exec(signed)![1]!;
    const flipped = Buffer.from(value, 'base64');
    flipped[10] = flipped[10]! ^ 1;
    const r = check(signed.replace(value, flipped.toString('base64')));
    expect(r).toMatchObject({ ok: false, failure: 'invalid' });
  });

  it('returns the same signed content as the other verifier', () => {
    const signed = signEnveloped(MESSAGE, id, { algorithm: 'rsa-sha256' });
    const other = verifyEnvelopedSignature(signed, parseDom(signed, 'test'), {
      verifier: kind === 'own' ? 'xml-crypto' : 'own',
    });
    const r = check(signed);
    expect(r.ok && other.ok).toBe(true);
    if (r.ok && other.ok) expect(r.signedXml).toBe(other.signedXml);
  });

  it('refuses a signed SignedInfo planted in the content beside a re-digested one (wrapping)', () => {
    const signed = signEnveloped(MESSAGE, id);
    const signedInfo = /<ds:SignedInfo>[\s\S]*<\/ds:SignedInfo>/.exec(signed)![0];
    // Tampered content carrying the genuine SignedInfo (its value still verifies), and a new
    // digest of that content in the signature's own SignedInfo.
    const tampered = signed
      .replace('EPGW20260101000001', 'EPGW20260101000002')
      .replace(
        '<DecHead>',
        `<DecHead>${signedInfo.replace('<ds:SignedInfo>', '<ds:SignedInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">')}`,
      );
    const withoutSig = canonicalize(tampered, {
      exclude: (el) => el.depth === 1 && el.localName === 'Signature',
    });
    const digest = createHash('sha1').update(withoutSig).digest('base64');
    const forged = tampered.replace(/(<\/DecSign>[\s\S]*<ds:DigestValue>)[^<]+/, `$1${digest}`);
    expect(check(forged)).toMatchObject({ ok: false, failure: 'invalid' });
  });
});
