import { X509Certificate } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDecMessage } from '../../../test/helpers/sample-dec-message.js';
import { sm2PublicKeyFromSpki, sm2Verify } from '../sm2.js';
import { signEnveloped, verifyEnveloped } from '../xmldsig.js';
import { createEportServiceSigner, type EportServiceSigner } from './eport-service-signer.js';
import { startFakeEportService, type FakeEportService } from './fake-eport-service.js';
import { sm2TestIdentity, sm2Unavailable } from '../../../test/helpers/sm2-test-identity.js';
import { skipWithout } from '../../../test/helpers/tools.js';

const identity = sm2TestIdentity();
const skipSm2 = skipWithout('E-Port service signer with an SM2 card', sm2Unavailable());

describe.skipIf(skipSm2)('E-Port service signer with an SM2 card', () => {
  let fake: FakeEportService;
  let signer: EportServiceSigner;

  beforeAll(async () => {
    fake = await startFakeEportService({ identity: identity! });
    signer = createEportServiceSigner({
      name: 'sm2-card',
      url: fake.url,
      pin: '88888888',
      timeoutMs: 2_000,
      greetingMs: 50,
      healthIntervalMs: 0,
      log: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await signer.close();
    await fake.close();
  });

  it('learns from the certificate that the card signs sm2-sm3', async () => {
    expect(signer.algorithms).toEqual(['rsa-sha1', 'sm2-sm3']);
    expect((await signer.certificate()).certNo).toBe('03000000000cde6f');
    expect(signer.algorithms).toEqual(['sm2-sm3']);
  });

  it('returns the card r||s (64 bytes) that verifies with SM3withSM2 and the default id', async () => {
    const data = Buffer.from('<ds:SignedInfo>中文</ds:SignedInfo>');
    const sig = await signer.sign(data, 'sm2-sm3');
    expect(sig).toHaveLength(64);
    const point = sm2PublicKeyFromSpki(
      new X509Certificate(fake.card.certificate.der).publicKey.export({
        type: 'spki',
        format: 'der',
      }),
    )!;
    expect(sm2Verify(data, sig, point)).toBe(true);
  });

  it.each(['chinaport-2022', 'w3-sm2'] as const)(
    'signs a DecMessage that verifyEnveloped accepts (preset %s)',
    async (preset) => {
      const signed = await signEnveloped(sampleDecMessage({ items: 3 }), signer, {
        algorithm: 'sm2-sm3',
        uris: preset,
      });
      expect(verifyEnveloped(signed, { trustedCertDer: fake.card.certificate.der })).toMatchObject({
        ok: true,
        algorithm: 'sm2-sm3',
        certNo: '03000000000cde6f',
      });
    },
  );

  it('also works when the site wants SignatureValue as DER', async () => {
    const signed = await signEnveloped('<r xmlns="urn:x">1</r>', signer, {
      algorithm: 'sm2-sm3',
      uris: { sm2Encoding: 'der' },
    });
    const value = Buffer.from(/<ds:SignatureValue>([^<]+)</.exec(signed)?.[1] ?? '', 'base64');
    expect(value[0]).toBe(0x30);
    expect(verifyEnveloped(signed).ok).toBe(true);
  });
});
