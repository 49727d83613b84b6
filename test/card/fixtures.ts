/** Test identities (RSA-2048 key + self-signed certificate) and a log recorder for the card tests. */
import { X509Certificate } from 'node:crypto';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';
import type { CardLog } from '../../src/signing/pcsc/index.js';
import { certPemToDer } from './emulator/protocol.js';

export interface CardIdentity {
  readonly keyPem: string;
  readonly certPem: string;
  readonly certDer: Buffer;
  readonly x509: X509Certificate;
}

/** A fresh identity; `expiredDaysAgo` makes one whose certificate has already expired. */
export function cardIdentity(
  commonName: string,
  options: { expiredDaysAgo?: number } = {},
): CardIdentity {
  const id = options.expiredDaysAgo
    ? generateSelfSignedIdentity({
        commonName,
        days: 30,
        notBefore: new Date(Date.now() - (options.expiredDaysAgo + 30) * 86_400_000),
      })
    : generateSelfSignedIdentity({ commonName, days: 365 });
  const certDer = certPemToDer(id.certPem);
  return { keyPem: id.keyPem, certPem: id.certPem, certDer, x509: new X509Certificate(certDer) };
}

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly obj: object;
  readonly msg: string;
}

/** A CardLog that keeps every line (set CARD_TEST_LOG=1 to also print them). */
export function recordingLog(): CardLog & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const put = (level: LogLine['level']) => (obj: object, msg: string) => {
    lines.push({ level, obj, msg });
    if (process.env.CARD_TEST_LOG === '1') console.log(level, msg, JSON.stringify(obj));
  };
  return {
    lines,
    debug: put('debug'),
    info: put('info'),
    warn: put('warn'),
    error: put('error'),
    text: () => lines.map((l) => `${l.level} ${l.msg} ${JSON.stringify(l.obj)}`).join('\n'),
  };
}
