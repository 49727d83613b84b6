import type { ResolvedHttp } from '../config/resolve-http.js';

/**
 * HTTPS options for the API. With a client CA, every client must present a certificate that CA
 * signed (mutual TLS) before any request is read; bearer tokens are still required on top.
 */
export function httpsOptions(tls: NonNullable<ResolvedHttp['tls']>): {
  cert: string;
  key: string;
  ca?: string;
  requestCert: boolean;
  rejectUnauthorized: boolean;
  minVersion: 'TLSv1.2';
} {
  return {
    cert: tls.cert,
    key: tls.key,
    minVersion: 'TLSv1.2',
    ...(tls.clientCa
      ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true }
      : { requestCert: false, rejectUnauthorized: false }),
  };
}
