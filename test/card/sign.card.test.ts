/**
 * Signing through the real PC/SC stack: pcsclite → libpcsclite → pcscd → vpcd → emulated card.
 * Slot 0 takes extended APDUs; slot 1 does not, so there the signer has to chain commands and
 * fetch long answers with GET RESPONSE.
 */
import { verify } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createPcscCardSigner,
  type CardProfileId,
  type PcscCardSigner,
} from '../../src/signing/pcsc/index.js';
import { sampleDecMessage } from '../helpers/sample-dec-message.js';
import { signEnveloped, verifyEnveloped } from '../../src/signing/xmldsig.js';
import { defineSignerContract } from '../contract/signer.contract.js';
import { cardIdentity, recordingLog, type CardIdentity } from './fixtures.js';
import { cardStackAvailability, startCardStack, type CardStack } from './harness.js';
import { skipWithout } from '../helpers/tools.js';

const skip = skipWithout('card signing via pcscd + vpcd', cardStackAvailability().reason);

describe.skipIf(skip)('card signing via pcscd + vpcd', () => {
  let stack: CardStack;
  let ids: Record<'pgp0' | 'piv0' | 'pgp1' | 'piv1', CardIdentity>;
  const signers: PcscCardSigner[] = [];

  const open = async (
    slot: number,
    profile: CardProfileId,
    extra: Partial<Parameters<typeof createPcscCardSigner>[0]> = {},
  ): Promise<PcscCardSigner> => {
    const signer = await createPcscCardSigner({
      name: `card${slot}-${profile}`,
      readerPattern: stack.readerName(slot),
      profile,
      pin: '123456',
      log: recordingLog(),
      startWaitMs: 5000,
      reconnectMs: 200,
      ...extra,
    });
    signers.push(signer);
    return signer;
  };
  const identity = (slot: number, profile: CardProfileId): CardIdentity =>
    ids[`${profile === 'openpgp' ? 'pgp' : 'piv'}${slot}` as keyof typeof ids];

  beforeAll(async () => {
    ids = {
      pgp0: cardIdentity('操作员 OpenPGP 0'),
      piv0: cardIdentity('操作员 PIV 0'),
      pgp1: cardIdentity('操作员 OpenPGP 1'),
      piv1: cardIdentity('操作员 PIV 1'),
    };
    stack = await startCardStack({
      cards: [
        {
          extendedLength: true,
          openpgp: { keyPem: ids.pgp0.keyPem, certPem: ids.pgp0.certPem },
          piv: { keyPem: ids.piv0.keyPem, certPem: ids.piv0.certPem },
        },
        {
          extendedLength: false,
          chaining: true,
          openpgp: { keyPem: ids.pgp1.keyPem, certPem: ids.pgp1.certPem },
          piv: { keyPem: ids.piv1.keyPem, certPem: ids.piv1.certPem, compressCertificate: true },
        },
      ],
    });
    console.info(`card stack: mode=${stack.mode} ${JSON.stringify(stack.timings)}`);
  });

  // A failed test must not leave the card held (exclusive mode) for the next one.
  afterEach(async () => {
    await Promise.all(signers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  for (const slot of [0, 1]) {
    for (const profile of ['openpgp', 'piv'] as const) {
      it(`${profile}, slot ${slot} (${slot === 0 ? 'extended APDUs' : 'chaining + GET RESPONSE'}): SHA-1 and SHA-256 signatures verify against the card's certificate`, async () => {
        const signer = await open(slot, profile);
        expect(signer.state).toBe('ready');
        expect(signer.kind).toBe('pcsc-card');
        expect(signer.readerName).toBe(stack.readerName(slot));
        const id = identity(slot, profile);
        const cert = await signer.certificate();
        expect(cert.der.equals(id.certDer)).toBe(true);
        expect(cert.certNo).toBe(id.x509.serialNumber.toLowerCase());
        const data = Buffer.from(`<ds:SignedInfo>slot ${slot} ${profile}</ds:SignedInfo>`);
        for (const [algorithm, hash] of [
          ['rsa-sha1', 'sha1'],
          ['rsa-sha256', 'sha256'],
        ] as const) {
          const signature = await signer.sign(data, algorithm);
          expect(signature.length).toBe(256);
          expect(verify(hash, data, id.x509.publicKey, signature)).toBe(true);
        }
        await signer.close();
      });
    }
  }

  it('signEnveloped over a DecMessage with the card verifies with verifyEnveloped (OpenPGP rsa-sha1, PIV rsa-sha256)', async () => {
    for (const [slot, profile, algorithm] of [
      [0, 'openpgp', 'rsa-sha1'],
      [1, 'piv', 'rsa-sha256'],
    ] as const) {
      const signer = await open(slot, profile, { certNo: `CERT-${slot}` });
      const xml = sampleDecMessage({ items: 2 });
      const signed = await signEnveloped(xml, signer, { algorithm });
      const result = verifyEnveloped(signed, { trustedCertDer: identity(slot, profile).certDer });
      expect(result).toMatchObject({ ok: true, certNo: `CERT-${slot}`, algorithm });
      await signer.close();
    }
  });

  it('two cards in two readers sign concurrently, each signer serialising its own card', async () => {
    const [a, b] = await Promise.all([open(0, 'openpgp'), open(1, 'piv')]);
    await Promise.all([stack.resetStats(0), stack.resetStats(1)]);
    const data = (i: number) => Buffer.from(`message ${i}`);
    const n = 12;
    const t0 = Date.now();
    const [sigA, sigB] = await Promise.all([
      Promise.all(Array.from({ length: n }, (_, i) => a!.sign(data(i), 'rsa-sha256'))),
      Promise.all(Array.from({ length: n }, (_, i) => b!.sign(data(i), 'rsa-sha256'))),
    ]);
    const elapsed = Date.now() - t0;
    sigA.forEach((s, i) =>
      expect(verify('sha256', data(i), ids.pgp0.x509.publicKey, s)).toBe(true),
    );
    sigB.forEach((s, i) =>
      expect(verify('sha256', data(i), ids.piv1.x509.publicKey, s)).toBe(true),
    );
    const [sa, sb] = await Promise.all([stack.stats(0), stack.stats(1)]);
    // Serialised per card: every signature is its own PIN-status read, VERIFY, signature, with
    // nothing from another job in between (the card would answer 6982 otherwise).
    expect(sa.trace).toEqual(
      Array.from({ length: n }, () => ['CA 00C4', '20 0081', '2A 9E9A']).flat(),
    );
    const pivRound = ['20 0080 (query)', '20 0080', '87 079C', '87 079C', 'C0 0000'];
    expect(sb.trace).toEqual(Array.from({ length: n }, () => pivRound).flat());
    expect(sa.signatures).toBe(n);
    expect(sb.signatures).toBe(n);
    // ... while the two cards ran at the same time: card 1's commands fall between card 0's.
    const firstA = Math.min(...sa.seq);
    const lastA = Math.max(...sa.seq);
    expect(sb.seq.some((q) => q > firstA && q < lastA)).toBe(true);
    console.info(`2 cards × ${n} signatures concurrently: ${elapsed} ms`);
    await Promise.all([a!.close(), b!.close()]);
  });

  it('uses a configured certificate instead of the card one, and refuses one that does not belong to the card key', async () => {
    const signer = await open(0, 'openpgp', {
      certificatePem: ids.pgp0.certPem,
      certNo: '8930000012345',
    });
    expect((await signer.certificate()).certNo).toBe('8930000012345');
    await signer.close();

    // OpenPGP hands out the public key, so the mismatch shows when the card is opened.
    await expect(open(0, 'openpgp', { certificatePem: ids.piv0.certPem })).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_KEY',
      kind: 'permanent',
    });
    // PIV does not: the first signature fails its check against the certificate.
    const piv = await open(0, 'piv', { certificatePem: ids.pgp1.certPem });
    await expect(piv.sign(Buffer.from('x'), 'rsa-sha256')).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_KEY',
      kind: 'permanent',
    });
    await piv.close();
  });

  it('expired certificate: configured or on the card, creation fails with GW_ERR_SIGN_CERT_EXPIRED', async () => {
    const expired = cardIdentity('过期证书', { expiredDaysAgo: 10 });
    await expect(open(0, 'openpgp', { certificatePem: expired.certPem })).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_CERT_EXPIRED',
      kind: 'permanent',
    });
    await stack.setIdentity(1, 'piv', expired.keyPem, expired.certPem);
    try {
      await expect(open(1, 'piv')).rejects.toMatchObject({ code: 'GW_ERR_SIGN_CERT_EXPIRED' });
    } finally {
      await stack.setIdentity(1, 'piv', ids.piv1.keyPem, ids.piv1.certPem);
    }
  });

  it("a certificate that expires while the daemon runs: state 'expired' and GW_ERR_SIGN_CERT_EXPIRED, no PIN presented", async () => {
    let clock = Date.now();
    const signer = await open(0, 'openpgp', { now: () => clock });
    try {
      const states: string[] = [];
      signer.on('state', (s) => states.push(s));
      await expect(signer.sign(Buffer.from('today'), 'rsa-sha256')).resolves.toHaveLength(256);
      await stack.resetStats(0);
      clock = new Date(ids.pgp0.x509.validTo).getTime() + 1000;
      await expect(signer.sign(Buffer.from('tomorrow'), 'rsa-sha256')).rejects.toMatchObject({
        code: 'GW_ERR_SIGN_CERT_EXPIRED',
        kind: 'permanent',
      });
      expect(signer.state).toBe('expired');
      expect(states).toEqual(['expired']);
      expect((await stack.stats(0)).verifyAttempts).toBe(0);
    } finally {
      await signer.close();
    }
  });

  // The behaviour every Signer shares (test/contract/signer.contract.ts), on both profiles.
  for (const [slot, profile] of [
    [0, 'openpgp'],
    [1, 'piv'],
  ] as const) {
    defineSignerContract(`pcsc-card ${profile} via pcscd + vpcd`, async () => {
      const signer = await open(slot, profile);
      return { signer, close: () => signer.close() };
    });
  }

  it('refuses algorithms other than RSA without touching the card', async () => {
    const signer = await open(0, 'openpgp');
    await expect(signer.sign(Buffer.from('x'), 'sm2-sm3')).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_ALGORITHM',
    });
    await signer.close();
  });
});
