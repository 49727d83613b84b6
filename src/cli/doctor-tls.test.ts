import { describe, expect, it } from 'vitest';
import { TestCa } from '../../test/helpers/tls-pki.js';
import { clientCertificateFindings } from './doctor-tls.js';

describe('doctor: mTLS client certificates', () => {
  it('reports each client certificate as valid, expiring within 30 days, or expired', () => {
    const ca = new TestCa('Enterprise CA');
    const now = Date.now();
    const cert = (days: number) =>
      ca.issue('client', { notAfter: new Date(now + days * 86_400_000) }).cert;
    const findings = clientCertificateFindings(
      {
        transports: [
          { name: 'ok', tls: { cert: cert(200) } },
          { name: 'soon', tls: { cert: cert(10) } },
          { name: 'plain' },
        ] as never,
        receiptSources: [{ name: 'feed', tls: { cert: cert(-1) } }] as never,
      },
      now,
    );
    expect(findings.map((f) => [f.what, f.level])).toEqual([
      ['transport ok client certificate', 'ok'],
      ['transport soon client certificate', 'warn'],
      ['receipts feed client certificate', 'fail'],
    ]);
    expect(findings[1]!.detail).toMatch(/\((9|10) days\) \/ 客户端证书即将过期/);
  });
});
