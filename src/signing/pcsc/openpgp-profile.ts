/**
 * OpenPGP card application (spec v3.4; v2.x cards answer the same commands):
 * SELECT D27600012401, GET DATA 6E / C4 / 7F21, VERIFY PW1 (81 = for PSO:CDS),
 * PSO:COMPUTE DIGITAL SIGNATURE over a host-built DigestInfo (the card pads and signs),
 * GENERATE ASYMMETRIC KEY PAIR in read mode (47 81) to get the signature public key.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { GatewayError } from '../../core/errors.js';
import type { ApduSession } from './apdu-session.js';
import type { CardProfile, OpenedApplication } from './profile.js';
import { CardStatusError } from './status-words.js';
import { findTlv, findTlvDeep, parseBerTlvs } from './tlv.js';

const AID = Buffer.from('D27600012401', 'hex');
const LONG = 65536;

/** PW status bytes (DO C4): [0] PW1 valid for several PSO:CDS, [1..3] max lengths, [4..6] retry counters PW1, RC, PW3. */
const C4_PW1_MULTI = 0;
const C4_PW1_TRIES = 4;

/** Cards differ: some answer GET DATA with the DO's value, some with the whole TLV. */
function unwrap(tag: number, data: Buffer): Buffer {
  try {
    const all = parseBerTlvs(data);
    if (all.length === 1 && all[0]?.tag === tag) return all[0].value;
  } catch {
    // not TLV-coded: the bare value
  }
  return data;
}

/** `7F49 { 81 modulus, 82 exponent }` as a public key. */
function rsaPublicKey(data: Buffer): KeyObject {
  const inner = unwrap(0x7f49, data);
  const n = findTlv(inner, 0x81);
  const e = findTlv(inner, 0x82);
  if (!n || !e) throw new Error('public key template 7F49 lacks 81 or 82');
  return createPublicKey({
    key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') },
    format: 'jwk',
  });
}

async function readPwStatus(session: ApduSession): Promise<Buffer> {
  const c4 = unwrap(
    0xc4,
    await session.call(
      { cla: 0, ins: 0xca, p1: 0x00, p2: 0xc4, ne: 256 },
      'GET DATA C4 (PW status)',
    ),
  );
  if (c4.length < 7) throw new Error(`PW status bytes (C4) too short: ${c4.length} bytes`);
  return c4;
}

export const openPgpProfile: CardProfile = {
  id: 'openpgp',
  name: 'OpenPGP card',
  // v3 cards state their capabilities in the historical bytes; v2 cards without them take short APDUs.
  defaultCapabilities: { extendedLength: false, chaining: false },

  encodePin(pin: string): Buffer {
    const bytes = Buffer.from(pin, 'utf8');
    // The OpenPGP spec sets 6 as the minimum PW1 length and 127 as the maximum the format allows.
    if (bytes.length < 6 || bytes.length > 127) {
      throw new GatewayError('GW_ERR_CONFIG', {
        zh: 'OpenPGP 卡的 PIN（PW1）长度应为 6 到 127 字节',
        en: 'an OpenPGP card PIN (PW1) must be 6 to 127 bytes long',
      });
    }
    return bytes;
  },

  async open(session: ApduSession): Promise<OpenedApplication> {
    await session.call(
      { cla: 0, ins: 0xa4, p1: 0x04, p2: 0x00, data: AID },
      'SELECT OpenPGP application',
    );
    const related = await session.call(
      { cla: 0, ins: 0xca, p1: 0x00, p2: 0x6e, ne: LONG },
      'GET DATA 6E (application related data)',
    );
    const aid = findTlvDeep(related, 0x4f);
    const algo = findTlvDeep(related, 0xc1);
    const pw = findTlvDeep(related, 0xc4);
    if (algo && algo[0] !== 0x01) {
      throw new GatewayError('GW_ERR_SIGN_ALGORITHM', {
        zh: `卡上的签名密钥不是 RSA 密钥（算法标识 ${algo[0]}），本网关的智能卡签名只支持 RSA`,
        en: `the card's signature key is not an RSA key (algorithm id ${algo[0]}); card signing supports RSA only`,
      });
    }
    let publicKey: KeyObject | undefined;
    try {
      // 47 81 with CRT B6 00 = read (not generate) the signature key's public part.
      publicKey = rsaPublicKey(
        await session.call(
          { cla: 0, ins: 0x47, p1: 0x81, p2: 0x00, data: Buffer.from([0xb6, 0x00]), ne: LONG },
          'READ PUBLIC KEY (47 81 B6)',
        ),
      );
    } catch (err) {
      if (err instanceof CardStatusError && err.reason === 'not-found') {
        throw new GatewayError('GW_ERR_SIGN_KEY', {
          zh: '卡上没有签名密钥',
          en: 'the card has no signature key',
          fixZh: '先在卡上生成或导入签名密钥',
          fixEn: 'generate or import a signature key on the card first',
        });
      }
      throw err;
    }
    const serial =
      aid && aid.length >= 14 ? aid.subarray(10, 14).toString('hex').toUpperCase() : 'unknown';
    const version = aid && aid.length >= 8 ? `${aid[6]}.${aid[7]}` : '?';
    return {
      label: `OpenPGP ${version} serial ${serial}`,
      publicKey,
      pinValidForMultipleSignatures: pw?.[C4_PW1_MULTI] === 0x01,
    };
  },

  async readCertificate(session: ApduSession): Promise<Buffer | undefined> {
    const resp = await session.send({ cla: 0, ins: 0xca, p1: 0x7f, p2: 0x21, ne: LONG });
    if (resp.sw === 0x6a88 || resp.sw === 0x6a82) return undefined;
    if (resp.sw !== 0x9000) throw new CardStatusError('GET DATA 7F21 (certificate)', resp.sw);
    if (resp.data.length === 0) return undefined;
    return unwrap(0x7f21, resp.data);
  },

  async readPinTries(session: ApduSession): Promise<number | undefined> {
    return (await readPwStatus(session))[C4_PW1_TRIES];
  },

  async verifyPin(session: ApduSession, pin: Buffer): Promise<void> {
    await session.call({ cla: 0, ins: 0x20, p1: 0x00, p2: 0x81, data: pin }, 'VERIFY PW1 (81)', {
      sensitive: true,
    });
  },

  async sign(session: ApduSession, digestInfo: Buffer, modulusBytes: number): Promise<Buffer> {
    return session.call(
      { cla: 0, ins: 0x2a, p1: 0x9e, p2: 0x9a, data: digestInfo, ne: modulusBytes },
      'PSO: COMPUTE DIGITAL SIGNATURE',
    );
  },
};
