import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingTool, runTool, skipWithout } from '../../test/helpers/tools.js';
import type { GatewayError } from '../core/errors.js';
import { canonicalizeSubtree } from './c14n.js';
import { createFakeSigner, type FakeSigner } from './fake-signer.js';
import { generateSelfSignedIdentity } from './self-signed.js';
import { signEnveloping } from './xmldsig-enveloping.js';
import { verifyEnveloping } from './xmldsig-enveloping-verify.js';

const skipXmlsec = skipWithout('xmlsec1 cross-checks', missingTool('xmlsec1'));
const skipXmllint = skipWithout('金二 XSD validation', missingTool('xmllint'));

const INV101 = readFileSync('samples/jin2/expected/inv101-bonded-import.xml', 'utf8');
const SAS121 = readFileSync('samples/jin2/expected/sas121-passport.xml', 'utf8');

let dir: string;
let signer: FakeSigner;
let certDer: Buffer;
let certFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'enveloping-'));
  // 1024 bits: the 金二 XSDs cap SignatureValue at 256 characters (a 2048-bit RSA value has 344).
  const identity = generateSelfSignedIdentity({ commonName: 'jin2', days: 2, bits: 1024 });
  signer = createFakeSigner({ certNo: '01691fe9', identity });
  certDer = Buffer.from(identity.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  certFile = join(dir, 'cert.pem');
  writeFileSync(certFile, identity.certPem);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(xml: string): string {
  const f = join(dir, `doc-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(f, xml);
  return f;
}

/** `xmlsec1 --verify --pubkey-cert-pem`: the key is the certificate's, whatever KeyInfo says. */
function xmlsecVerify(xml: string): { ok: boolean; out: string } {
  const r = runTool('xmlsec1', [
    '--verify',
    '--pubkey-cert-pem',
    certFile,
    '--store-references',
    '--print-debug',
    file(xml),
  ]);
  return { ok: r.status === 0, out: `${r.stdout.toString('utf8')}${r.stderr}` };
}

const sign = (xml: string, keyInfo: 'key-name' | 'certificate' = 'key-name') =>
  signEnveloping(xml, signer, { algorithm: 'rsa-sha1', objectId: 'Package', keyInfo });

describe('金二 enveloping signature: Signature{SignedInfo, SignatureValue, KeyInfo, Object@Id{Package}}', () => {
  it('puts the Package inside the Object the one Reference points at, with no transform', async () => {
    const signed = await sign(INV101);
    expect(signed).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http:\/\/www\.w3\.org\/TR\/2001\/REC-xml-c14n-20010315"><\/CanonicalizationMethod><SignatureMethod Algorithm="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#rsa-sha1"><\/SignatureMethod><Reference URI="#Package"><DigestMethod Algorithm="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#sha1"><\/DigestMethod><DigestValue>[A-Za-z0-9+/=]{28}<\/DigestValue><\/Reference><\/SignedInfo>\n<SignatureValue>[A-Za-z0-9+/=]{172}<\/SignatureValue>\n<KeyInfo><KeyName>01691fe9<\/KeyName><\/KeyInfo>\n<Object Id="Package"><Package xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#">/,
    );
    expect(signed.endsWith('</Package></Object></Signature>\n')).toBe(true);
    // The business content is the unsigned Package, unchanged.
    const pkg = (x: string) => canonicalizeSubtree(x, (e) => e.localName === 'Package');
    expect(pkg(signed)).toBe(pkg(INV101));
  });

  it.skipIf(skipXmlsec)('verifies with xmlsec1 --pubkey-cert-pem (INV101 and SAS121)', async () => {
    for (const xml of [INV101, SAS121]) {
      const r = xmlsecVerify(await sign(xml));
      expect(r.ok, r.out.slice(-600)).toBe(true);
      expect(r.out).toContain('SignedInfo References (ok/all): 1/1');
    }
  });

  it.skipIf(skipXmlsec)(
    'xmlsec1 refuses it once one character of the Package changes',
    async () => {
      const signed = await sign(INV101);
      expect(
        xmlsecVerify(signed.replace('<version>1.0</version>', '<version>1.1</version>')).ok,
      ).toBe(false);
    },
  );

  it('verifies with our verifier (xml-crypto) given the certificate, or from KeyInfo when it carries it', async () => {
    const signed = await sign(INV101);
    expect(verifyEnveloping(signed, { trustedCertDer: certDer })).toMatchObject({
      ok: true,
      certNo: '01691fe9',
      algorithm: 'rsa-sha1',
    });
    // KeyName only (the XSDs' KeyInfo): nothing to verify with unless the certificate is given.
    expect(verifyEnveloping(signed).reason).toMatch(/only a KeyName/);
    const withCert = await sign(INV101, 'certificate');
    expect(withCert).toContain('<KeyInfo><KeyName>01691fe9</KeyName><X509Data><X509Certificate>');
    expect(verifyEnveloping(withCert).ok).toBe(true);
  });

  it('our verifier refuses a changed Package, a moved Reference and a second element with the Id', async () => {
    const signed = await sign(INV101);
    const opts = { trustedCertDer: certDer };
    expect(
      verifyEnveloping(signed.replace('INV101</message_type>', 'SAS121</message_type>'), opts),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/digest mismatch|signature check/),
    });
    expect(verifyEnveloping(signed.replace('URI="#Package"', 'URI=""'), opts).reason).toContain(
      'expected one ds:Reference with URI="#Package"',
    );
    const wrapped = signed.replace('<EnvelopInfo>', '<EnvelopInfo Id="Package">');
    expect(verifyEnveloping(wrapped, opts).reason).toContain('is not unique');
  });

  it('signs the unsigned Signature/Object/Package shape the same as the Package', async () => {
    const wrapped = `<?xml version="1.0" encoding="UTF-8"?>\n<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">\n  <Object>\n${INV101.replace(/^<\?xml[^>]*>\n/, '')}  </Object>\n</Signature>\n`;
    const a = await sign(INV101);
    const b = await sign(wrapped);
    expect(b.slice(b.indexOf('<Object'))).toBe(a.slice(a.indexOf('<Object')));
  });

  it('refuses what is not a 金二 Package, a signed message and a bad Object Id', async () => {
    const err = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e as GatewayError,
      );
    expect((await err(sign('<DecMessage/>')))?.code).toBe('GW_ERR_VALIDATION');
    expect((await err(sign(await sign(INV101))))?.code).toBe('GW_ERR_SIGN_ALREADY_SIGNED');
    const bad = await err(
      signEnveloping(INV101, signer, {
        algorithm: 'rsa-sha1',
        objectId: '1x',
        keyInfo: 'key-name',
      }),
    );
    expect(bad?.code).toBe('GW_ERR_CONFIG');
  });

  it.skipIf(skipXmllint)(
    'a signed INV101 validates against the official INV101 XSD (its Signature element)',
    async () => {
      const r = runTool('xmllint', [
        '--noout',
        '--nonet',
        '--schema',
        'test/fixtures/xsd/jin2/EMS/INV101.xsd',
        file(await sign(INV101)),
      ]);
      expect(r.status, r.stderr).toBe(0);
    },
  );
});
