/**
 * The operator card as the fake E-Port service simulates it: a key and certificate (RSA or SM2), a
 * certificate number, a PIN with a retry counter that locks at zero, and whether it is inserted.
 * It answers the `cus-sec_*` methods the gateway uses with the `_args` body the control would send.
 *
 * The reader-failure texts are the documented ones (reference §6.3). The wrong-PIN and locked-PIN
 * wordings are invented: no public source shows them. They follow the control's Chinese style and
 * contain the keywords service-errors.ts looks for.
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import { createKeySigner, describeCertificate } from '../key-signer.js';
import { generateSelfSignedIdentity, type SelfSignedIdentity } from '../self-signed.js';
import type { Signer, SignerCertificate } from '../signer.js';
import { formatEportTime } from './card-replies.js';
import { EPORT_METHODS } from './protocol.js';

/** The `_args` body of a reply. */
export interface ReplyBody {
  readonly Result: boolean;
  readonly Data: unknown[];
  readonly Error: string[];
}

/** What the control answers when the card has been pulled or the reader fails (reference §6.3). */
export const CARD_ABSENT_ERRORS: readonly string[] = [
  '[读卡器底层库]复位读卡器失败:错误码=50070',
  'Err:Custom50070',
];

export interface FakeCardOptions {
  /** Key and certificate (PEM). RSA or SM2. Default: one RSA-1024 identity per process (cards are RSA-1024). */
  readonly identity?: SelfSignedIdentity;
  /** Certificate number; default the certificate serial in lower-case hex. */
  readonly certNo?: string;
  /** Default 88888888, the factory PIN. */
  readonly pin?: string;
  /** Wrong tries before the PIN locks; default 6. */
  readonly pinTries?: number;
}

let shared: SelfSignedIdentity | undefined;

function sharedIdentity(): SelfSignedIdentity {
  // 8 hex digits, like the certificate numbers of RSA operator cards (e.g. 01691fe9).
  shared ??= generateSelfSignedIdentity({
    commonName: '测试操作员卡 Fake Operator Card',
    organization: '示例报关有限公司',
    days: 3650,
    bits: 1024,
    serialNumber: `0${randomBytes(4).toString('hex').slice(1)}`,
  });
  return shared;
}

function ok(data: unknown[] = []): ReplyBody {
  return { Result: true, Data: data, Error: [] };
}

function failed(errors: readonly string[]): ReplyBody {
  return { Result: false, Data: [], Error: [...errors] };
}

/** See the module comment. */
export class FakeCard {
  readonly identity: SelfSignedIdentity;
  readonly certificate: SignerCertificate;
  /** Whether the card is in the reader. */
  present = true;
  private readonly signer: Signer;
  private readonly pin: string;
  private readonly maxTries: number;
  private tries: number;

  constructor(options: FakeCardOptions = {}) {
    this.identity = options.identity ?? sharedIdentity();
    const der = Buffer.from(this.identity.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    this.certificate = describeCertificate(der, options.certNo);
    this.signer = createKeySigner({
      name: 'fake-card',
      kind: 'fake',
      key: createPrivateKey(this.identity.keyPem),
      certificateDer: der,
    });
    this.pin = options.pin ?? '88888888';
    this.maxTries = options.pinTries ?? 6;
    this.tries = this.maxTries;
  }

  /** Wrong PIN tries left before the card locks. */
  get pinTriesLeft(): number {
    return this.tries;
  }

  /** 'rsa' or 'sm2'. */
  get keyType(): 'rsa' | 'sm2' {
    return this.signer.algorithms.includes('sm2-sm3') ? 'sm2' : 'rsa';
  }

  /** The `_args` body for one request. */
  async answer(method: string, args: Readonly<Record<string, unknown>>): Promise<ReplyBody> {
    if (!method.startsWith('cus-sec_')) return failed([`不支持的方法:${method}`]);
    if (!this.present) return failed(CARD_ABSENT_ERRORS);
    switch (method) {
      case EPORT_METHODS.getCertNo:
        return ok([this.certificate.certNo]);
      case EPORT_METHODS.getSignCertAsPem:
        return ok([this.certificate.der.toString('base64')]);
      case EPORT_METHODS.getValidTimeFromCert:
        return ok([
          {
            szStartTime: formatEportTime(this.certificate.notBefore),
            szEndTime: formatEportTime(this.certificate.notAfter),
          },
        ]);
      case EPORT_METHODS.verifyPin:
        return this.checkPin(args.passwd) ?? ok();
      case EPORT_METHODS.signDataAsPem:
        return this.signAsPem(args);
      default:
        return failed([`不支持的方法:${method}`]);
    }
  }

  private checkPin(passwd: unknown): ReplyBody | undefined {
    if (this.tries === 0) return failed(['[卡操作]口令已锁定，请解锁后再试']);
    if (typeof passwd !== 'string' || passwd === '')
      return failed(['[卡操作]口令验证失败：未提供口令']);
    if (passwd === this.pin) {
      this.tries = this.maxTries;
      return undefined;
    }
    this.tries--;
    return failed([
      this.tries === 0
        ? '[卡操作]口令错误，口令已锁定'
        : `[卡操作]口令错误，剩余重试次数:${this.tries}`,
    ]);
  }

  private async signAsPem(args: Readonly<Record<string, unknown>>): Promise<ReplyBody> {
    if (typeof args.inData !== 'string') return failed(['[参数]inData 不能为空']);
    const refused = this.checkPin(args.passwd);
    if (refused) return refused;
    // The card hashes and signs: SHA-1 with RSA, SM3 (with Z, id 1234567812345678) with SM2 → r‖s.
    const algorithm = this.keyType === 'sm2' ? 'sm2-sm3' : 'rsa-sha1';
    const signature = await this.signer.sign(Buffer.from(args.inData, 'utf8'), algorithm);
    return ok([signature.toString('base64'), this.certificate.certNo]);
  }
}
