/**
 * Enveloped XML-DSig as China E-Port expects it: inclusive C14N 1.0, one Reference URI="" with the
 * enveloped-signature transform, KeyName = certificate number, X509Certificate in KeyInfo.
 *
 * Fast path: the document is canonicalised once by our tokenizer (c14n.ts), which also reports the
 * root's in-scope namespaces and where its end tag is; SignedInfo's canonical form is then written
 * directly (its exact text is ours), and the Signature is spliced into the original text. No DOM.
 */
import { GatewayError } from '../core/errors.js';
import {
  C14N_URI,
  DSIG_NS,
  ENVELOPED_SIGNATURE_URI,
  digestBase64,
  resolveProfile,
  type AlgorithmProfile,
  type UriOverrides,
  type UriPreset,
} from './algorithms.js';
import { canonicalizeDocument } from './c14n.js';
import type { RootInfo } from './c14n-types.js';
import { compareCodePoints, escapeC14nAttr, escapeC14nText } from './c14n-text.js';
import type { SignatureAlgorithm, Signer } from './signer.js';
import { sm2RawToDer, sm2SignatureToRaw } from './sm2.js';

export { verifyEnveloped, type VerifyOptions, type VerifyResult } from './xmldsig-verify.js';

export interface SignOptions {
  readonly algorithm: SignatureAlgorithm;
  /** SM2 URI preset (ignored for RSA) or explicit URI overrides. Default: chinaport-2022. */
  readonly uris?: UriPreset | UriOverrides;
  /** Prefix of the signature elements, declared on ds:Signature. Default 'ds'; '' = default namespace. */
  readonly prefix?: string;
  /**
   * Put the Signature before the first child of the root with this local name (CEB export XSDs
   * want `ds:Signature` before `ExtendMessage`). Default, or when no such child: last child of the root.
   */
  readonly insertBefore?: string;
  readonly signal?: AbortSignal;
}

/** Wraps base64 at 76 characters per line (MIME style, as Santuario writes certificates). */
export function wrap76(b64: string): string {
  return b64.replace(/.{76}(?=.)/g, '$&\n');
}

/** Namespace declarations in scope on SignedInfo, in C14N order, as attribute text. */
function signedInfoNamespaces(root: RootInfo, prefix: string): string {
  const scope = new Map(root.namespaces);
  scope.set(prefix, DSIG_NS);
  let s = '';
  for (const [p, u] of [...scope].sort((a, b) => compareCodePoints(a[0], b[0]))) {
    s += p === '' ? ` xmlns="${escapeC14nAttr(u)}"` : ` xmlns:${p}="${escapeC14nAttr(u)}"`;
  }
  // C14N 1.0 copies xml:* attributes of ancestors onto the apex of a document subset.
  for (const [l, v] of [...root.xmlAttributes].sort((a, b) => compareCodePoints(a[0], b[0])))
    s += ` xml:${l}="${escapeC14nAttr(v)}"`;
  return s;
}

/** The children of SignedInfo; already in canonical form, so the same text serves both uses. */
function signedInfoContent(p: string, profile: AlgorithmProfile, digest: string): string {
  return (
    `<${p}CanonicalizationMethod Algorithm="${C14N_URI}"></${p}CanonicalizationMethod>` +
    `<${p}SignatureMethod Algorithm="${escapeC14nAttr(profile.signatureMethodUri)}"></${p}SignatureMethod>` +
    `<${p}Reference URI=""><${p}Transforms><${p}Transform Algorithm="${ENVELOPED_SIGNATURE_URI}"></${p}Transform></${p}Transforms>` +
    `<${p}DigestMethod Algorithm="${escapeC14nAttr(profile.digestMethodUri)}"></${p}DigestMethod>` +
    `<${p}DigestValue>${digest}</${p}DigestValue></${p}Reference>`
  );
}

/** The signature value bytes as SignatureValue carries them for this profile. */
export function signatureValueBytes(raw: Buffer, profile: AlgorithmProfile): Buffer {
  if (profile.algorithm !== 'sm2-sm3') return raw;
  const rs = sm2SignatureToRaw(raw);
  return profile.sm2Encoding === 'der' ? sm2RawToDer(rs) : rs;
}

