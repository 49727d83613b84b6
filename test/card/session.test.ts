/**
 * The APDU layer and the card profiles against the emulated card in-process (no pcscd): GET
 * RESPONSE, 6Cxx, chaining, extended length, and the profile commands. Runs everywhere.
 */
import { constants, publicDecrypt, verify } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { toCardError } from '../../src/signing/pcsc/card-errors.js';
import { capabilitiesFor } from '../../src/signing/pcsc/card-session.js';
import { digestInfoFor } from '../../src/signing/pcsc/digest-info.js';
import {
  ApduSession,
  CardCapabilityError,
  CardStatusError,
  openPgpProfile,
  pivProfile,
  type SessionCapabilities,
} from '../../src/signing/pcsc/index.js';
import { VirtualCard, type VirtualCardOptions } from './emulator/virtual-card.js';
import { cardIdentity, type CardIdentity } from './fixtures.js';

let pgp: CardIdentity;
let piv: CardIdentity;

beforeAll(() => {
  pgp = cardIdentity('session OpenPGP');
  piv = cardIdentity('session PIV');
});

function card(options: Partial<VirtualCardOptions> = {}): VirtualCard {
  const c = new VirtualCard({
    openpgp: { keyPem: pgp.keyPem, certDer: pgp.certDer },
    piv: { keyPem: piv.keyPem, certDer: piv.certDer },
    ...options,
  });
  c.powerOn();
  return c;
}

function session(c: VirtualCard, caps?: SessionCapabilities): ApduSession {
  return new ApduSession(
    { transmit: async (apdu) => c.process(apdu) },
    caps ?? capabilitiesFor(c.atr, openPgpProfile),
  );
}

describe('APDU session', () => {
  it('reads the capabilities the emulated ATR advertises', () => {
    expect(capabilitiesFor(card().atr, openPgpProfile)).toEqual({
      extendedLength: true,
      chaining: true,
    });
    expect(
      capabilitiesFor(card({ extendedLength: false, chaining: false }).atr, openPgpProfile),
    ).toEqual({ extendedLength: false, chaining: false });
    // PIV cards must chain, whatever the ATR says.
    expect(capabilitiesFor(undefined, pivProfile)).toEqual({
      extendedLength: false,
      chaining: true,
    });
  });

  it('a long answer: one extended APDU, or a short one followed by GET RESPONSE rounds; same bytes', async () => {
    const ext = card();
    await openPgpProfile.open(session(ext));
    ext.resetStats();
    const viaExtended = await openPgpProfile.readCertificate(session(ext));
    expect(ext.stats.trace).toEqual(['CA 7F21']);

    const short = card({ extendedLength: false });
    await openPgpProfile.open(session(short));
    short.resetStats();
    const viaGetResponse = await openPgpProfile.readCertificate(session(short));
    expect(short.stats.trace[0]).toBe('CA 7F21');
    expect(short.stats.trace.slice(1).every((t) => t === 'C0 0000')).toBe(true);
    expect(short.stats.trace.length).toBe(1 + Math.ceil((pgp.certDer.length - 256) / 256));
    expect(viaExtended?.equals(pgp.certDer)).toBe(true);
    expect(viaGetResponse?.equals(pgp.certDer)).toBe(true);
  });

  it('6Cxx: re-sent once with the exact Le the card names', async () => {
    const c = card({ wrongLe: '6C' });
    const s = session(c, { extendedLength: false, chaining: false });
    await s.call(
      { cla: 0, ins: 0xa4, p1: 4, p2: 0, data: Buffer.from('D27600012401', 'hex') },
      'SELECT',
    );
    c.resetStats();
    const resp = await s.send({ cla: 0, ins: 0xca, p1: 0, p2: 0xc4, ne: 2 });
    expect(resp.sw).toBe(0x9000);
    expect(resp.data.length).toBe(7);
    expect(c.stats.apdus).toBe(2);
  });

  it('a 266-byte GENERAL AUTHENTICATE goes out chained (CLA 10) without extended length, and fails cleanly with neither', async () => {
    const c = card({ extendedLength: false });
    const s = session(c, capabilitiesFor(c.atr, pivProfile));
    await pivProfile.open(s);
    await pivProfile.verifyPin(s, pivProfile.encodePin('123456'));
    c.resetStats();
    const data = Buffer.from('DecMessage');
    const sig = await pivProfile.sign(s, digestInfoFor('sha256', data), 256);
    expect(verify('sha256', data, piv.x509.publicKey, sig)).toBe(true);
    expect(c.stats.trace).toEqual(['87 079C', '87 079C', 'C0 0000']);

    const none = card({ extendedLength: false, chaining: false });
    const ns = session(none, { extendedLength: false, chaining: false });
    await pivProfile.open(ns);
    await expect(pivProfile.sign(ns, digestInfoFor('sha256', data), 256)).rejects.toBeInstanceOf(
      CardCapabilityError,
    );
  });
});

