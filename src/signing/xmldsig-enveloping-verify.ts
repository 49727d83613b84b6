/**
 * Verification of the 金二 enveloping signature (xmldsig-enveloping.ts) with xml-crypto, an
 * implementation independent of our signer. Only that shape is accepted: the root is the one
 * ds:Signature, its SignedInfo has one Reference, `URI="#<Id of the Signature's Object child>"`,
 * no transform but inclusive C14N, and no other element carries that Id (so what was verified is
 * the Object the message is read from, not a copy placed elsewhere).
 */
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { C14N_URI, DSIG_NS, algorithmForUri } from './algorithms.js';
import { checkWithKey, type VerifyOptions, type VerifyResult } from './xmldsig-verify.js';

const children = (el: XmlElement | undefined, local: string): XmlElement[] => {
  const out: XmlElement[] = [];
  for (let n = el?.firstChild; n; n = n.nextSibling)
    if (
      n.nodeType === 1 &&
      (n as XmlElement).namespaceURI === DSIG_NS &&
      (n as XmlElement).localName === local
    )
      out.push(n as XmlElement);
  return out;
};

/** Verifies an enveloping 金二 signature; never throws, the answer is `{ ok: false, reason }`. */
export function verifyEnveloping(xml: string, options: VerifyOptions = {}): VerifyResult {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    return { ok: false, reason: 'DOCTYPE/ENTITY declarations are not allowed' };
  const errors: string[] = [];
  let root: XmlElement | null;
  try {
    root = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') errors.push(message);
      },
    }).parseFromString(xml, 'text/xml').documentElement;
  } catch (err) {
    return { ok: false, reason: `XML is not well-formed: ${String(err)}` };
  }
  if (errors.length > 0 || !root)
    return { ok: false, reason: `XML is not well-formed: ${errors[0] ?? 'no document element'}` };
  if (root.namespaceURI !== DSIG_NS || root.localName !== 'Signature')
    return { ok: false, reason: 'the root element is not a ds:Signature' };
  if (root.getElementsByTagNameNS(DSIG_NS, 'Signature').length !== 0)
    return { ok: false, reason: 'a ds:Signature inside the signature' };
  const objects = children(root, 'Object');
  const id = objects[0]?.getAttribute('Id') ?? '';
  if (objects.length !== 1 || id === '')
    return { ok: false, reason: 'expected one ds:Object with an Id under the Signature' };
  let holders = 0;
  const all = root.getElementsByTagName('*');
  for (let i = 0; i < all.length; i++) {
    const el = all.item(i)!;
    for (const a of ['Id', 'ID', 'id']) if (el.getAttribute(a) === id) holders += 1;
  }
  if (holders !== 1) return { ok: false, reason: `the Id "${id}" is not unique in the document` };
  const signedInfo = children(root, 'SignedInfo')[0];
  const refs = children(signedInfo, 'Reference');
  if (refs.length !== 1 || refs[0]!.getAttribute('URI') !== `#${id}`)
    return { ok: false, reason: `expected one ds:Reference with URI="#${id}" (the Object)` };
  const transforms = children(children(refs[0], 'Transforms')[0], 'Transform');
  if (transforms.some((t) => t.getAttribute('Algorithm') !== C14N_URI))
    return { ok: false, reason: 'only an inclusive C14N transform is allowed on the Reference' };
  const method = children(signedInfo, 'SignatureMethod')[0]?.getAttribute('Algorithm') ?? '';
  const algorithm = algorithmForUri(method);
  const keyInfo = children(root, 'KeyInfo')[0];
  const certNo = children(keyInfo, 'KeyName')[0]?.textContent?.trim();
  const b64 = children(children(keyInfo, 'X509Data')[0], 'X509Certificate')[0]?.textContent;
  const embedded = b64 ? Buffer.from(b64.replace(/\s+/g, ''), 'base64') : undefined;
  const facts = {
    ...(certNo !== undefined ? { certNo } : {}),
    ...(embedded ? { certificateDer: embedded } : {}),
    ...(algorithm ? { algorithm } : {}),
  };
  return checkWithKey(xml, root, embedded, facts, options, {
    noCert: 'no certificate: KeyInfo has only a KeyName and none was given',
    badCert: 'the certificate cannot be parsed',
  });
}
