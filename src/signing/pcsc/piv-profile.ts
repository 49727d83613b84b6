/**
 * PIV card application (NIST SP 800-73-4), digital signature key in slot 9C:
 * SELECT A000000308, VERIFY 80 (application PIN, padded with FF to 8 bytes),
 * GENERAL AUTHENTICATE `7C { 82 00, 81 block }` where the block is the complete PKCS#1 v1.5
 * type-1 encoding (the card only does raw RSA), certificate from GET DATA 5FC10A.
 */
import { gunzipSync } from 'node:zlib';
import { GatewayError } from '../../core/errors.js';
import type { ApduSession } from './apdu-session.js';
import { pkcs1Type1Block } from './digest-info.js';
import type { CardProfile, OpenedApplication } from './profile.js';
import { CardStatusError } from './status-words.js';
import { encodeTlv, findTlv } from './tlv.js';

const AID = Buffer.from('A000000308', 'hex');
const KEY_SIGNATURE = 0x9c;
const PIN_APPLICATION = 0x80;
const LONG = 65536;

/** Cryptographic mechanism identifiers (SP 800-78-4 table 6-2) by RSA modulus length in bytes. */
const RSA_MECHANISM: Readonly<Record<number, number>> = {
  128: 0x06,
  256: 0x07,
  384: 0x05,
  512: 0x16,
};

export const pivProfile: CardProfile = {
  id: 'piv',
  name: 'PIV',
  // SP 800-73-4 requires command chaining of every PIV card; extended length is optional.
  defaultCapabilities: { extendedLength: false, chaining: true },

  encodePin(pin: string): Buffer {
    if (!/^[\x20-\x7e]{6,8}$/.test(pin)) {
      throw new GatewayError('GW_ERR_CONFIG', {
        zh: 'PIV 卡的 PIN 应为 6 到 8 个 ASCII 字符（通常为数字）',
        en: 'a PIV card PIN must be 6 to 8 ASCII characters (usually digits)',
      });
    }
    const padded = Buffer.alloc(8, 0xff);
    padded.write(pin, 'ascii');
    return padded;
  },

  async open(session: ApduSession): Promise<OpenedApplication> {
    await session.call(
      { cla: 0, ins: 0xa4, p1: 0x04, p2: 0x00, data: AID, ne: 256 },
      'SELECT PIV application',
    );
    // Key 9C has PIN policy "always": a VERIFY is needed before every GENERAL AUTHENTICATE.
    return { label: 'PIV slot 9C', pinValidForMultipleSignatures: false };
  },

  async readCertificate(session: ApduSession): Promise<Buffer | undefined> {
    const resp = await session.send({
      cla: 0,
      ins: 0xcb,
      p1: 0x3f,
      p2: 0xff,
      data: encodeTlv(0x5c, Buffer.from('5FC10A', 'hex')),
      ne: LONG,
    });
    if (resp.sw === 0x6a82 || resp.sw === 0x6a88) return undefined;
    if (resp.sw !== 0x9000)
      throw new CardStatusError('GET DATA 5FC10A (certificate for digital signature)', resp.sw);
    const object = findTlv(resp.data, 0x53);
    const cert = object && findTlv(object, 0x70);
    if (!cert || cert.length === 0) return undefined;
    // CertInfo (71) bit 0 set = the certificate is gzip-compressed (SP 800-73-4 part 1, 3.3.1).
    const info = findTlv(object, 0x71);
    return info && info.length > 0 && (info[0] as number) & 0x01 ? gunzipSync(cert) : cert;
  },

  async readPinTries(session: ApduSession): Promise<number | undefined> {
    // VERIFY without data asks for the PIN status; it is not an attempt and costs no try.
    const resp = await session.send({ cla: 0, ins: 0x20, p1: 0x00, p2: PIN_APPLICATION });
    if ((resp.sw & 0xfff0) === 0x63c0) return resp.sw & 0x0f;
    if (resp.sw === 0x6983) return 0;
    // 9000: the PIN is verified right now; the card does not tell the counter then.
    if (resp.sw === 0x9000) return undefined;
    throw new CardStatusError('VERIFY 80 (PIN status)', resp.sw);
  },

  async verifyPin(session: ApduSession, pin: Buffer): Promise<void> {
    await session.call(
      { cla: 0, ins: 0x20, p1: 0x00, p2: PIN_APPLICATION, data: pin },
      'VERIFY PIV PIN (80)',
      { sensitive: true },
    );
  },

  async sign(session: ApduSession, digestInfo: Buffer, modulusBytes: number): Promise<Buffer> {
    const mechanism = RSA_MECHANISM[modulusBytes];
    if (mechanism === undefined) {
      throw new GatewayError('GW_ERR_SIGN_ALGORITHM', {
        zh: `PIV 卡不支持 ${modulusBytes * 8} 位 RSA 密钥`,
        en: `PIV has no mechanism for ${modulusBytes * 8}-bit RSA keys`,
      });
    }
    const template = encodeTlv(
      0x7c,
      Buffer.concat([
        encodeTlv(0x82, Buffer.alloc(0)),
        encodeTlv(0x81, pkcs1Type1Block(digestInfo, modulusBytes)),
      ]),
    );
    const resp = await session.call(
      { cla: 0, ins: 0x87, p1: mechanism, p2: KEY_SIGNATURE, data: template, ne: LONG },
      'GENERAL AUTHENTICATE 9C',
    );
    const signature = findTlv(findTlv(resp, 0x7c) ?? Buffer.alloc(0), 0x82);
    if (!signature || signature.length !== modulusBytes) {
      throw new Error(`GENERAL AUTHENTICATE answer lacks a ${modulusBytes}-byte signature (7C/82)`);
    }
    return signature;
  },
};
