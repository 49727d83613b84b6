import { readFileSync } from 'node:fs';
import { assertTlsLoads, normalisePin, type ClientTls } from '../core/tls-client.js';
import type { ConfigProblem } from './config-problem.js';
import type { ClientTlsConfig } from './schema.js';

type SecretRef = { env?: string | undefined; file?: string | undefined };

/**
 * Reads the files of a `tls:` block (certificate, CA, key as a secret) and checks that they load
 * together, so a missing file or a wrong passphrase is a config problem at start, not a failed send.
 */
export function resolveClientTls(
  t: ClientTlsConfig | undefined,
  path: string,
  abs: (p: string) => string,
  readSecret: (s: SecretRef, path: string) => string | undefined,
  problems: ConfigProblem[],
): ClientTls | undefined {
  if (!t) return undefined;
  const before = problems.length;
  const readPem = (file: string, where: string): string | undefined => {
    try {
      return readFileSync(abs(file), 'utf8');
    } catch (err) {
      problems.push({
        path: where,
        message: `cannot read ${abs(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} / 无法读取证书文件`,
        fix: 'give the path of a PEM file (relative to the config file) that the gateway user can read',
      });
      return undefined;
    }
  };
  const cert = t.cert ? readPem(t.cert, `${path}.cert`) : undefined;
  const key = t.key ? readSecret(t.key, `${path}.key`) : undefined;
  const passphrase = t.passphrase ? readSecret(t.passphrase, `${path}.passphrase`) : undefined;
  const ca = (typeof t.ca === 'string' ? [t.ca] : (t.ca ?? [])).map((f, i) =>
    readPem(f, typeof t.ca === 'string' ? `${path}.ca` : `${path}.ca[${i}]`),
  );
  const pins: string[] = [];
  for (const [i, p] of (typeof t.pinSha256 === 'string'
    ? [t.pinSha256]
    : (t.pinSha256 ?? [])
  ).entries()) {
    const pin = normalisePin(p);
    if (pin) pins.push(pin);
    else {
      problems.push({
        path: typeof t.pinSha256 === 'string' ? `${path}.pinSha256` : `${path}.pinSha256[${i}]`,
        message: `"${p}" is not a SHA-256 digest / 不是 SHA-256 摘要`,
        fix: 'openssl x509 -in server.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64',
      });
    }
  }
  if (problems.length > before) return undefined;
  const tls: ClientTls = {
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
    ...(ca.length ? { ca: ca as string[] } : {}),
    ...(pins.length ? { pinSha256: pins } : {}),
  };
  try {
    assertTlsLoads(tls);
  } catch (err) {
    problems.push({
      path,
      message: `client certificate, key or CA cannot be loaded: ${(err as Error).message} / 客户端证书、私钥或 CA 无法加载`,
      fix: 'check that key and cert belong together, the passphrase is right, and the files are PEM',
    });
    return undefined;
  }
  return tls;
}
