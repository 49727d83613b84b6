import { X509Certificate } from 'node:crypto';
import type { GatewayConfig } from '../config/resolve.js';
import type { ClientTls } from '../core/tls-client.js';

const DAY = 86_400_000;
/** Warn this long before a client certificate expires: renewing one takes the data centre days. */
const WARN_DAYS = 30;

/** What `eport doctor` says about each mTLS client certificate: valid, expiring soon, or expired. */
export interface TlsFinding {
  readonly level: 'ok' | 'warn' | 'fail';
  readonly what: string;
  readonly detail: string;
}

export function clientCertificateFindings(
  config: Pick<GatewayConfig, 'transports' | 'receiptSources'>,
  now = Date.now(),
): TlsFinding[] {
  const withTls = [
    ...config.transports.map(
      (t) => [`transport ${t.name}`, (t as { tls?: ClientTls }).tls] as const,
    ),
    ...config.receiptSources.map(
      (r) => [`receipts ${r.name}`, (r as { tls?: ClientTls }).tls] as const,
    ),
  ];
  return withTls.flatMap(([what, tls]): TlsFinding[] => {
    if (!tls?.cert) return [];
    const cert = new X509Certificate(tls.cert);
    const notAfter = Date.parse(cert.validTo);
    const days = Math.floor((notAfter - now) / DAY);
    const where = `${what} client certificate`;
    if (notAfter <= now)
      return [
        {
          level: 'fail',
          what: where,
          detail: `expired ${cert.validTo}: the server will refuse it / 客户端证书已过期`,
        },
      ];
    if (days < WARN_DAYS)
      return [
        {
          level: 'warn',
          what: where,
          detail: `expires ${cert.validTo} (${days} days) / 客户端证书即将过期`,
        },
      ];
    return [{ level: 'ok', what: where, detail: `valid until ${cert.validTo}` }];
  });
}
