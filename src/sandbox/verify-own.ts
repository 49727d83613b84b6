/**
 * The cryptographic part of signature verification done with the gateway's own one-pass C14N
 * (signing/c14n.ts) and node:crypto, for `eport sandbox --verifier own`: about 20 times faster
 * than xml-crypto, so a benchmark measures the gateway rather than its stand-in for customs. The
 * default verifier stays xml-crypto, an implementation independent of the one that signs.
 *
 * The caller (verify.ts) has already checked the profile on the DOM: one ds:Signature, a child
 * of the root, one SignedInfo, one Reference URI="" with the enveloped transform.
 */
import { createHash, verify, type X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { canonicalize, canonicalizeDocument, canonicalizeSubtree } from '../signing/c14n.js';
import { DSIG_NS } from './namespaces.js';
import { childElement } from './dom.js';

const WITH_COMMENTS = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments';

/** The signed content (canonical document without its signature), or why the check failed. */
export type OwnCheck =
  | { readonly ok: true; readonly signedXml: string }
  | { readonly ok: false; readonly what: 'digest' | 'signature' };

export function checkWithOwnC14n(
  text: string,
  signature: Element,
  algorithm: 'rsa-sha1' | 'rsa-sha256',
  certificate: X509Certificate,
): OwnCheck {
  const signedInfo = childElement(signature, 'SignedInfo', DSIG_NS)!;
  const reference = childElement(signedInfo, 'Reference', DSIG_NS)!;
  const digestMethod = childElement(reference, 'DigestMethod', DSIG_NS)?.getAttribute('Algorithm');
  const digestValue = (childElement(reference, 'DigestValue', DSIG_NS)?.textContent ?? '').trim();
  const signatureValue = (
    childElement(signature, 'SignatureValue', DSIG_NS)?.textContent ?? ''
  ).replace(/\s+/g, '');
  const isSignature = (el: { depth: number; localName: string; namespaceUri: string }): boolean =>
    el.depth === 1 && el.localName === 'Signature' && el.namespaceUri === DSIG_NS;

  // The Reference: the whole document, the signature left out (enveloped-signature transform).
  const signedXml = canonicalize(text, { exclude: isSignature });
  const hash = digestMethod?.endsWith('#sha256') ? 'sha256' : 'sha1';
  if (createHash(hash).update(signedXml).digest('base64') !== digestValue)
    return { ok: false, what: 'digest' };

  // SignedInfo in document context: the first element two levels down inside the signature.
  const { root } = canonicalizeDocument(text);
  const sigStart = root.children.find(isSignature)?.start ?? -1;
  const c14nMethod = childElement(signedInfo, 'CanonicalizationMethod', DSIG_NS)?.getAttribute(
    'Algorithm',
  );
  const canonicalSignedInfo = canonicalizeSubtree(
    text,
    (el) =>
      el.depth === 2 &&
      el.start > sigStart &&
      el.localName === 'SignedInfo' &&
      el.namespaceUri === DSIG_NS,
    { withComments: c14nMethod === WITH_COMMENTS },
  );
  const good = verify(
    algorithm === 'rsa-sha256' ? 'sha256' : 'sha1',
    Buffer.from(canonicalSignedInfo),
    certificate.publicKey,
    Buffer.from(signatureValue, 'base64'),
  );
  return good ? { ok: true, signedXml } : { ok: false, what: 'signature' };
}
