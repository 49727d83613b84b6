/**
 * Enveloping XML-DSig in the shape of the 金二 (SAS/INV) XSDs (seed-subsystems.md §9.1 [S]):
 * `Signature{SignedInfo, SignatureValue, KeyInfo, Object@Id{Package}}`, the business `Package`
 * inside the signature's `Object`, which one `Reference URI="#<Object Id>"` signs. The XSDs allow
 * no `Transforms` (so the referenced Object is digested in inclusive C14N 1.0, the default for a
 * same-document reference), and a `KeyInfo` with only `KeyName`; the certificate can be added.
 *
 * The Signature uses the xmldsig namespace as the default one, so the Package (written without a
 * prefix) sits in that namespace too, as in the INV101 XSD and the receipts seen in the field.
 */
import { GatewayError } from '../core/errors.js';
import { C14N_URI, DSIG_NS, digestBase64 } from './algorithms.js';
import { canonicalizeDocument, canonicalizeSubtree } from './c14n.js';
import { escapeC14nAttr, escapeC14nText } from './c14n-text.js';
import type { Signer } from './signer.js';
import { signatureValueBytes, signerProfile, wrap76, type SignOptions } from './xmldsig.js';

export interface EnvelopingOptions extends Pick<SignOptions, 'algorithm' | 'uris' | 'signal'> {
  /** The `Object@Id` the Reference points at. No source gives the value customs use. */
  readonly objectId: string;
  /** KeyInfo: `KeyName` only (the XSDs), or also the X509 certificate. */
  readonly keyInfo: 'key-name' | 'certificate';
}

/** An XML NCName, which a same-document `#id` reference needs. */
const NCNAME = /^[A-Za-z_][\w.-]*$/;

function notPackage(zh: string, en: string): GatewayError {
  return new GatewayError('GW_ERR_VALIDATION', {
    zh: `${zh}，无法做成金二签名报文（Signature/Object/Package）`,
    en: `${en}; it cannot be made into a 金二 signed message (Signature/Object/Package)`,
    fixZh: '提交金二翻译器生成的 Package 报文',
    fixEn: 'submit the Package message the jin2 translator writes',
  });
}

/**
 * The canonical text of the business Package of `xml`: the root `Package`, or the Package of an
 * unsigned `Signature/Object/Package` (the shape handed to a client that signs it itself).
 */
function packageText(xml: string): string {
  const { root } = canonicalizeDocument(xml);
  if (root.localName === 'Signature') {
    if (root.children.some((c) => c.localName === 'SignedInfo'))
      throw new GatewayError('GW_ERR_SIGN_ALREADY_SIGNED', {
        zh: '报文已带 SignedInfo，不能再次签名',
        en: 'the message already has a SignedInfo; it will not be signed twice',
        fixZh: '提交未签名的报文',
        fixEn: 'submit the unsigned document',
      });
    return canonicalizeSubtree(xml, (el) => el.depth === 2 && el.localName === 'Package');
  }
  if (root.localName !== 'Package')
    throw notPackage(
      `根元素是 ${root.localName}，不是 Package`,
      `the root is ${root.localName}, not Package`,
    );
  return canonicalizeSubtree(xml, (el) => el.depth === 0);
}

/**
 * Signs a 金二 message as an enveloping signature. The result is a new document (XML declaration,
 * then `Signature`); its Object holds the Package in canonical form.
 * Throws GW_ERR_VALIDATION (not a Package), GW_ERR_SIGN_ALREADY_SIGNED, GW_ERR_SIGN_ALGORITHM,
 * GW_ERR_XML_MALFORMED, and whatever the signer throws.
 */
export async function signEnveloping(
  xml: string,
  signer: Signer,
  options: EnvelopingOptions,
): Promise<string> {
  const profile = signerProfile(signer, options);
  if (!NCNAME.test(options.objectId) || /^xml/i.test(options.objectId))
    throw new GatewayError('GW_ERR_CONFIG', {
      where: 'jin2.objectId',
      zh: `Object Id “${options.objectId}” 不是合法的 XML 名称`,
      en: `Object Id "${options.objectId}" is not a valid XML name`,
      fixZh: '使用字母开头、仅含字母数字 _ - . 的名称',
      fixEn: 'use a name that starts with a letter and holds only letters, digits, _ - .',
    });
  const object = `<Object Id="${escapeC14nAttr(options.objectId)}">${packageText(xml)}</Object>`;
  // The Object's canonical form in its final context: the only namespace in scope is Signature's.
  const digested = canonicalizeSubtree(
    `<Signature xmlns="${DSIG_NS}">${object}</Signature>`,
    (el) => el.depth === 1,
  );
  const content =
    `<CanonicalizationMethod Algorithm="${C14N_URI}"></CanonicalizationMethod>` +
    `<SignatureMethod Algorithm="${escapeC14nAttr(profile.signatureMethodUri)}"></SignatureMethod>` +
    `<Reference URI="#${escapeC14nAttr(options.objectId)}">` +
    `<DigestMethod Algorithm="${escapeC14nAttr(profile.digestMethodUri)}"></DigestMethod>` +
    `<DigestValue>${digestBase64(profile.digestHash, digested)}</DigestValue></Reference>`;
  const raw = await signer.sign(
    Buffer.from(`<SignedInfo xmlns="${DSIG_NS}">${content}</SignedInfo>`, 'utf8'),
    profile.algorithm,
    options.signal ? { signal: options.signal } : {},
  );
  const cert = await signer.certificate();
  const value = signatureValueBytes(raw, profile).toString('base64');
  const x509 =
    options.keyInfo === 'certificate'
      ? `<X509Data><X509Certificate>${wrap76(cert.der.toString('base64'))}</X509Certificate></X509Data>`
      : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Signature xmlns="${DSIG_NS}">` +
    `<SignedInfo>${content}</SignedInfo>\n<SignatureValue>${value}</SignatureValue>\n` +
    `<KeyInfo><KeyName>${escapeC14nText(cert.certNo)}</KeyName>${x509}</KeyInfo>\n${object}</Signature>\n`
  );
}
