/**
 * The sandbox's check of a 金二 message signed in the customs-side enveloping form
 * (`Signature{SignedInfo, SignatureValue, KeyInfo, Object@Id{Package}}`, seed-subsystems.md §9.1):
 * one Reference, `URI="#<Id of the Signature's Object>"`, no transform but inclusive C14N, the Id
 * held by that Object alone, RSA. The key is the certificate in KeyInfo, or, when KeyInfo has only
 * a KeyName (as the XSDs have it), one of the sandbox's trusted certificates.
 */
import { X509Certificate } from 'node:crypto';
import type { Document, Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { childElement, childElements } from './dom.js';
import { DSIG_NS } from './namespaces.js';
import {
  CANONICALISATIONS,
  DIGEST_METHODS,
  SIGNATURE_METHODS,
  certificateOf,
  fail,
  refuseCertificate,
  type SignatureCheck,
  type VerifyOptions,
} from './verify.js';

const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';

/** A signed enveloping message: root ds:Signature with a SignedInfo and an Object. */
export function isSignedEnveloping(doc: Document): boolean {
  const root = doc.documentElement;
  return (
    !!root &&
    root.namespaceURI === DSIG_NS &&
    root.localName === 'Signature' &&
    childElement(root, 'SignedInfo', DSIG_NS) !== undefined &&
    childElement(root, 'Object', DSIG_NS) !== undefined
  );
}

/** The Reference and the algorithm, or why the SignedInfo is not the accepted shape. */
function checkShape(root: Element, doc: Document): SignatureCheck | 'rsa-sha1' | 'rsa-sha256' {
  const objects = childElements(root, 'Object', DSIG_NS);
  const id = objects[0]?.getAttribute('Id') ?? '';
  if (objects.length !== 1 || id === '')
    return fail(
      'invalid',
      '应有且仅有一个带 Id 的 Object',
      'exactly one Object with an Id is required',
    );
  const all = doc.getElementsByTagName('*');
  let holders = 0;
  for (let i = 0; i < all.length; i++)
    for (const a of ['Id', 'ID', 'id']) if (all.item(i)!.getAttribute(a) === id) holders += 1;
  if (holders !== 1)
    return fail(
      'invalid',
      `Id “${id}” 在报文中不唯一`,
      `the Id "${id}" is not unique in the message`,
    );
  if (doc.getElementsByTagNameNS(DSIG_NS, 'Signature').length !== 1)
    return fail('invalid', '报文中只能有一个 Signature', 'only one Signature is allowed');
  const signedInfo = childElement(root, 'SignedInfo', DSIG_NS)!;
  const c14n = childElement(signedInfo, 'CanonicalizationMethod', DSIG_NS)?.getAttribute(
    'Algorithm',
  );
  if (!c14n || !CANONICALISATIONS.has(c14n))
    return fail('invalid', '规范化方法应为 inclusive C14N', 'inclusive C14N is required');
  const method = childElement(signedInfo, 'SignatureMethod', DSIG_NS)?.getAttribute('Algorithm');
  const algorithm = SIGNATURE_METHODS[method ?? ''];
  if (!algorithm)
    return fail(
      'invalid',
      `不支持的签名算法 ${method ?? ''}`,
      `unsupported signature method ${method ?? ''}`,
    );
  const refs = childElements(signedInfo, 'Reference', DSIG_NS);
  if (refs.length !== 1 || refs[0]!.getAttribute('URI') !== `#${id}`)
    return fail(
      'invalid',
      `应有且仅有一个 URI="#${id}" 的 Reference（对 Object 签名）`,
      `exactly one Reference with URI="#${id}" (the Object) is required`,
    );
  const transforms = childElement(refs[0]!, 'Transforms', DSIG_NS);
  if (
    transforms &&
    childElements(transforms, 'Transform', DSIG_NS).some(
      (t) => t.getAttribute('Algorithm') !== C14N,
    )
  )
    return fail(
      'invalid',
      'Reference 只允许 C14N 变换',
      'only a C14N transform is allowed on the Reference',
    );
  const digest = childElement(refs[0]!, 'DigestMethod', DSIG_NS)?.getAttribute('Algorithm');
  if (!digest || !DIGEST_METHODS.has(digest))
    return fail(
      'invalid',
      `不支持的摘要算法 ${digest ?? ''}`,
      `unsupported digest method ${digest ?? ''}`,
    );
  return algorithm;
}

function check(text: string, root: Element, certificate: X509Certificate): string | undefined {
  const verifier = new SignedXml({
    publicCert: certificate.toString(),
    getCertFromKeyInfo: () => null,
  });
  try {
    verifier.loadSignature(root as unknown as Node);
    if (verifier.checkSignature(text) !== true) return undefined;
  } catch {
    return undefined;
  }
  const signed = verifier.getSignedReferences();
  return signed.length === 1 ? signed[0] : undefined;
}

/** Verifies an enveloping 金二 signature; signedXml is the canonical Object (holding the Package). */
export function verifyEnvelopingSignature(
  text: string,
  doc: Document,
  options: VerifyOptions = {},
): SignatureCheck {
  const root = doc.documentElement!;
  const algorithm = checkShape(root, doc);
  if (typeof algorithm !== 'string') return algorithm;
  const keyInfo = childElement(root, 'KeyInfo', DSIG_NS);
  const embedded = keyInfo && childElement(keyInfo, 'X509Data', DSIG_NS);
  const candidates: X509Certificate[] = [];
  if (embedded) {
    const c = certificateOf(root);
    if (!(c instanceof X509Certificate)) return c;
    candidates.push(c);
  } else if (options.trusted?.length) candidates.push(...options.trusted);
  else
    return fail(
      'untrusted',
      'KeyInfo 只有 KeyName（证书编号），沙箱没有可用来核验的可信证书',
      'KeyInfo has only a KeyName (certificate number) and the sandbox trusts no certificate to check it with',
    );
  for (const certificate of candidates) {
    const refused = refuseCertificate(certificate, options);
    if (refused) {
      if (embedded) return refused;
      continue;
    }
    const signedXml = check(text, root, certificate);
    if (signedXml !== undefined) return { ok: true, signedXml, algorithm, certificate };
  }
  return fail(
    'invalid',
    '报文内容与签名不符（摘要或签名值校验失败）',
    'the content does not match the signature (digest or signature value check failed)',
  );
}
