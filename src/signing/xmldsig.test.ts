import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignedXml } from 'xml-crypto';
import { encodeXml } from '../core/xml-text.js';
import { DSIG_NS, URIS } from './algorithms.js';
import { canonicalize, canonicalizeSubtree } from './c14n.js';
import { missingTool, runTool, skipWithout } from '../../test/helpers/tools.js';
import { createFakeSigner, type FakeSigner } from './fake-signer.js';
import { sampleDecMessage } from '../../test/helpers/sample-dec-message.js';
import { generateSelfSignedIdentity } from './self-signed.js';
import { signEnveloped, verifyEnveloped } from './xmldsig.js';

const skipXmlsec = skipWithout('xmlsec1 cross-checks', missingTool('xmlsec1'));

let dir: string;
let signer: FakeSigner;
let certFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'xmldsig-'));
  signer = createFakeSigner({ certNo: '01691fe9' });
  certFile = join(dir, 'cert.pem');
  writeFileSync(certFile, signer.identity.certPem);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * xmlsec1 1.2.37 (Debian 12). `--enabled-reference-uris empty` allows only Reference URI="".
 * Key choice, two ways:
 * - `--pubkey-cert-pem CERT`: verify with the public key of CERT, whatever KeyInfo says;
 * - `--trusted-pem CERT`: take the key from KeyInfo/X509Data and accept it only if its certificate
 *   chains to CERT (a self-signed certificate is its own anchor). KeyName is ignored because the
 *   keys manager holds no named keys. (`--insecure` would skip the chain check altogether.)
 * Exit status 0 means verified.
 */
