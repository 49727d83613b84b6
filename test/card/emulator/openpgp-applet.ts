/**
 * OpenPGP card application, v3.4 subset: GET DATA (4F, 5F52, 6E, 65, 7A, C4, 7F21, 7F66), VERIFY
 * PW1 (81/82) and PW3 (83), PSO:CDS (the host sends the DigestInfo, the card pads), GENERATE
 * ASYMMETRIC KEY PAIR (47 80 generate with PW3, 47 81 read), PUT DATA C4 / 7F21 (PW3),
 * RESET RETRY COUNTER (2C 02 81, PW3), MSE accepted and ignored.
 */
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  privateEncrypt,
  type KeyObject,
} from 'node:crypto';
import { ok, PinSlot, sw, type Applet, type CardStats, type Reply } from './applet.js';
import type { Command } from './command.js';
import { tlv } from './tlv.js';

export interface OpenPgpOptions {
  readonly keyPem: string;
  /** DER certificate for DO 7F21; none = 6A88. */
  readonly certDer?: Buffer;
  readonly pin?: string;
  readonly adminPin?: string;
  readonly tries?: number;
  /** PW status byte 1: PW1 stays valid for several PSO:CDS. */
  readonly pw1Multi?: boolean;
}

// D2 76 00 01 24 01 | version 3.4 | manufacturer FFFF (test) | serial | RFU
const FULL_AID = Buffer.from('D276000124010304FFFF000000010000', 'hex');
const EXTENDED_CAPABILITIES = Buffer.from('7400000008000000FF00', 'hex');

export class OpenPgpApplet implements Applet {
  readonly aid = FULL_AID;
  readonly pw1: PinSlot;
  readonly pw3: PinSlot;
  pw1Multi: boolean;
  private pw1ForSigning = false;
  private key: KeyObject;
  private certDer: Buffer | undefined;
  private signatureCount = 0;

  constructor(
    options: OpenPgpOptions,
    private readonly stats: CardStats,
    private readonly historical: Buffer,
  ) {
    this.key = createPrivateKey(options.keyPem);
    this.certDer = options.certDer;
    this.pw1 = new PinSlot(Buffer.from(options.pin ?? '123456'), options.tries ?? 3);
    this.pw3 = new PinSlot(Buffer.from(options.adminPin ?? '12345678'), 3);
    this.pw1Multi = options.pw1Multi ?? false;
  }

  setIdentity(keyPem: string, certDer: Buffer | undefined): void {
    this.key = createPrivateKey(keyPem);
    this.certDer = certDer;
  }

  select(): Reply {
    return ok();
  }

  reset(): void {
    this.pw1.verified = false;
    this.pw1ForSigning = false;
    this.pw3.verified = false;
  }

  handle(cmd: Command): Reply {
    switch (cmd.ins) {
      case 0xca:
        return this.getData((cmd.p1 << 8) | cmd.p2);
      case 0x20:
        return this.verify(cmd);
      case 0x2a:
        return cmd.p1 === 0x9e && cmd.p2 === 0x9a ? this.computeSignature(cmd.data) : sw(0x6a86);
      case 0x47:
        return this.keyPair(cmd);
      case 0xda:
        return this.putData((cmd.p1 << 8) | cmd.p2, cmd.data);
      case 0x2c:
        return this.resetRetryCounter(cmd);
      case 0x22:
        return ok();
      default:
        return sw(0x6d00);
    }
  }

  private modulusBits(): number {
    return this.key.asymmetricKeyDetails?.modulusLength ?? 2048;
  }

  private pwStatus(): Buffer {
    return Buffer.from([
      this.pw1Multi ? 1 : 0,
      0x7f,
      0x7f,
      0x7f,
      this.pw1.tries,
      0,
      this.pw3.tries,
    ]);
  }

  private algorithmAttributes(): Buffer {
    const bits = this.modulusBits();
    return Buffer.from([0x01, bits >> 8, bits & 0xff, 0x00, 0x20, 0x00]);
  }

  private publicKeyTemplate(): Buffer {
    const jwk = createPublicKey(this.key).export({ format: 'jwk' });
    return tlv(
      0x7f49,
      tlv(0x81, Buffer.from(jwk.n as string, 'base64url')),
      tlv(0x82, Buffer.from(jwk.e as string, 'base64url')),
    );
  }