describe('OpenPGP profile', () => {
  it('opens, reads key and certificate, counts tries, signs a DigestInfo', async () => {
    const c = card();
    const s = session(c);
    const app = await openPgpProfile.open(s);
    expect(app.label).toBe('OpenPGP 3.4 serial 00000001');
    expect(app.publicKey?.export({ format: 'jwk' }).n).toBe(
      pgp.x509.publicKey.export({ format: 'jwk' }).n,
    );
    expect(app.pinValidForMultipleSignatures).toBe(false);
    expect(await openPgpProfile.readPinTries(s)).toBe(3);
    const wrong = await openPgpProfile.verifyPin(s, Buffer.from('000000')).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(CardStatusError);
    expect(wrong).toMatchObject({ reason: 'wrong-pin', retriesLeft: 2 });
    expect(await openPgpProfile.readPinTries(s)).toBe(2);
    // PSO:CDS needs PW1 (81) first.
    await expect(
      openPgpProfile.sign(s, digestInfoFor('sha1', Buffer.from('x')), 256),
    ).rejects.toMatchObject({ reason: 'security' });
    await openPgpProfile.verifyPin(s, Buffer.from('123456'));
    const sig = await openPgpProfile.sign(s, digestInfoFor('sha1', Buffer.from('x')), 256);
    expect(verify('sha1', Buffer.from('x'), pgp.x509.publicKey, sig)).toBe(true);
    // The card padded it as PKCS#1 type 1 around our DigestInfo.
    expect(
      publicDecrypt({ key: pgp.x509.publicKey, padding: constants.RSA_PKCS1_PADDING }, sig).equals(
        digestInfoFor('sha1', Buffer.from('x')),
      ),
    ).toBe(true);
  });

  it('a card without the application: SELECT 6A82 becomes a permanent GW_ERR_SIGN_KEY naming the profile', async () => {
    const pivOnly = new VirtualCard({ piv: { keyPem: piv.keyPem, certDer: piv.certDer } });
    pivOnly.powerOn();
    const err = await openPgpProfile.open(session(pivOnly)).catch((e: unknown) => e);
    expect(err).toMatchObject({ sw: 0x6a82, reason: 'not-found' });
    const gw = toCardError(err, { where: 'r', profile: openPgpProfile, phase: 'open' });
    expect(gw).toMatchObject({ code: 'GW_ERR_SIGN_KEY', kind: 'permanent' });
    expect(gw.details[0]?.zh).toContain('OpenPGP card');
  });

  it('checks the PIN format before sending it', () => {
    expect(() => openPgpProfile.encodePin('12345')).toThrow(
      expect.objectContaining({ code: 'GW_ERR_CONFIG' }),
    );
    expect(openPgpProfile.encodePin('123456').toString()).toBe('123456');
  });
});

describe('emulator answer time (what the card bench subtracts)', () => {
  it('adds the time of every answered APDU to stats.answerUs; resetStats clears it', async () => {
    const c = card();
    const s = session(c);
    expect(c.stats.answerUs).toBe(0);
    await openPgpProfile.open(s);
    const afterOpen = c.stats.answerUs;
    expect(afterOpen).toBeGreaterThan(0);
    await openPgpProfile.verifyPin(s, openPgpProfile.encodePin('123456'));
    await openPgpProfile.sign(s, digestInfoFor('sha256', Buffer.from('z')), 256);
    expect(c.stats.answerUs).toBeGreaterThan(afterOpen);
    c.resetStats();
    expect(c.stats).toMatchObject({ apdus: 0, answerUs: 0 });
  });
});

describe('PIV profile', () => {
  it('reads a gzip-compressed certificate, the PIN status without using a try, and signs in slot 9C', async () => {
    const c = card({
      piv: { keyPem: piv.keyPem, certDer: piv.certDer, compressCertificate: true },
    });
    const s = session(c, capabilitiesFor(c.atr, pivProfile));
    await pivProfile.open(s);
    expect((await pivProfile.readCertificate(s))?.equals(piv.certDer)).toBe(true);
    expect(await pivProfile.readPinTries(s)).toBe(3);
    expect(c.stats.verifyAttempts).toBe(0);
    await pivProfile.verifyPin(s, pivProfile.encodePin('123456'));
    expect(await pivProfile.readPinTries(s)).toBeUndefined();
    const sig = await pivProfile.sign(s, digestInfoFor('sha256', Buffer.from('y')), 256);
    expect(verify('sha256', Buffer.from('y'), piv.x509.publicKey, sig)).toBe(true);
    // PIN policy "always": the next signature needs a new VERIFY.
    await expect(
      pivProfile.sign(s, digestInfoFor('sha256', Buffer.from('y')), 256),
    ).rejects.toMatchObject({ reason: 'security' });
  });

  it('pads the PIN to 8 bytes with FF and refuses PINs outside 6 to 8 characters', () => {
    expect(pivProfile.encodePin('123456').toString('hex')).toBe('313233343536ffff');
    expect(() => pivProfile.encodePin('123456789')).toThrow(
      expect.objectContaining({ code: 'GW_ERR_CONFIG' }),
    );
  });
});
