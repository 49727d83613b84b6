/**
 * The soft-key signer: private key and certificate from a PEM file (either order; PKCS#8, PKCS#1
 * or SEC1 keys, encrypted PKCS#8 with a passphrase) or a PKCS#12 (.p12/.pfx) file. node-forge only
 * parses PKCS#12; the key is loaded once into a node:crypto KeyObject and signs from there.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import forge from 'node-forge';
import { GatewayError } from '../core/errors.js';
import {
  certificateExpiredError,
  certificateMatchesKey,
  createKeySigner,
  describeCertificate,
} from './key-signer.js';
import type { Signer } from './signer.js';

export interface SoftKeyOptions {
  readonly name: string;
  /** PEM file with key and certificate(s), or a PKCS#12 file. */
  readonly path: string;
  readonly passphrase?: string;
  /** ds:KeyName; default the certificate serial number in lower-case hex. */
  readonly certNo?: string;
  /** SM2 signer id; default 1234567812345678. */
  readonly sm2Id?: string;
  /** Clock for the validity check (tests). */
  readonly now?: Date;
}

interface KeyMaterial {
  readonly key: KeyObject;
  readonly certs: Buffer[];
}

function keyError(
  path: string,
  zh: string,
  en: string,
  fixZh: string,
  fixEn: string,
  cause?: unknown,
): GatewayError {
  return new GatewayError(
    'GW_ERR_SIGN_KEY',
    { where: path, zh, en, fixZh, fixEn },
    cause === undefined ? undefined : { cause },
  );
}

function wrongPassphrase(path: string, given: boolean, cause?: unknown): GatewayError {
  return given
    ? keyError(
        path,
        `密钥文件 ${path} 的口令不正确`,
        `wrong passphrase for key file ${path}`,
        '检查签名器配置中的 passphrase（或它引用的环境变量/文件）',
        'check the signer passphrase in the configuration (or the env variable / file it points to)',
        cause,
      )
    : keyError(
        path,
        `密钥文件 ${path} 已加密，但未配置口令`,
        `key file ${path} is encrypted but no passphrase is configured`,
        '在签名器配置中设置 passphrase',
        'set passphrase for this signer in the configuration',
        cause,
      );
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function fromPem(path: string, text: string, passphrase: string | undefined): KeyMaterial {
  const keys: string[] = [];
  const certs: Buffer[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const label = m[1] as string;
    if (label.endsWith('PRIVATE KEY')) keys.push(m[0]);
    else if (label === 'CERTIFICATE')
      certs.push(Buffer.from(m[0].replace(/-----[^-]+-----|\s/g, ''), 'base64'));
  }
  if (keys.length !== 1) {
    throw keyError(
      path,
      keys.length === 0 ? `${path} 中没有私钥` : `${path} 中有 ${keys.length} 个私钥，只能有一个`,
      keys.length === 0
        ? `no private key in ${path}`
        : `${path} holds ${keys.length} private keys; exactly one is allowed`,
      '把私钥（PEM）和证书放在同一个文件中，或改用 PKCS#12 文件',
      'put the private key (PEM) and its certificate in one file, or use a PKCS#12 file',
    );
  }
  const pem = keys[0] as string;
  const encrypted =
    pem.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY') || /Proc-Type:\s*4,ENCRYPTED/.test(pem);
  if (encrypted && !passphrase) throw wrongPassphrase(path, false);
  try {
    const key = createPrivateKey(
      encrypted
        ? { key: pem, format: 'pem', passphrase: passphrase as string }
        : { key: pem, format: 'pem' },
    );
    return { key, certs };
  } catch (err) {
    if (encrypted) throw wrongPassphrase(path, true, err);
    throw keyError(
      path,
      `${path} 中的私钥无法解析`,
      `the private key in ${path} cannot be parsed`,
      '用 openssl pkey -in 文件 检查密钥',
      'check the key with: openssl pkey -in FILE',
      err,
    );
  }
}

function fromPkcs12(path: string, bytes: Buffer, passphrase: string | undefined): KeyMaterial {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(bytes.toString('binary'));
    try {
      p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase ?? '');
    } catch (err) {
      // forge words it "PKCS#12 MAC could not be verified. Invalid password?" or "...wrong password?".
      if (/password/i.test(String(err)))
        throw wrongPassphrase(path, passphrase !== undefined && passphrase !== '', err);
      throw err;
    }
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw keyError(
      path,
      `${path} 既不是 PEM 也不是 PKCS#12 文件`,
      `${path} is neither a PEM nor a PKCS#12 file`,
      '提供含私钥和证书的 PEM 文件，或 .p12/.pfx 文件',
      'provide a PEM file with the key and certificate, or a .p12/.pfx file',
      err,
    );
  }
  const keys: Buffer[] = [];
  const certs: Buffer[] = [];
  for (const safe of p12.safeContents) {
    for (const bag of safe.safeBags) {
      // forge keeps the raw ASN.1 of keys and certificates it cannot model (SM2, EC).
      const raw = (bag as { asn1?: forge.asn1.Asn1 }).asn1;
      if (bag.type === forge.pki.oids.certBag) {
        const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : raw;
        if (asn1) certs.push(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
      } else if (
        bag.type === forge.pki.oids.pkcs8ShroudedKeyBag ||
        bag.type === forge.pki.oids.keyBag
      ) {
        const asn1 = bag.key
          ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))
          : raw;
        if (asn1) keys.push(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
      }
    }
  }
  if (keys.length !== 1) {
    throw keyError(
      path,
      `${path} 中应有且只有一个私钥（找到 ${keys.length} 个）`,
      `${path} must hold exactly one private key (found ${keys.length})`,
      '重新导出 PKCS#12，只包含签名证书及其私钥',
      'export the PKCS#12 again with just the signing certificate and its key',
    );
  }
  try {
    return {
      key: createPrivateKey({ key: keys[0] as Buffer, format: 'der', type: 'pkcs8' }),
      certs,
    };
  } catch (err) {
    throw keyError(
      path,
      `${path} 中的私钥无法解析`,
      `the private key in ${path} cannot be parsed`,
      '重新导出 PKCS#12',
      'export the PKCS#12 again',
      err,
    );
  }
}