/** The algorithm profile of `options`, refused (GW_ERR_SIGN_ALGORITHM) when the signer cannot sign it. */
export function signerProfile(
  signer: Signer,
  options: Pick<SignOptions, 'algorithm' | 'uris'>,
): AlgorithmProfile {
  const profile = resolveProfile(options.algorithm, options.uris);
  if (!signer.algorithms.includes(profile.algorithm)) {
    throw new GatewayError('GW_ERR_SIGN_ALGORITHM', {
      where: signer.name,
      zh: `签名器 ${signer.name} 不支持 ${profile.algorithm}（支持：${signer.algorithms.join('、')}）`,
      en: `signer ${signer.name} cannot sign ${profile.algorithm} (it supports ${signer.algorithms.join(', ')})`,
      fixZh: '把通道的签名算法改成签名器支持的算法',
      fixEn: "set the channel's signature algorithm to one the signer supports",
    });
  }
  return profile;
}

/**
 * Signs `xml` with an enveloped signature appended to the root element (or placed before
 * `insertBefore`). The rest of the text, XML declaration included, is kept byte for byte.
 * Throws GatewayError: GW_ERR_XML_MALFORMED / GW_ERR_XML_DTD for bad input,
 * GW_ERR_SIGN_ALREADY_SIGNED, GW_ERR_SIGN_ALGORITHM, and whatever the signer throws.
 */
export async function signEnveloped(
  xml: string,
  signer: Signer,
  options: SignOptions,
): Promise<string> {
  const profile = signerProfile(signer, options);
  const prefix = options.prefix ?? 'ds';
  if (prefix !== '' && (!/^[A-Za-z_][\w.-]*$/.test(prefix) || /^xml/i.test(prefix))) {
    throw new GatewayError('GW_ERR_SIGN_ALGORITHM', {
      zh: `签名前缀 "${prefix}" 无效`,
      en: `invalid signature prefix "${prefix}"`,
    });
  }
  const p = prefix === '' ? '' : `${prefix}:`;

  const { text: canonical, root } = canonicalizeDocument(xml);
  if (root.children.some((c) => c.localName === 'Signature' && c.namespaceUri === DSIG_NS)) {
    throw new GatewayError('GW_ERR_SIGN_ALREADY_SIGNED', {
      zh: '报文根元素下已有 ds:Signature，不能再次签名',
      en: 'the root element already has a ds:Signature; it will not be signed twice',
      fixZh: '提交未签名的报文',
      fixEn: 'submit the unsigned document',
    });
  }

  const content = signedInfoContent(p, profile, digestBase64(profile.digestHash, canonical));
  const signedInfoC14n = `<${p}SignedInfo${signedInfoNamespaces(root, prefix)}>${content}</${p}SignedInfo>`;
  const cert = await signer.certificate();
  const raw = await signer.sign(
    Buffer.from(signedInfoC14n, 'utf8'),
    profile.algorithm,
    options.signal ? { signal: options.signal } : {},
  );
  const signatureValue = signatureValueBytes(raw, profile).toString('base64');

  const signature =
    `<${p}Signature xmlns${prefix === '' ? '' : `:${prefix}`}="${DSIG_NS}">` +
    `<${p}SignedInfo>${content}</${p}SignedInfo>` +
    `<${p}SignatureValue>${signatureValue}</${p}SignatureValue>` +
    `<${p}KeyInfo><${p}KeyName>${escapeC14nText(cert.certNo)}</${p}KeyName>` +
    `<${p}X509Data><${p}X509Certificate>${wrap76(cert.der.toString('base64'))}</${p}X509Certificate></${p}X509Data></${p}KeyInfo>` +
    `</${p}Signature>`;

  // No whitespace is added around the Signature: removing it (the enveloped transform) must give
  // back exactly the text that was digested.
  const before = options.insertBefore
    ? root.children.find((c) => c.localName === options.insertBefore)
    : undefined;
  if (before) return xml.slice(0, before.start) + signature + xml.slice(before.start);
  if (root.selfClosing)
    return `${xml.slice(0, root.endTagStart)}>${signature}</${root.qname}>${xml.slice(root.endTagStart + 2)}`;
  return xml.slice(0, root.endTagStart) + signature + xml.slice(root.endTagStart);
}