  private getData(tag: number): Reply {
    switch (tag) {
      case 0x004f:
        return ok(FULL_AID);
      case 0x5f52:
        return ok(this.historical);
      case 0x00c4:
        return ok(this.pwStatus());
      case 0x007a:
        return ok(
          tlv(
            0x7a,
            tlv(
              0x93,
              Buffer.from([
                this.signatureCount >> 16,
                (this.signatureCount >> 8) & 0xff,
                this.signatureCount & 0xff,
              ]),
            ),
          ),
        );
      case 0x0065:
        return ok(
          tlv(
            0x65,
            tlv(0x5b, Buffer.alloc(0)),
            tlv(0x5f2d, Buffer.from('zh')),
            tlv(0x5f35, Buffer.from('9')),
          ),
        );
      case 0x7f66:
        return ok(this.extendedLengthInfo());
      case 0x7f21:
        return this.certDer ? ok(this.certDer) : sw(0x6a88);
      case 0x006e: {
        const discretionary = tlv(
          0x73,
          tlv(0xc0, EXTENDED_CAPABILITIES),
          tlv(0xc1, this.algorithmAttributes()),
          tlv(0xc2, this.algorithmAttributes()),
          tlv(0xc3, this.algorithmAttributes()),
          tlv(0xc4, this.pwStatus()),
          tlv(0xc5, Buffer.alloc(60)),
          tlv(0xc6, Buffer.alloc(60)),
          tlv(0xcd, Buffer.alloc(12)),
        );
        return ok(
          tlv(
            0x6e,
            tlv(0x4f, FULL_AID),
            tlv(0x5f52, this.historical),
            this.extendedLengthInfo(),
            discretionary,
          ),
        );
      }
      default:
        return sw(0x6a88);
    }
  }

  private extendedLengthInfo(): Buffer {
    return tlv(0x7f66, tlv(0x02, Buffer.from([0x08, 0x00])), tlv(0x02, Buffer.from([0x08, 0x00])));
  }

  private slot(p2: number): PinSlot | undefined {
    return p2 === 0x81 || p2 === 0x82 ? this.pw1 : p2 === 0x83 ? this.pw3 : undefined;
  }

  private verify(cmd: Command): Reply {
    const pin = this.slot(cmd.p2);
    if (!pin) return sw(0x6a86);
    if (cmd.p1 === 0xff) {
      pin.verified = false;
      if (cmd.p2 === 0x81) this.pw1ForSigning = false;
      return ok();
    }
    if (cmd.p1 !== 0x00) return sw(0x6a86);
    if (cmd.data.length === 0) {
      // Status query. For 81 "verified" means a signature may be made now.
      if (cmd.p2 !== 0x81) return pin.query(this.stats);
      this.stats.verifyQueries++;
      if (this.pw1ForSigning) return ok();
      return sw(pin.tries === 0 ? 0x6983 : 0x63c0 | pin.tries);
    }
    const reply = pin.check(cmd.data, this.stats);
    if (cmd.p2 === 0x81) this.pw1ForSigning = reply.sw === 0x9000;
    return reply;
  }

  private computeSignature(digestInfo: Buffer): Reply {
    if (!this.pw1ForSigning) return sw(0x6982);
    // The spec caps the input at 40 % of the modulus length.
    if (digestInfo.length === 0 || digestInfo.length > Math.floor((this.modulusBits() / 8) * 0.4))
      return sw(0x6700);
    const signature = privateEncrypt(
      { key: this.key, padding: constants.RSA_PKCS1_PADDING },
      digestInfo,
    );
    if (!this.pw1Multi) this.pw1ForSigning = false;
    this.signatureCount++;
    this.stats.signatures++;
    return ok(signature);
  }

  private keyPair(cmd: Command): Reply {
    const crt = cmd.data[0];
    if (crt !== 0xb6) return crt === 0xb8 || crt === 0xa4 ? sw(0x6a88) : sw(0x6a80);
    if (cmd.p1 === 0x81) return ok(this.publicKeyTemplate());
    if (cmd.p1 !== 0x80) return sw(0x6a86);
    if (!this.pw3.verified) return sw(0x6982);
    this.key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    this.certDer = undefined;
    return ok(this.publicKeyTemplate());
  }

  private putData(tag: number, data: Buffer): Reply {
    if (!this.pw3.verified) return sw(0x6982);
    if (tag === 0x00c4) {
      this.pw1Multi = data[0] === 0x01;
      return ok();
    }
    if (tag === 0x7f21) {
      this.certDer = data.length > 0 ? Buffer.from(data) : undefined;
      return ok();
    }
    return sw(0x6a88);
  }

  private resetRetryCounter(cmd: Command): Reply {
    if (cmd.p1 !== 0x02 || cmd.p2 !== 0x81) return sw(0x6a86);
    if (!this.pw3.verified) return sw(0x6982);
    if (cmd.data.length < 6) return sw(0x6a80);
    this.pw1.value = Buffer.from(cmd.data);
    this.pw1.tries = this.pw1.maxTries;
    return ok();
  }
}
