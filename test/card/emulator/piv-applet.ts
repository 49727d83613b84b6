/**
 * PIV card application subset (SP 800-73-4): SELECT answers the APT, GET DATA 5FC10A (certificate
 * for digital signature, optionally gzip-compressed) and 5FC102 (CHUID), VERIFY 80 (8 bytes, FF
 * padded), GENERAL AUTHENTICATE with key 9C (raw RSA over the host's padded block; the PIN is
 * needed before every signature), GENERATE ASYMMETRIC KEY PAIR for 9C (no management key here).
 */
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  privateEncrypt,
  type KeyObject,
} from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ok, PinSlot, sw, type Applet, type CardStats, type Reply } from './applet.js';
import type { Command } from './command.js';
import { readSimpleTlvs, tlv } from './tlv.js';

export interface PivOptions {
  readonly keyPem: string;
  readonly certDer?: Buffer;
  readonly pin?: string;
  readonly tries?: number;
  /** Store the certificate gzip-compressed (CertInfo 71 = 01), as some issuers do. */
  readonly compressCertificate?: boolean;
}

const FULL_AID = Buffer.from('A000000308000010000100', 'hex');
/** SP 800-78-4 mechanism ids by modulus bits. */
const MECHANISM: Readonly<Record<number, number>> = {
  1024: 0x06,
  2048: 0x07,
  3072: 0x05,
  4096: 0x16,
};

function padPin(pin: string): Buffer {
  const b = Buffer.alloc(8, 0xff);
  b.write(pin, 'ascii');
  return b;
}

export class PivApplet implements Applet {
  readonly aid = FULL_AID;
  readonly pin: PinSlot;
  private key: KeyObject;
  private certDer: Buffer | undefined;
  private compress: boolean;

  constructor(
    options: PivOptions,
    private readonly stats: CardStats,
  ) {
    this.key = createPrivateKey(options.keyPem);
    this.certDer = options.certDer;
    this.pin = new PinSlot(padPin(options.pin ?? '123456'), options.tries ?? 3);
    this.compress = options.compressCertificate ?? false;
  }

  setIdentity(keyPem: string, certDer: Buffer | undefined): void {
    this.key = createPrivateKey(keyPem);
    this.certDer = certDer;
  }

  setPin(pin: string): void {
    this.pin.value = padPin(pin);
  }

  select(): Reply {
    // Application property template: PIX, and the coexistent tag allocation authority.
    return ok(
      tlv(
        0x61,
        tlv(0x4f, Buffer.from('000010000100', 'hex')),
        tlv(0x79, tlv(0x4f, Buffer.from('A000000308', 'hex'))),
      ),
    );
  }

  reset(): void {
    this.pin.verified = false;
  }

  handle(cmd: Command): Reply {
    switch (cmd.ins) {
      case 0xcb:
        return cmd.p1 === 0x3f && cmd.p2 === 0xff ? this.getData(cmd.data) : sw(0x6a86);
      case 0x20:
        return this.verify(cmd);
      case 0x87:
        return this.generalAuthenticate(cmd);
      case 0x47:
        return this.generate(cmd);
      default:
        return sw(0x6d00);
    }
  }

  private modulusBits(): number {
    return this.key.asymmetricKeyDetails?.modulusLength ?? 2048;
  }

  private getData(data: Buffer): Reply {
    const tag = readSimpleTlvs(data)?.get(0x5c)?.toString('hex').toUpperCase();
    if (tag === '5FC10A') {
      if (!this.certDer) return sw(0x6a82);
      const cert = this.compress ? gzipSync(this.certDer) : this.certDer;
      return ok(
        tlv(
          0x53,
          tlv(0x70, cert),
          tlv(0x71, Buffer.from([this.compress ? 0x01 : 0x00])),
          tlv(0xfe, Buffer.alloc(0)),
        ),
      );
    }
    if (tag === '5FC102') {
      return ok(
        tlv(
          0x53,
          tlv(0x30, Buffer.alloc(25)),
          tlv(0x34, Buffer.alloc(16, 0x11)),
          tlv(0x35, Buffer.from('20991231')),
          tlv(0x3e, Buffer.alloc(0)),
          tlv(0xfe, Buffer.alloc(0)),
        ),
      );
    }
    return sw(0x6a82);
  }

  private verify(cmd: Command): Reply {
    if (cmd.p2 !== 0x80) return sw(0x6a88);
    if (cmd.p1 === 0xff) {
      this.pin.verified = false;
      return ok();
    }
    if (cmd.data.length === 0) return this.pin.query(this.stats);
    if (cmd.data.length !== 8) return sw(0x6a80);
    return this.pin.check(cmd.data, this.stats);
  }

  private generalAuthenticate(cmd: Command): Reply {
    if (cmd.p2 !== 0x9c) return sw(0x6a88);
    if (cmd.p1 !== MECHANISM[this.modulusBits()]) return sw(0x6a80);
    const outer = readSimpleTlvs(cmd.data)?.get(0x7c);
    const inner = outer ? readSimpleTlvs(outer) : undefined;
    const block = inner?.get(0x81);
    if (!block || !inner?.has(0x82)) return sw(0x6a80);
    if (!this.pin.verified) return sw(0x6982);
    // Key 9C has PIN policy "always": the verification is used up by this signature.
    this.pin.verified = false;
    if (block.length !== this.modulusBits() / 8) return sw(0x6a80);
    const signature = privateEncrypt({ key: this.key, padding: constants.RSA_NO_PADDING }, block);
    this.stats.signatures++;
    return ok(tlv(0x7c, tlv(0x82, signature)));
  }

  private generate(cmd: Command): Reply {
    if (cmd.p2 !== 0x9c) return sw(0x6a88);
    const mech = readSimpleTlvs(readSimpleTlvs(cmd.data)?.get(0xac) ?? Buffer.alloc(0))?.get(
      0x80,
    )?.[0];
    const bits = Object.entries(MECHANISM).find(([, m]) => m === mech)?.[0];
    if (!bits) return sw(0x6a80);
    this.key = generateKeyPairSync('rsa', { modulusLength: Number(bits) }).privateKey;
    this.certDer = undefined;
    const jwk = createPublicKey(this.key).export({ format: 'jwk' });
    return ok(
      tlv(
        0x7f49,
        tlv(0x81, Buffer.from(jwk.n as string, 'base64url')),
        tlv(0x82, Buffer.from(jwk.e as string, 'base64url')),
      ),
    );
  }
}