function xmlsecVerify(
  xml: Buffer | string,
  mode: 'pubkey' | 'trusted' = 'pubkey',
  cert = certFile,
): { ok: boolean; out: string } {
  const file = join(dir, `doc-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  const keyArgs = mode === 'pubkey' ? ['--pubkey-cert-pem', cert] : ['--trusted-pem', cert];
  const r = runTool('xmlsec1', [
    '--verify',
    '--enabled-reference-uris',
    'empty',
    ...keyArgs,
    '--store-signatures',
    '--store-references',
    '--print-debug',
    file,
  ]);
  return { ok: r.status === 0, out: r.stdout.toString('utf8') };
}

/** The canonical bytes xmlsec1 digested (PreDigest) and signed (PreSigned). */
function xmlsecBuffers(out: string): { preDigest?: string; preSigned?: string } {
  const grab = (label: string) =>
    new RegExp(
      `== ${label} data - start buffer:\\n([\\s\\S]*?)\\n== ${label} data - end buffer`,
    ).exec(out)?.[1];
  const preDigest = grab('PreDigest');
  const preSigned = grab('PreSigned');
  return {
    ...(preDigest !== undefined ? { preDigest } : {}),
    ...(preSigned !== undefined ? { preSigned } : {}),
  };
}

/** Flips the lowest bit of the byte at `delta` from the end of `marker`. */
function flipByte(buf: Buffer, marker: string, delta = -1): Buffer {
  const copy = Buffer.from(buf);
  const at = copy.indexOf(marker);
  if (at < 0) throw new Error(`marker ${marker} not found`);
  const pos = at + marker.length + delta;
  copy[pos] = (copy[pos] as number) ^ 0x01;
  return copy;
}

describe('signEnveloped over a realistic DecMessage', () => {
  const dec = sampleDecMessage({ items: 20 });

  describe.each(['rsa-sha1', 'rsa-sha256'] as const)('%s', (algorithm) => {
    let signed: string;
    beforeAll(async () => {
      signed = await signEnveloped(dec, signer, { algorithm });
    });

    it('keeps the document, appends ds:Signature as the last child of the root', () => {
      expect(
        signed.startsWith(
          '<?xml version="1.0" encoding="UTF-8"?>\n<DecMessage xmlns="http://www.chinaport.gov.cn/dec" version="3.1">',
        ),
      ).toBe(true);
      const at = signed.indexOf('<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">');
      expect(
        signed.slice(0, at) +
          signed.slice(signed.indexOf('</ds:Signature>') + '</ds:Signature>'.length),
      ).toBe(dec);
      expect(signed.endsWith('</ds:Signature></DecMessage>\n')).toBe(true);
      expect(signed).toContain('<ds:KeyName>01691fe9</ds:KeyName>');
    });

    it.skipIf(skipXmlsec)(
      'verifies with xmlsec1 (certificate given, and certificate from KeyInfo)',
      () => {
        const byKey = xmlsecVerify(signed, 'pubkey');
        expect(byKey.ok, byKey.out.slice(-500)).toBe(true);
        expect(xmlsecVerify(signed, 'trusted').ok).toBe(true);
        // The same bytes we digested and signed: libxml2's C14N agrees with ours.
        const { preDigest, preSigned } = xmlsecBuffers(byKey.out);
        expect(preDigest).toBe(canonicalize(dec));
        expect(preSigned).toBe(canonicalizeSubtree(signed, (e) => e.localName === 'SignedInfo'));
        expect(
          preSigned?.startsWith(
            '<ds:SignedInfo xmlns="http://www.chinaport.gov.cn/dec" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">',
          ),
        ).toBe(true);
      },
    );

    it.skipIf(skipXmlsec)(
      'is refused by xmlsec1 when the trusted certificate is another one',
      () => {
        const other = generateSelfSignedIdentity({ commonName: 'other', days: 1, bits: 1024 });
        const otherFile = join(dir, `other-${algorithm}.pem`);
        writeFileSync(otherFile, other.certPem);
        expect(xmlsecVerify(signed, 'trusted', otherFile).ok).toBe(false);
      },
    );

    it("is accepted by xml-crypto's SignedXml.checkSignature", () => {
      const doc = new DOMParser().parseFromString(signed, 'text/xml');
      const sig = new SignedXml({ publicCert: signer.identity.certPem });
      const nodes = sig.findSignatures(doc as unknown as Node);
      expect(nodes).toHaveLength(1);
      sig.loadSignature(nodes[0] as Node);
      expect(sig.checkSignature(signed)).toBe(true);
    });

    it('verifies with verifyEnveloped and reports the certificate', async () => {
      const r = verifyEnveloped(signed);
      expect(r).toMatchObject({ ok: true, certNo: '01691fe9', algorithm });
      expect(r.certificateDer?.equals((await signer.certificate()).der)).toBe(true);
      expect(verifyEnveloped(signed, { trustedCertDer: r.certificateDer as Buffer }).ok).toBe(true);
    });

    it('fails everywhere once one content byte is flipped', () => {
      const tampered = flipByte(Buffer.from(signed, 'utf8'), '<GrossWet>12850.500');
      expect(verifyEnveloped(tampered.toString('utf8'))).toMatchObject({
        ok: false,
        reason: expect.stringContaining('digest'),
      });
      if (!skipXmlsec) expect(xmlsecVerify(tampered).ok).toBe(false);
    });

    it('fails everywhere once one byte of SignedInfo is flipped', () => {
      const tampered = flipByte(Buffer.from(signed, 'utf8'), '<ds:DigestValue>', 2).toString(
        'utf8',
      );
      expect(verifyEnveloped(tampered).ok).toBe(false);
      if (!skipXmlsec) expect(xmlsecVerify(tampered).ok).toBe(false);
    });
  });
});

describe('signEnveloped shapes', () => {
  it.skipIf(skipXmlsec)(
    'signs GBK documents: the signature holds for the GBK-encoded bytes',
    async () => {
      const text =
        '<?xml version="1.0" encoding="GBK"?>\n<DecMessage xmlns="http://www.chinaport.gov.cn/dec"><NoteS>深圳市华强进出口有限公司</NoteS></DecMessage>\n';
      const signed = await signEnveloped(text, signer, { algorithm: 'rsa-sha1' });
      const r = xmlsecVerify(encodeXml(signed, 'GBK'));
      expect(r.ok, r.out.slice(-300)).toBe(true);
    },
  );

  it.skipIf(skipXmlsec)(
    'inherits xml:* attributes of the root into SignedInfo, as C14N 1.0 requires (xmlsec1 agrees)',
    async () => {
      // xml-crypto 6.3.2 does not do this inheritance and rejects such signatures; libxml2/xmlsec1 and
      // Apache Santuario (the Java verifier customs systems use) follow the spec.
      const signed = await signEnveloped('<r xmlns="urn:a" xml:lang="zh-CN"><x>1</x></r>', signer, {
        algorithm: 'rsa-sha256',
      });
      const r = xmlsecVerify(signed);
      expect(r.ok).toBe(true);
      expect(xmlsecBuffers(r.out).preSigned).toMatch(
        /^<ds:SignedInfo xmlns="urn:a" xmlns:ds="[^"]+" xml:lang="zh-CN">/,
      );
    },
  );

  it.each([
    ['self-closing root', '<r xmlns:b="urn:b" a="1"/>'],
    ['root that binds ds to another URI', '<ds:r xmlns:ds="urn:not-dsig"><ds:x/></ds:r>'],
    [
      'no namespace, comments and CRLF',
      '<?xml version="1.0"?>\r\n<!-- c -->\r\n<r>\r\n  <x a="1&#9;2">&amp;</x><!-- in -->\r\n</r>\r\n<!-- after -->',
    ],
    ['Chinese element names', '<报关单 类型="进口"><货物>笔记本电脑</货物></报关单>'],
  ])('signs a %s verifiably', async (_name, xml) => {
    const signed = await signEnveloped(xml, signer, { algorithm: 'rsa-sha256' });
    expect(verifyEnveloped(signed)).toMatchObject({ ok: true });
    if (!skipXmlsec) expect(xmlsecVerify(signed).ok).toBe(true);
  });

  it.skipIf(skipXmlsec)(
    'covers processing instructions outside the root element (xmlsec1 agrees)',
    async () => {
      // URI="" selects the whole document, PIs included (comments excluded). xml-crypto 6.3.2 digests
      // only the document element and so rejects these; xmlsec1 and Santuario follow the spec.
      const signed = await signEnveloped(
        '<?xml-stylesheet href="a.xsl"?>\n<r>1</r>\n<?after x?>',
        signer,
        { algorithm: 'rsa-sha1' },
      );
      const r = xmlsecVerify(signed);
      expect(r.ok).toBe(true);
      expect(xmlsecBuffers(r.out).preDigest).toBe(
        '<?xml-stylesheet href="a.xsl"?>\n<r>1</r>\n<?after x?>',
      );
    },
  );

  it('supports the default-namespace form (prefix "")', async () => {
    const signed = await signEnveloped('<r xmlns="urn:a"><x/></r>', signer, {
      algorithm: 'rsa-sha1',
      prefix: '',
    });
    expect(signed).toContain(`<Signature xmlns="${DSIG_NS}"><SignedInfo>`);
    expect(verifyEnveloped(signed).ok).toBe(true);
    if (!skipXmlsec) expect(xmlsecVerify(signed).ok).toBe(true);
  });

  it('places the signature before a named child (CEB export order)', async () => {
    const xml =
      '<ceb:CEB303Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"><ceb:Order/><ceb:BaseTransfer/><ceb:ExtendMessage/></ceb:CEB303Message>';
    const signed = await signEnveloped(xml, signer, {
      algorithm: 'rsa-sha1',
      insertBefore: 'ExtendMessage',
    });
    expect(signed).toMatch(
      /^<ceb:CEB303Message [^>]+><ceb:Order\/><ceb:BaseTransfer\/><ds:Signature [\s\S]+<\/ds:Signature><ceb:ExtendMessage\/><\/ceb:CEB303Message>$/,
    );
    expect(verifyEnveloped(signed).ok).toBe(true);
  });

  it('writes overridden URIs and computes the digest with the configured hash', async () => {
    const signed = await signEnveloped('<r/>', signer, {
      algorithm: 'rsa-sha256',
      uris: { signatureMethodUri: URIS.rsaSha256, digestMethodUri: URIS.sha1 },
    });
    expect(signed).toContain(`<ds:DigestMethod Algorithm="${URIS.sha1}">`);
    expect(verifyEnveloped(signed).ok).toBe(true);
  });

  it('refuses an already signed document, an unsupported algorithm and a DOCTYPE', async () => {
    const signed = await signEnveloped('<r/>', signer, { algorithm: 'rsa-sha1' });
    await expect(signEnveloped(signed, signer, { algorithm: 'rsa-sha1' })).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_ALREADY_SIGNED',
    });
    await expect(signEnveloped('<r/>', signer, { algorithm: 'sm2-sm3' })).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_ALGORITHM',
    });
    await expect(
      signEnveloped('<!DOCTYPE r><r/>', signer, { algorithm: 'rsa-sha1' }),
    ).rejects.toMatchObject({ code: 'GW_ERR_XML_DTD' });
  });

  it('passes signer errors through (card absent is transient)', async () => {
    const flaky = createFakeSigner({ identity: signer.identity });
    flaky.failNext('GW_ERR_SIGN_CARD_ABSENT');
    await expect(signEnveloped('<r/>', flaky, { algorithm: 'rsa-sha1' })).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_CARD_ABSENT',
      transient: true,
    });
    await expect(signEnveloped('<r/>', flaky, { algorithm: 'rsa-sha1' })).resolves.toContain(
      '<ds:Signature',
    );
    expect(flaky.signCount).toBe(1);
  });
});

describe('verifyEnveloped refusals', () => {
  it('rejects a foreign trusted certificate, missing or wrapped signatures', async () => {
    const signed = await signEnveloped('<r><a Id="x">1</a></r>', signer, { algorithm: 'rsa-sha1' });
    const other = generateSelfSignedIdentity({ commonName: 'other', days: 1, bits: 1024 });
    const otherDer = Buffer.from(other.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    expect(verifyEnveloped(signed, { trustedCertDer: otherDer })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('trusted'),
    });
    expect(verifyEnveloped('<r/>')).toMatchObject({ ok: false, reason: 'no ds:Signature element' });
    const wrapped = signed.replace(
      '<a Id="x">',
      '<a Id="x">' + signed.slice(signed.indexOf('<ds:Signature'), signed.indexOf('</r>')),
    );
    expect(verifyEnveloped(wrapped).ok).toBe(false);
    expect(verifyEnveloped(signed.replace('URI=""', 'URI="#x"'))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('URI=""'),
    });
    expect(verifyEnveloped('<r><unclosed></r>').ok).toBe(false);
  });
});
