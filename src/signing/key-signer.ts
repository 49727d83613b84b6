/**
 * A Signer over a private key held in memory (a node:crypto KeyObject, parsed once): RSA keys sign
 * rsa-sha1/rsa-sha256 with node:crypto, SM2 keys sign sm2-sm3 with the GM/T 0009 signer id.
 * Used by the soft-key signer and the fake signer.
 */
import { X509Certificate, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { GatewayError } from '../core/errors.js';
import { signingHashOf } from './algorithms.js';
import type { SignatureAlgorithm, Signer, SignerCertificate } from './signer.js';
import { SM2_DEFAULT_ID, sm2KeyFromKeyObject, sm2Sign, sm2Z } from './sm2.js';

export interface KeySignerArgs {
  readonly name: string;
  readonly kind: Signer['kind'];
  readonly key: KeyObject;
  readonly certificateDer: Buffer;
  /** ds:KeyName; default the certificate serial number in lower-case hex. */
  readonly certNo?: string;
  /** SM2 signer id; default 1234567812345678. */
  readonly sm2Id?: string;
  /** Where the key came from, for error texts. */
  readonly source?: string;
}

/** The subject DN on one line (`CN=…, O=…`). */
export function subjectLine(x509: X509Certificate): string {
  return x509.subject.split('\n').join(', ');
}

/** The certificate facts a Signer reports. */
export function describeCertificate(der: Buffer, certNo?: string): SignerCertificate {
  const x509 = new X509Certificate(der);
  return {
    der,
    certNo: certNo ?? x509.serialNumber.toLowerCase(),
    subject: subjectLine(x509),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
  };
}

/** Algorithms a private key can produce; throws GW_ERR_SIGN_KEY for other key types. */
function keyAlgorithms(
  key: KeyObject,
  source: string,
): { algorithms: SignatureAlgorithm[]; sm2?: ReturnType<typeof sm2KeyFromKeyObject> } {
  if (key.asymmetricKeyType === 'rsa') return { algorithms: ['rsa-sha1', 'rsa-sha256'] };
  const sm2 = sm2KeyFromKeyObject(key);
  if (sm2) return { algorithms: ['sm2-sm3'], sm2 };
  throw new GatewayError('GW_ERR_SIGN_KEY', {
    where: source,
    zh: `不支持的密钥类型 ${key.asymmetricKeyType ?? '未知'}：只支持 RSA 和 SM2`,
    en: `unsupported key type ${key.asymmetricKeyType ?? 'unknown'}: only RSA and SM2 keys are supported`,
  });
}

/** True when the certificate carries the public half of `key`. */
export function certificateMatchesKey(certDer: Buffer, key: KeyObject): boolean {
  const certSpki = new X509Certificate(certDer).publicKey.export({ type: 'spki', format: 'der' });
  const keySpki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return certSpki.equals(keySpki);
}

/** The GW_ERR_SIGN_CERT_EXPIRED error for a certificate, naming it and where it came from. */
export function certificateExpiredError(cert: SignerCertificate, source: string): GatewayError {
  return new GatewayError('GW_ERR_SIGN_CERT_EXPIRED', {
    where: source,
    zh: `签名证书（${cert.subject}，证书号 ${cert.certNo}）已于 ${cert.notAfter.toISOString()} 过期`,
    en: `signing certificate (${cert.subject}, no. ${cert.certNo}) expired at ${cert.notAfter.toISOString()}`,
    fixZh: '更换为有效的证书和密钥后重新加载',
    fixEn: 'install a valid certificate and key, then reload',
  });
}

/**
 * Builds the Signer. Does not check validity dates at creation (the loaders do); `sign` refuses
 * once the certificate has expired, so a long-running daemon stops signing on the expiry day.
 */
export function createKeySigner(args: KeySignerArgs): Signer {
  const source = args.source ?? args.name;
  const { algorithms, sm2 } = keyAlgorithms(args.key, source);
  const cert = describeCertificate(args.certificateDer, args.certNo);
  const z = sm2 ? sm2Z(sm2.publicKey, args.sm2Id ?? SM2_DEFAULT_ID) : undefined;
  const key = args.key;
  let closed = false;
  return {
    name: args.name,
    kind: args.kind,
    algorithms,
    certificate: async () => cert,
    async sign(
      data: Buffer,
      algorithm: SignatureAlgorithm,
      options?: { signal?: AbortSignal },
    ): Promise<Buffer> {
      options?.signal?.throwIfAborted();
      if (closed)
        throw new GatewayError('GW_ERR_SIGN_FAILED', {
          where: source,
          zh: '签名器已关闭',
          en: 'signer is closed',
        });
      if (!algorithms.includes(algorithm)) {
        throw new GatewayError('GW_ERR_SIGN_ALGORITHM', {
          where: source,
          zh: `此密钥不能做 ${algorithm} 签名（可用：${algorithms.join('、')}）`,
          en: `this key cannot sign ${algorithm} (it can: ${algorithms.join(', ')})`,
          fixZh: '把通道的签名算法改成与密钥相符的算法',
          fixEn: "set the channel's signature algorithm to one the key supports",
        });
      }
      if (Date.now() > cert.notAfter.getTime()) throw certificateExpiredError(cert, source);
      try {
        if (sm2 && z) return sm2Sign(data, sm2, z);
        return cryptoSign(signingHashOf(algorithm), data, key);
      } catch (err) {
        throw new GatewayError(
          'GW_ERR_SIGN_FAILED',
          {
            where: source,
            zh: `签名运算失败：${String(err)}`,
            en: `signing failed: ${String(err)}`,
          },
          { cause: err },
        );
      }
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}
