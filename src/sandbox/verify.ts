/**
 * Verification of the enveloped XML-DSig customs expects on a business message (eport-formats.md
 * §6.1): one `ds:Signature` directly under the root, inclusive C14N, a single `Reference URI=""`
 * with the enveloped-signature transform, rsa-sha1 or rsa-sha256, the signer's certificate in
 * `ds:X509Certificate`. The crypto is xml-crypto's; this file decides what is acceptable.
 */
import { X509Certificate } from 'node:crypto';
import type { Document, Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { DSIG_NS } from './namespaces.js';
import { childElement, childElements } from './dom.js';
import { checkWithOwnC14n } from './verify-own.js';

const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const C14N_WITH_COMMENTS = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export const SIGNATURE_METHODS: Readonly<Record<string, 'rsa-sha1' | 'rsa-sha256'>> = {
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': 'rsa-sha1',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': 'rsa-sha256',
};
export const DIGEST_METHODS = new Set([
  'http://www.w3.org/2000/09/xmldsig#sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256',
]);
export const CANONICALISATIONS = new Set([C14N, C14N_WITH_COMMENTS]);

/** Why a signature was refused. */
export type SignatureFailure = 'missing' | 'invalid' | 'untrusted' | 'expired';

export type SignatureCheck =
  | {
      readonly ok: true;
      /** The signed content: canonical form of the document without its signature. Read business fields from this, not from the raw text. */
      readonly signedXml: string;
      readonly algorithm: 'rsa-sha1' | 'rsa-sha256';
      readonly certificate: X509Certificate;
    }
  | {
      readonly ok: false;
      readonly failure: SignatureFailure;
      readonly zh: string;
      readonly en: string;
    };

export interface VerifyOptions {
  /** When given, the signer certificate must be one of these (compared by DER bytes). */
  readonly trusted?: readonly X509Certificate[];
  /** Clock for the validity check; defaults to now. */
  readonly now?: Date;
  /** `xml-crypto` (default, independent of the signing code) or `own` (the gateway's C14N, fast). */
  readonly verifier?: 'xml-crypto' | 'own';
}

export function fail(failure: SignatureFailure, zh: string, en: string): SignatureCheck {
  const prefix =
    failure === 'missing' ? '' : failure === 'expired' ? '数字签名过期：' : '数字签名无效：';
  const enPrefix =
    failure === 'missing'
      ? ''
      : failure === 'expired'
        ? 'signature expired: '
        : 'signature invalid: ';
  return { ok: false, failure, zh: `${prefix}${zh}`, en: `${enPrefix}${en}` };
}

function algorithmOf(el: Element | undefined): string {
  return el?.getAttribute('Algorithm') ?? '';
}

/** Checks the shape of SignedInfo against the profile; returns a failure or the signature algorithm. */
function checkProfile(signature: Element): SignatureCheck | 'rsa-sha1' | 'rsa-sha256' {
  const signedInfos = childElements(signature, 'SignedInfo', DSIG_NS);
  const signedInfo = signedInfos[0];
  if (!signedInfo || signedInfos.length > 1)
    return fail('invalid', '应有且仅有一个 SignedInfo', 'exactly one SignedInfo is required');
  const c14n = algorithmOf(childElement(signedInfo, 'CanonicalizationMethod', DSIG_NS));
  if (!CANONICALISATIONS.has(c14n)) {
    return fail(
      'invalid',
      `不支持的规范化方法 ${c14n || '（空）'}，应为 inclusive C14N`,
      `unsupported canonicalisation ${c14n || '(none)'}; inclusive C14N is required`,
    );
  }
  const method = algorithmOf(childElement(signedInfo, 'SignatureMethod', DSIG_NS));
  const algorithm = SIGNATURE_METHODS[method];
  if (!algorithm) {
    return fail(
      'invalid',
      `不支持的签名算法 ${method || '（空）'}`,
      `unsupported signature method ${method || '(none)'}`,
    );
  }
  const references = childElements(signedInfo, 'Reference', DSIG_NS);
  const reference = references[0];
  if (!reference || references.length > 1 || reference.getAttribute('URI') !== '') {
    return fail(
      'invalid',
      '应有且仅有一个 URI="" 的 Reference（对整个报文签名）',
      'exactly one Reference with URI="" (whole document) is required',
    );
  }
  const transforms = childElement(reference, 'Transforms', DSIG_NS);
  const transformAlgorithms = transforms
    ? childElements(transforms, 'Transform', DSIG_NS).map(algorithmOf)
    : [];
  if (
    !transformAlgorithms.includes(ENVELOPED) ||
    transformAlgorithms.some((a) => a !== ENVELOPED && !CANONICALISATIONS.has(a))
  ) {
    return fail(
      'invalid',
      'Reference 的变换应为 enveloped-signature（可加 inclusive C14N）',
      'Reference transforms must be enveloped-signature (plus optional inclusive C14N)',
    );
  }
  const digest = algorithmOf(childElement(reference, 'DigestMethod', DSIG_NS));
  if (!DIGEST_METHODS.has(digest)) {
    return fail(
      'invalid',
      `不支持的摘要算法 ${digest || '（空）'}`,
      `unsupported digest method ${digest || '(none)'}`,
    );
  }
  return algorithm;
}

/** Reads the signer certificate from KeyInfo/X509Data/X509Certificate. */
export function certificateOf(signature: Element): X509Certificate | SignatureCheck {
  const keyInfo = childElement(signature, 'KeyInfo', DSIG_NS);
  const x509Data = keyInfo ? childElement(keyInfo, 'X509Data', DSIG_NS) : undefined;
  const certEl = x509Data ? childElement(x509Data, 'X509Certificate', DSIG_NS) : undefined;
  const b64 = (certEl?.textContent ?? '').replace(/\s+/g, '');
  if (!b64)
    return fail(
      'invalid',
      'KeyInfo 中缺少 X509Certificate 签名证书',
      'KeyInfo carries no X509Certificate',
    );
  try {
    return new X509Certificate(Buffer.from(b64, 'base64'));
  } catch {
    return fail('invalid', '签名证书无法解析', 'the signer certificate cannot be parsed');
  }
}

/** Why a signer certificate is not accepted (untrusted, out of date, not RSA), or undefined. */
export function refuseCertificate(
  certificate: X509Certificate,
  options: VerifyOptions,
): SignatureCheck | undefined {
  if (options.trusted && !options.trusted.some((t) => t.raw.equals(certificate.raw))) {
    return fail('untrusted', '签名证书不在信任列表中', 'the signer certificate is not trusted');
  }
  const now = options.now ?? new Date();
  if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) {
    return fail(
      'expired',
      `签名证书不在有效期内（${certificate.validFrom} 至 ${certificate.validTo}）`,
      `the signer certificate is not valid now (${certificate.validFrom} to ${certificate.validTo})`,
    );
  }
  if (certificate.publicKey.asymmetricKeyType !== 'rsa') {
    return fail(
      'invalid',
      '签名证书不是 RSA 证书',
      'the signer certificate is not an RSA certificate',
    );
  }
  return undefined;
}

