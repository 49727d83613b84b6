/**
 * Signature algorithm profiles: which SignatureMethod and DigestMethod URIs go into SignedInfo
 * and which hash computes the DigestValue. The SM2 URIs are not settled in the field (see
 * reference/eport-formats.md §6.2), so they come as presets and can be overridden per route.
 */
import { createHash } from 'node:crypto';
import { GatewayError } from '../core/errors.js';
import type { SignatureAlgorithm } from './signer.js';

export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
/** Inclusive Canonical XML 1.0 without comments. */
export const C14N_URI = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const ENVELOPED_SIGNATURE_URI = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** Every URI the gateway writes or accepts. */
export const URIS = {
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  /** 202205 CEB spec (海关跨境电商统一版 202205). */
  chinaportSm2Sm3: 'http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3',
  chinaportSm3: 'http://www.chinaport.gov.cn/2022/04/xmldsig#sm3',
  /** What a widely used open-source U-key signer writes (with a SHA-1 digest). */
  w3Sm2Sm3: 'http://www.w3.org/2000/09/xmldsig#sm2-sm3',
  /** Seen in some SM implementations for SM3 under the W3C namespace. */
  w3Sm3: 'http://www.w3.org/2000/09/xmldsig#sm3',
} as const;

/** Hash functions, by node:crypto name. */
export type DigestHash = 'sha1' | 'sha256' | 'sm3';

/** Named URI sets for SM2-SM3. RSA algorithms always use the W3C URIs. */
export type UriPreset = 'chinaport-2022' | 'w3-sm2';

/** Per-route URI overrides (a preset plus any of these). */
export interface UriOverrides {
  readonly preset?: UriPreset;
  readonly signatureMethodUri?: string;
  readonly digestMethodUri?: string;
  /** Needed only when digestMethodUri is not one the gateway knows. */
  readonly digestHash?: DigestHash;
  /** SM2 only: how SignatureValue is encoded (default 'raw'). */
  readonly sm2Encoding?: Sm2Encoding;
}

/** How SM2 signature values are written in ds:SignatureValue. */
export type Sm2Encoding = 'raw' | 'der';

export interface AlgorithmProfile {
  readonly algorithm: SignatureAlgorithm;
  readonly signatureMethodUri: string;
  readonly digestMethodUri: string;
  /** Hash of the canonical document for DigestValue. */
  readonly digestHash: DigestHash;
  /** SM2 only: 'raw' = 64-byte r‖s as operator cards return it (default), 'der' = ASN.1 SEQUENCE. */
  readonly sm2Encoding?: Sm2Encoding;
}

const DIGEST_BY_URI: Readonly<Record<string, DigestHash>> = {
  [URIS.sha1]: 'sha1',
  [URIS.sha256]: 'sha256',
  [URIS.chinaportSm3]: 'sm3',
  [URIS.w3Sm3]: 'sm3',
};

const ALGORITHM_BY_URI: Readonly<Record<string, SignatureAlgorithm>> = {
  [URIS.rsaSha1]: 'rsa-sha1',
  [URIS.rsaSha256]: 'rsa-sha256',
  [URIS.chinaportSm2Sm3]: 'sm2-sm3',
  [URIS.w3Sm2Sm3]: 'sm2-sm3',
};

const BASE: Readonly<Record<SignatureAlgorithm, Omit<AlgorithmProfile, 'algorithm'>>> = {
  'rsa-sha1': { signatureMethodUri: URIS.rsaSha1, digestMethodUri: URIS.sha1, digestHash: 'sha1' },
  'rsa-sha256': {
    signatureMethodUri: URIS.rsaSha256,
    digestMethodUri: URIS.sha256,
    digestHash: 'sha256',
  },
  'sm2-sm3': {
    signatureMethodUri: URIS.chinaportSm2Sm3,
    digestMethodUri: URIS.chinaportSm3,
    digestHash: 'sm3',
    sm2Encoding: 'raw',
  },
};

const SM2_PRESETS: Readonly<Record<UriPreset, Omit<AlgorithmProfile, 'algorithm'>>> = {
  'chinaport-2022': BASE['sm2-sm3'],
  'w3-sm2': {
    signatureMethodUri: URIS.w3Sm2Sm3,
    digestMethodUri: URIS.sha1,
    digestHash: 'sha1',
    sm2Encoding: 'raw',
  },
};

/** The hash a DigestMethod URI names, or undefined when unknown. */
export function digestHashForUri(uri: string): DigestHash | undefined {
  return DIGEST_BY_URI[uri];
}

/** The algorithm a SignatureMethod URI names, or undefined when unknown. */
export function algorithmForUri(uri: string): SignatureAlgorithm | undefined {
  return ALGORITHM_BY_URI[uri];
}

/**
 * The profile for an algorithm, a preset name (ignored for RSA) or overrides.
 * Throws GW_ERR_SIGN_ALGORITHM for an unknown algorithm or a digest URI whose hash is not given.
 */
export function resolveProfile(
  algorithm: SignatureAlgorithm,
  uris?: UriPreset | UriOverrides,
): AlgorithmProfile {
  const o: UriOverrides = typeof uris === 'string' ? { preset: uris } : (uris ?? {});
  let base = BASE[algorithm];
  if (!base) {
    throw new GatewayError('GW_ERR_SIGN_ALGORITHM', {
      zh: `未知的签名算法 "${String(algorithm)}"（可用：rsa-sha1、rsa-sha256、sm2-sm3）`,
      en: `unknown signature algorithm "${String(algorithm)}" (use rsa-sha1, rsa-sha256 or sm2-sm3)`,
    });
  }
  if (algorithm === 'sm2-sm3' && o.preset) {
    base = SM2_PRESETS[o.preset];
    if (!base) {
      throw new GatewayError('GW_ERR_SIGN_ALGORITHM', {
        zh: `未知的 SM2 URI 预设 "${String(o.preset)}"（可用：chinaport-2022、w3-sm2）`,
        en: `unknown SM2 URI preset "${String(o.preset)}" (use chinaport-2022 or w3-sm2)`,
      });
    }
  }
  const digestMethodUri = o.digestMethodUri ?? base.digestMethodUri;
  const digestHash =
    o.digestHash ?? (o.digestMethodUri ? digestHashForUri(o.digestMethodUri) : base.digestHash);
  if (!digestHash) {
    throw new GatewayError('GW_ERR_SIGN_ALGORITHM', {
      zh: `DigestMethod "${digestMethodUri}" 未知，请同时配置 digestHash（sha1、sha256 或 sm3）`,
      en: `DigestMethod "${digestMethodUri}" is unknown; configure digestHash too (sha1, sha256 or sm3)`,
    });
  }
  return {
    ...base,
    algorithm,
    signatureMethodUri: o.signatureMethodUri ?? base.signatureMethodUri,
    digestMethodUri,
    digestHash,
    ...(algorithm === 'sm2-sm3' ? { sm2Encoding: o.sm2Encoding ?? base.sm2Encoding ?? 'raw' } : {}),
  };
}

/** The hash an algorithm signs with (RSA PKCS#1 v1.5 digest, or SM3 inside SM2). */
export function signingHashOf(algorithm: SignatureAlgorithm): DigestHash {
  return algorithm === 'rsa-sha1' ? 'sha1' : algorithm === 'rsa-sha256' ? 'sha256' : 'sm3';
}

/** Digest of data with a profile's hash, as DigestValue wants it (base64). */
export function digestBase64(hash: DigestHash, data: string | Uint8Array): string {
  return createHash(hash).update(data).digest('base64');
}