/**
 * Loads a soft key and returns its Signer. Throws GatewayError GW_ERR_SIGN_KEY (unreadable file,
 * wrong or missing passphrase, no matching certificate, unsupported key, not yet valid) or
 * GW_ERR_SIGN_CERT_EXPIRED (certificate past notAfter).
 */
export async function loadSoftKeySigner(options: SoftKeyOptions): Promise<Signer> {
  const { path } = options;
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw keyError(
      path,
      `无法读取密钥文件 ${path}：${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      `cannot read key file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      '检查签名器配置中的 key 路径和文件权限',
      'check the key path in the signer configuration and the file permissions',
      err,
    );
  }
  const text = bytes.toString('latin1');
  const material = text.includes('-----BEGIN')
    ? fromPem(path, text, options.passphrase)
    : fromPkcs12(path, bytes, options.passphrase);

  let certDer: Buffer | undefined;
  try {
    certDer = material.certs.find((c) => certificateMatchesKey(c, material.key));
  } catch (err) {
    throw keyError(
      path,
      `${path} 中的证书无法解析`,
      `a certificate in ${path} cannot be parsed`,
      '用 openssl x509 检查证书',
      'check the certificate with openssl x509',
      err,
    );
  }
  if (!certDer) {
    throw keyError(
      path,
      material.certs.length === 0 ? `${path} 中没有证书` : `${path} 中没有与私钥匹配的证书`,
      material.certs.length === 0
        ? `no certificate in ${path}`
        : `no certificate in ${path} matches the private key`,
      '把签名证书（与私钥配对）加入同一文件',
      'add the signing certificate that belongs to the key to the same file',
    );
  }
  const x509 = new X509Certificate(certDer);
  const cert = describeCertificate(certDer, options.certNo);
  const now = (options.now ?? new Date()).getTime();
  if (now > new Date(x509.validTo).getTime()) throw certificateExpiredError(cert, path);
  if (now < new Date(x509.validFrom).getTime()) {
    throw keyError(
      path,
      `签名证书（证书号 ${cert.certNo}）尚未生效，生效时间 ${cert.notBefore.toISOString()}`,
      `signing certificate (no. ${cert.certNo}) is not valid before ${cert.notBefore.toISOString()}`,
      '检查系统时间，或等证书生效后再加载',
      'check the system clock, or load the certificate once it is valid',
    );
  }
  return createKeySigner({
    name: options.name,
    kind: 'soft-key',
    key: material.key,
    certificateDer: certDer,
    source: path,
    ...(options.certNo !== undefined ? { certNo: options.certNo } : {}),
    ...(options.sm2Id !== undefined ? { sm2Id: options.sm2Id } : {}),
  });
}