/**
 * Verifies the enveloped signature of `text` (whose parsed DOM is `doc`).
 * Never throws for a bad signature; returns the reason in Chinese and English.
 */
export function verifyEnvelopedSignature(
  text: string,
  doc: Document,
  options: VerifyOptions = {},
): SignatureCheck {
  const root = doc.documentElement;
  if (!root) return fail('invalid', '报文为空', 'empty document');
  const all = doc.getElementsByTagNameNS(DSIG_NS, 'Signature');
  const atRoot = childElements(root, 'Signature', DSIG_NS);
  if (all.length === 0)
    return fail(
      'missing',
      '报文缺少数字签名（ds:Signature）',
      'signature missing (no ds:Signature)',
    );
  const signature = atRoot[0];
  if (!signature || atRoot.length !== 1 || all.length !== 1) {
    return fail(
      'invalid',
      '报文应有且仅有一个位于根元素下的 ds:Signature',
      'exactly one ds:Signature directly under the root is required',
    );
  }
  const profile = checkProfile(signature);
  if (typeof profile !== 'string') return profile;
  const certificate = certificateOf(signature);
  if (!(certificate instanceof X509Certificate)) return certificate;
  const refused = refuseCertificate(certificate, options);
  if (refused) return refused;
  if (options.verifier === 'own') {
    const own = checkWithOwnC14n(text, signature, profile, certificate);
    if (own.ok) return { ok: true, signedXml: own.signedXml, algorithm: profile, certificate };
    return own.what === 'digest'
      ? fail(
          'invalid',
          '报文内容与签名不符（摘要校验失败）',
          'the content does not match the signature (digest mismatch)',
        )
      : fail('invalid', '签名值校验失败', 'the signature value does not verify');
  }
  const verifier = new SignedXml({
    publicCert: certificate.toString(),
    getCertFromKeyInfo: () => null,
  });
  try {
    // xml-crypto re-parses the text and finds this signature again by its SignatureValue.
    verifier.loadSignature(signature as unknown as Node);
    if (verifier.checkSignature(text) !== true) {
      return fail(
        'invalid',
        '报文内容与签名不符（摘要校验失败）',
        'the content does not match the signature (digest mismatch)',
      );
    }
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return fail('invalid', `签名校验失败（${detail}）`, `verification failed (${detail})`);
  }
  const signed = verifier.getSignedReferences();
  const signedXml = signed[0];
  if (signed.length !== 1 || signedXml === undefined) {
    return fail('invalid', '签名引用数量异常', 'unexpected number of signed references');
  }
  return { ok: true, signedXml, algorithm: profile, certificate };
}
