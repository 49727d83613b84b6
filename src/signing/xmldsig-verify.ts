/**
 * Verification of enveloped signatures with xml-crypto: an implementation independent of our
 * signing fast path (its own DOM, its own C14N), with SM2/SM3 registered for the SM URIs.
 *
 * Only the E-Port shape is accepted: exactly one ds:Signature, a child of the root, with one
 * Reference URI="" (the whole document). Anything else could sign less than the whole document
 * (signature wrapping), so it is reported as not ok rather than verified.
 */
import { X509Certificate } from 'node:crypto';
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { DSIG_NS, algorithmForUri } from './algorithms.js';
import type { SignatureAlgorithm } from './signer.js';
import { SM2_DEFAULT_ID } from './sm2.js';
import { registerSmAlgorithms } from './xml-crypto-sm.js';

export interface VerifyOptions {
  /** Verify with this certificate; the one in KeyInfo, if any, must be the same. */
  readonly trustedCertDer?: Buffer;
  /** SM2 signer id; default 1234567812345678. */
  readonly sm2Id?: string;
}

export interface VerifyResult {
  /** The signature is valid for the whole document and the key used. Trust in that key is the caller's call unless trustedCertDer was given. */
  readonly ok: boolean;
  /** Why not, in English (for logs and receipts). */
  readonly reason?: string;
  /** ds:KeyName. */
  readonly certNo?: string;
  /** The certificate from KeyInfo (DER). */
  readonly certificateDer?: Buffer;
  readonly algorithm?: SignatureAlgorithm;
}

function childElements(el: XmlElement, ns: string, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (
      n.nodeType === 1 &&
      (n as XmlElement).namespaceURI === ns &&
      (n as XmlElement).localName === local
    )
      out.push(n as XmlElement);
  }
  return out;
}

function textOf(el: XmlElement | undefined): string | undefined {
  return el?.textContent ?? undefined;
}

function toPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}(?=.)/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * Verifies the enveloped signature of `xml`. Never throws for a bad document or signature:
 * the answer is `{ ok: false, reason }`.
 */
export function verifyEnveloped(xml: string, options: VerifyOptions = {}): VerifyResult {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    return { ok: false, reason: 'DOCTYPE/ENTITY declarations are not allowed' };
  const errors: string[] = [];
  let root: XmlElement | null;
  try {
    const doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') errors.push(message);
      },
    }).parseFromString(xml, 'text/xml');
    root = doc.documentElement;
  } catch (err) {
    return { ok: false, reason: `XML is not well-formed: ${String(err)}` };
  }
  if (errors.length > 0 || !root)
    return { ok: false, reason: `XML is not well-formed: ${errors[0] ?? 'no document element'}` };

  const all = root.getElementsByTagNameNS(DSIG_NS, 'Signature');
  const sigs = childElements(root, DSIG_NS, 'Signature');
  if (all.length === 0) return { ok: false, reason: 'no ds:Signature element' };
  if (all.length !== 1 || sigs.length !== 1)
    return {
      ok: false,
      reason: 'expected exactly one ds:Signature, as a child of the root element',
    };
  const sigEl = sigs[0] as XmlElement;

  const signedInfo = childElements(sigEl, DSIG_NS, 'SignedInfo')[0];
  const refs = signedInfo ? childElements(signedInfo, DSIG_NS, 'Reference') : [];
  if (refs.length !== 1 || refs[0]?.getAttribute('URI') !== '') {
    return { ok: false, reason: 'expected one ds:Reference with URI="" (whole document)' };
  }
  const methodUri = signedInfo
    ? (childElements(signedInfo, DSIG_NS, 'SignatureMethod')[0]?.getAttribute('Algorithm') ?? '')
    : '';
  const algorithm = algorithmForUri(methodUri);

  const keyInfo = childElements(sigEl, DSIG_NS, 'KeyInfo')[0];
  const certNo = keyInfo
    ? textOf(childElements(keyInfo, DSIG_NS, 'KeyName')[0])?.trim()
    : undefined;
  const x509Data = keyInfo ? childElements(keyInfo, DSIG_NS, 'X509Data')[0] : undefined;
  const certB64 = x509Data
    ? textOf(childElements(x509Data, DSIG_NS, 'X509Certificate')[0])
    : undefined;
  const embedded = certB64 ? Buffer.from(certB64.replace(/\s+/g, ''), 'base64') : undefined;
  const facts = {
    ...(certNo !== undefined ? { certNo } : {}),
    ...(embedded ? { certificateDer: embedded } : {}),
    ...(algorithm ? { algorithm } : {}),
  };

  return checkWithKey(xml, sigEl, embedded, facts, options, {
    noCert: 'no certificate: KeyInfo has no X509Certificate and none was given',
    badCert: 'the certificate in KeyInfo cannot be parsed',
  });
}

/**
 * The part both verifiers share (enveloped here, enveloping in xmldsig-enveloping-verify.ts):
 * pick the key (the trusted certificate, or the one in KeyInfo; they must agree), then let
 * xml-crypto check the digests and the signature value. `reasons` word the two key failures.
 */
export function checkWithKey(
  xml: string,
  signature: XmlElement,
  embedded: Buffer | undefined,
  facts: Omit<VerifyResult, 'ok' | 'reason'>,
  options: VerifyOptions,
  reasons: { readonly noCert: string; readonly badCert: string },
): VerifyResult {
  const trusted = options.trustedCertDer;
  if (trusted && embedded && !trusted.equals(embedded))
    return {
      ok: false,
      reason: 'the certificate in KeyInfo is not the trusted certificate',
      ...facts,
    };
  const keyCert = trusted ?? embedded;
  if (!keyCert)
    return {
      ok: false,
      reason: reasons.noCert,
      ...facts,
    };
  try {
    new X509Certificate(keyCert);
  } catch {
    return { ok: false, reason: reasons.badCert, ...facts };
  }
  const verifier = new SignedXml({ publicCert: toPem(keyCert), getCertFromKeyInfo: () => null });
  registerSmAlgorithms(verifier, options.sm2Id ?? SM2_DEFAULT_ID);
  try {
    verifier.loadSignature(signature as unknown as Node);
    if (verifier.checkSignature(xml)) return { ok: true, ...facts };
    const refError = verifier.getReferences().find((r) => r.validationError)?.validationError;
    return {
      ok: false,
      reason: refError ? `digest mismatch: ${refError.message}` : 'signature check failed',
      ...facts,
    };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err), ...facts };
  }
}
