import { describe, expect, it } from 'vitest';
import { certificateStatus } from './certificate-watch.js';
import type { Signer, SignerCertificate } from './signer.js';

const signerExpiring = (notAfter: Date): Signer => ({
  name: 's',
  kind: 'fake',
  algorithms: ['rsa-sha1'],
  certificate: async (): Promise<SignerCertificate> => ({
    der: Buffer.alloc(0),
    certNo: '01',
    subject: 'CN=x',
    notBefore: new Date(0),
    notAfter,
  }),
  sign: async () => Buffer.alloc(0),
  close: async () => {},
});

describe('certificateStatus', () => {
  const now = new Date('2026-11-27T00:00:00Z');
  const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000 + 3_600_000);
  it.each([
    [90, 'ok'],
    [29, 30],
    [6, 7],
    [0, 1],
  ] as const)('%i days left -> %s', async (days, level) => {
    expect((await certificateStatus(signerExpiring(inDays(days)), now)).level).toBe(level);
  });
  it('reports an expired certificate', async () => {
    expect(
      (await certificateStatus(signerExpiring(new Date(now.getTime() - 1000)), now)).level,
    ).toBe('expired');
  });
});
