/**
 * PIN handling against the real stack: the retry counter is read before VERIFY, the last try is
 * never used, a wrong PIN stops the signer for good, and the PIN never reaches a log line.
 * Assertions on the emulator's counters: VERIFY with data = an attempt, without = a status query.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createPcscCardSigner,
  type CardProfileId,
  type CardState,
  type PcscCardSigner,
} from '../../src/signing/pcsc/index.js';
import { cardIdentity, recordingLog, type CardIdentity } from './fixtures.js';
import { cardStackAvailability, startCardStack, type CardStack } from './harness.js';
import { skipWithout } from '../helpers/tools.js';

const skip = skipWithout('card PIN handling via pcscd + vpcd', cardStackAvailability().reason);

const PIN = '123456';
const OTHER_PIN = '654321';
/** Slot 0 is used for OpenPGP, slot 1 for PIV. */
const SLOT: Record<CardProfileId, number> = { openpgp: 0, piv: 1 };

describe.skipIf(skip)('card PIN handling via pcscd + vpcd', () => {
  let stack: CardStack;
  let pgp: CardIdentity;
  let piv: CardIdentity;
  let signer: PcscCardSigner | undefined;
  let log: ReturnType<typeof recordingLog>;

  const open = async (
    profile: CardProfileId,
    pin = PIN,
  ): Promise<{ signer: PcscCardSigner; states: CardState[] }> => {
    signer = await createPcscCardSigner({
      name: `pin-${profile}`,
      readerPattern: stack.readerName(SLOT[profile]),
      profile,
      pin,
      log,
      startWaitMs: 5000,
      reconnectMs: 200,
      traceApdus: true,
    });
    const states: CardState[] = [];
    signer.on('state', (s) => states.push(s));
    return { signer, states };
  };

  beforeAll(async () => {
    pgp = cardIdentity('PIN 测试 OpenPGP');
    piv = cardIdentity('PIN 测试 PIV');
    stack = await startCardStack({
      cards: [
        { openpgp: { keyPem: pgp.keyPem, certPem: pgp.certPem } },
        { piv: { keyPem: piv.keyPem, certPem: piv.certPem } },
      ],
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  beforeEach(async () => {
    log = recordingLog();
    for (const profile of ['openpgp', 'piv'] as const) {
      await stack.setPin(SLOT[profile], profile, PIN);
      await stack.setTries(SLOT[profile], profile, 3);
      await stack.resetStats(SLOT[profile]);
    }
  });
  afterEach(async () => {
    await signer?.close();
    signer = undefined;
    // The PIN must not appear in any log line, not even as hex inside an APDU trace.
    for (const secret of [
      PIN,
      OTHER_PIN,
      Buffer.from(PIN).toString('hex'),
      Buffer.from(OTHER_PIN).toString('hex'),
    ])
      expect(log.text()).not.toContain(secret);
  });

  for (const profile of ['openpgp', 'piv'] as const) {
    const slot = SLOT[profile];

    it(`${profile}: wrong PIN → GW_ERR_SIGN_PIN, state 'pin-blocked', and no further VERIFY on the next sign`, async () => {
      await stack.setPin(slot, profile, OTHER_PIN);
      const { signer, states } = await open(profile);
      expect(signer.state).toBe('ready');
      const err = await signer.sign(Buffer.from('x'), 'rsa-sha256').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'GW_ERR_SIGN_PIN', kind: 'permanent' });
      expect(JSON.stringify(err)).toContain('2 tries left');
      expect(signer.pinTriesLeft).toBe(2);
      expect(signer.state).toBe('pin-blocked');
      expect(states).toEqual(['pin-blocked']);
      const after = await stack.stats(slot);
      expect(after.verifyAttempts).toBe(1);

      await expect(signer.sign(Buffer.from('y'), 'rsa-sha256')).rejects.toMatchObject({
        code: 'GW_ERR_SIGN_PIN',
        kind: 'permanent',
      });
      const again = await stack.stats(slot);
      expect(again.byIns['20']).toBe(after.byIns['20']);
      expect(again.apdus).toBe(after.apdus);

      // Only an operator lifts the stop: after fixing the PIN, resetPin() lets it sign again.
      await stack.setPin(slot, profile, PIN);
      signer.resetPin();
      expect(signer.state).toBe('ready');
      await expect(signer.sign(Buffer.from('z'), 'rsa-sha256')).resolves.toHaveLength(256);
      expect(states).toEqual(['pin-blocked', 'ready']);
    });

    it(`${profile}: retry counter at 1 → GW_ERR_SIGN_PIN_LOW and no VERIFY attempt`, async () => {
      await stack.setTries(slot, profile, 1);
      const { signer, states } = await open(profile);
      await expect(signer.sign(Buffer.from('x'), 'rsa-sha1')).rejects.toMatchObject({
        code: 'GW_ERR_SIGN_PIN_LOW',
        kind: 'permanent',
      });
      expect(signer.state).toBe('pin-blocked');
      expect(signer.pinTriesLeft).toBe(1);
      expect(states).toEqual(['pin-blocked']);
      const stats = await stack.stats(slot);
      expect(stats.verifyAttempts).toBe(0);
      if (profile === 'openpgp') {
        // The counter comes from GET DATA C4: no VERIFY APDU at all.
        expect(stats.byIns['20']).toBeUndefined();
      } else {
        // PIV has no other way to read the counter than VERIFY without data (no try is used).
        expect(stats.verifyQueries).toBe(1);
      }
      expect(stats.signatures).toBe(0);
    });

    it(`${profile}: a blocked PIN (counter 0) → GW_ERR_SIGN_PIN without any attempt`, async () => {
      await stack.setTries(slot, profile, 0);
      const { signer } = await open(profile);
      await expect(signer.sign(Buffer.from('x'), 'rsa-sha256')).rejects.toMatchObject({
        code: 'GW_ERR_SIGN_PIN',
        kind: 'permanent',
      });
      expect(signer.state).toBe('pin-blocked');
      expect(signer.pinTriesLeft).toBe(0);
      expect((await stack.stats(slot)).verifyAttempts).toBe(0);
    });
  }

  it('a PIN the profile cannot take is a configuration error before anything is sent', async () => {
    await expect(open('piv', '12')).rejects.toMatchObject({ code: 'GW_ERR_CONFIG' });
    await expect(open('openpgp', '12345')).rejects.toMatchObject({ code: 'GW_ERR_CONFIG' });
    expect((await stack.stats(0)).apdus + (await stack.stats(1)).apdus).toBe(0);
  });
});
