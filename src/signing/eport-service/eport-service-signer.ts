/**
 * A Signer over the operator card behind the E-Port client control's local websocket service
 * (中国电子口岸客户端控件, ws://127.0.0.1:61232; reference/eport-formats.md §6.3).
 *
 * - certificate(): SpcGetSignCertAsPEM + SpcGetCertNo (+ SpcGetValidTimeFromCert as a cross-check);
 *   cached until the card number changes.
 * - sign(): SpcSignDataAsPEM with inData = the canonical SignedInfo text and passwd = the PIN. The
 *   card hashes and signs; Data[0] is the base64 signature, checked and verified before it is returned.
 * - One request at a time, per-request timeout, reconnect with backoff, a health probe
 *   (SpcGetCertNo, no PIN) on an interval, and a `state` the gateway watches to pause its sign queue.
 * - After a refused PIN nothing is sent to the card again until resetPin(): the card locks after a
 *   few wrong tries. The PIN is never logged and is scrubbed from any text the control sends back.
 */
import { GatewayError, isGatewayError, type ErrorDetail } from '../../core/errors.js';
import { onceClose } from '../../core/lifecycle.js';
import { certificateExpiredError, describeCertificate } from '../key-signer.js';
import type { SignatureAlgorithm, SignerCertificate } from '../signer.js';
import { SM2_DEFAULT_ID } from '../sm2.js';
import {
  CARD_ALGORITHM,
  cardKeyOf,
  normaliseSignature,
  verifyCardSignature,
  type CardKey,
} from './card-key.js';
import {
  certificateFromData,
  certNoFromData,
  signatureFromData,
  validityFromData,
} from './card-replies.js';
import { DEFAULT_EPORT_SERVICE_URL, EPORT_METHODS, succeeded } from './protocol.js';
import { ServiceConnection, type EportServiceLog } from './service-connection.js';
import { failureError, pinTriesAfter, replyError, unavailableError } from './service-errors.js';
import { StateTracker, type StateChange } from '../signer-state.js';
import { stateAfterError, type EportServiceState } from './service-state.js';

import type {
  CardAlgorithm,
  EportServiceSigner,
  EportServiceSignerOptions,
} from './eport-service-signer-options.js';

export type {
  CardAlgorithm,
  EportServiceSigner,
  EportServiceSignerOptions,
} from './eport-service-signer-options.js';
export type { EportServiceLog } from './service-connection.js';
export type { EportServiceState } from './service-state.js';
export type { StateChange } from '../signer-state.js';

interface LoadedCertificate {
  readonly cert: SignerCertificate;
  readonly key: CardKey;
}

const ONE_DAY_MS = 86_400_000;

class EportServiceSignerImpl implements EportServiceSigner {
  readonly kind = 'eport-service' as const;
  readonly name: string;
  #pin: string;
  private readonly url: string;
  private readonly hint: CardAlgorithm | undefined;
  private readonly timeoutMs: number;
  private readonly drainMs: number;
  private readonly log: EportServiceLog;
  private readonly verifySignatures: boolean;
  private readonly sm2Id: string;
  private readonly tracker = new StateTracker<EportServiceState>('unreachable');
  private readonly connection: ServiceConnection;
  private readonly healthTimer: NodeJS.Timeout | undefined;
  private certPromise: Promise<LoadedCertificate> | undefined;
  private loaded: LoadedCertificate | undefined;
  private pinError: GatewayError | undefined;
  pinTriesLeft: number | undefined;
  private closed = false;

  constructor(options: EportServiceSignerOptions) {
    this.name = options.name;
    this.#pin = options.pin;
    this.url = options.url ?? DEFAULT_EPORT_SERVICE_URL;
    this.hint = options.algorithm;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.drainMs = options.drainMs ?? this.timeoutMs;
    this.log = options.log;
    this.verifySignatures = options.verifySignatures ?? true;
    this.sm2Id = options.sm2Id ?? SM2_DEFAULT_ID;
    this.connection = new ServiceConnection({
      url: this.url,
      log: this.log,
      ...(options.reconnect ? { reconnect: options.reconnect } : {}),
      ...(options.greetingMs !== undefined ? { greetingMs: options.greetingMs } : {}),
      connectTimeoutMs: this.timeoutMs,
      secrets: () => [this.#pin],
    });
    this.connection.on('up', () => void this.probe());
    this.connection.on('down', (reason) =>
      this.tracker.set('unreachable', { cause: unavailableError(this.url, reason) }),
    );
    this.tracker.on('state', (state, change) => this.logState(state, change));
    const interval = options.healthIntervalMs ?? 30_000;
    if (interval > 0) {
      this.healthTimer = setInterval(() => void this.probe(), interval);
      this.healthTimer.unref();
    }
    this.connection.start();
  }

  get state(): EportServiceState {
    return this.tracker.state;
  }

  get algorithms(): readonly SignatureAlgorithm[] {
    if (this.loaded) return [CARD_ALGORITHM[this.loaded.key.type]];
    return this.hint ? [this.hint] : ['rsa-sha1', 'sm2-sm3'];
  }

  on(
    event: 'state',
    listener: (state: EportServiceState, change: StateChange<EportServiceState>) => void,
  ): this {
    this.tracker.on(event, listener);
    return this;
  }

  off(
    event: 'state',
    listener: (state: EportServiceState, change: StateChange<EportServiceState>) => void,
  ): this {
    this.tracker.off(event, listener);
    return this;
  }

  async certificate(): Promise<SignerCertificate> {
    return (await this.loadCertificate()).cert;
  }

  async sign(
    data: Buffer,
    algorithm: SignatureAlgorithm,
    options?: { signal?: AbortSignal },
  ): Promise<Buffer> {
    const signal = options?.signal;
    signal?.throwIfAborted();
    if (this.closed) throw this.closedError();
    const inData = data.toString('utf8');
    if (!Buffer.from(inData, 'utf8').equals(data)) {
      throw new GatewayError('GW_ERR_SIGN_INPUT', {
        where: this.where(),
        zh: '待签数据不是有效的 UTF-8 文本，控件只接受文本（inData）',
        en: 'the data to sign is not valid UTF-8; the control takes text (inData) only',
      });
    }
    this.refuseIfPinBlocked();
    if (!this.algorithms.includes(algorithm)) throw this.algorithmError(algorithm);
    const { cert, key } = await this.loadCertificate(signal);
    if (CARD_ALGORITHM[key.type] !== algorithm) throw this.algorithmError(algorithm);
    if (Date.now() > cert.notAfter.getTime()) throw certificateExpiredError(cert, this.where());

    const method = EPORT_METHODS.signDataAsPem;
    const reply = await this.request(method, { inData, passwd: this.#pin }, signal, () =>
      this.refuseIfPinBlocked(),
    );
    const { signature, certNo } = this.decode(method, () => signatureFromData(reply));
    if (certNo !== undefined && certNo !== cert.certNo) {
      // Another card was inserted after the certificate was read: this signature would not match
      // the certificate already placed in KeyInfo. Forget the certificate; the retry reads the new one.
      this.forgetCertificate();
      throw new GatewayError('GW_ERR_SIGN_FAILED', {
        where: this.where(),
        zh: `操作员卡已更换（证书号 ${cert.certNo} → ${certNo}），将用新卡重新签名`,
        en: `the operator card was changed (certificate no. ${cert.certNo} → ${certNo}); signing again with the new card`,
      });
    }
    const value = this.decode(method, () => normaliseSignature(signature, key));
    if (this.verifySignatures && !verifyCardSignature(data, value, key, this.sm2Id)) {
      this.forgetCertificate();
      throw new GatewayError('GW_ERR_SIGNATURE_INVALID', {
        where: this.where(),
        zh: `卡返回的签名不能用证书（证书号 ${cert.certNo}）验证`,
        en: `the signature from the card does not verify with its certificate (no. ${cert.certNo})`,
        fixZh: '检查卡和证书；SM2 卡若使用非默认签名者 ID，请配置 sm2Id 或关闭 verifySignatures',
        fixEn:
          'check the card and certificate; for an SM2 card with a non-default signer id, set sm2Id or turn verifySignatures off',
      });
    }
    return value;
  }

  async probe(): Promise<EportServiceState> {
    // While signs are queued they report readiness themselves; a probe would only delay them.
    if (this.closed || this.connection.queued > 0) return this.state;
    try {
      const reply = await this.request(EPORT_METHODS.getCertNo, {});
      const current = this.decode(EPORT_METHODS.getCertNo, () => certNoFromData(reply));
      if (this.loaded && this.loaded.cert.certNo !== current) {
        this.log.warn(
          { signer: this.name, was: this.loaded.cert.certNo, now: current },
          '操作员卡已更换，将重新读取证书 / operator card changed; the certificate will be read again',
        );
        this.forgetCertificate();
      }
    } catch (err) {
      this.log.debug(
        { signer: this.name, err: isGatewayError(err) ? err.code : String(err) },
        'E-Port health probe failed',
      );
    }
    return this.state;
  }

  resetPin(pin?: string): void {
    if (pin !== undefined) this.#pin = pin;
    this.pinError = undefined;
    this.tracker.unblock(this.connection.isUp ? 'ready' : 'unreachable');
    this.log.info(
      { signer: this.name },
      '已更新操作员卡口令，恢复签名 / card PIN replaced, signing resumes',
    );
    void this.probe();
  }

  readonly close = onceClose(async () => {
    this.closed = true;
    if (this.healthTimer) clearInterval(this.healthTimer);
    await this.connection.close();
  });

  /** One call through the connection; a failed reply becomes its GatewayError; the state follows the outcome. */
  private async request(
    method: string,
    args: Record<string, unknown>,
    signal?: AbortSignal,
    beforeSend?: () => void,
  ): Promise<readonly unknown[]> {
    try {
      const reply = await this.connection.call(method, args, {
        timeoutMs: this.timeoutMs,
        drainMs: this.drainMs,
        ...(signal ? { signal } : {}),
        ...(beforeSend ? { beforeSend } : {}),
      });
      this.pinTriesLeft = pinTriesAfter(reply, 'passwd' in args, this.pinTriesLeft);
      if (!succeeded(reply)) throw failureError(method, reply.errors, reply.status, [this.#pin]);
      this.tracker.set('ready');
      return reply.data;
    } catch (err) {
      if (isGatewayError(err)) {
        const next = stateAfterError(err);
        if (next === 'pin-blocked') this.pinError = err;
        if (next) this.tracker.set(next, { cause: err });
      }
      throw err;
    }
  }

  /** Runs a Data reader; its plain Error becomes GW_ERR_SIGN_SERVICE_REPLY. */
  private decode<T>(method: string, read: () => T): T {
    try {
      return read();
    } catch (err) {
      const e = replyError(this.url, method, (err as Error).message);
      this.tracker.set('unreachable', { cause: e });
      throw e;
    }
  }

  private loadCertificate(signal?: AbortSignal): Promise<LoadedCertificate> {
    if (this.closed) return Promise.reject(this.closedError());
    const p = (this.certPromise ??= this.readCertificate(signal));
    p.catch(() => {
      if (this.certPromise === p) this.certPromise = undefined;
    });
    return p;
  }

  private async readCertificate(signal?: AbortSignal): Promise<LoadedCertificate> {
    const certReply = await this.request(EPORT_METHODS.getSignCertAsPem, {}, signal);
    const der = this.decode(EPORT_METHODS.getSignCertAsPem, () => certificateFromData(certReply));
    const noReply = await this.request(EPORT_METHODS.getCertNo, {}, signal);
    const certNo = this.decode(EPORT_METHODS.getCertNo, () => certNoFromData(noReply));
    let key: CardKey;
    try {
      key = cardKeyOf(der);
    } catch (err) {
      throw new GatewayError('GW_ERR_SIGN_KEY', {
        where: this.where(),
        zh: `操作员卡证书的密钥类型不受支持：${(err as Error).message}`,
        en: `the operator card certificate's key is not supported: ${(err as Error).message}`,
      });
    }
    const cert = describeCertificate(der, certNo);
    await this.crossCheckValidity(cert, signal);
    if (this.hint && this.hint !== CARD_ALGORITHM[key.type]) {
      this.log.warn(
        { signer: this.name, configured: this.hint, card: CARD_ALGORITHM[key.type] },
        '配置的签名算法与操作员卡不符，按卡的算法签名 / configured algorithm differs from the card; the card decides',
      );
    }
    const loaded = { cert, key };
    this.loaded = loaded;
    return loaded;
  }

  /**
   * The control's own reading of the validity period. The certificate's dates are what the signer
   * reports (exact, no time-zone guess); a disagreement of more than a day means the control reads
   * another certificate than it returned, which is worth a warning. Failures here are not fatal.
   */
  private async crossCheckValidity(cert: SignerCertificate, signal?: AbortSignal): Promise<void> {
    const method = EPORT_METHODS.getValidTimeFromCert;
    try {
      const data = await this.request(method, {}, signal);
      const v = validityFromData(data);
      if (Math.abs(v.notAfter.getTime() - cert.notAfter.getTime()) > ONE_DAY_MS) {
        this.log.warn(
          {
            signer: this.name,
            certificate: cert.notAfter.toISOString(),
            control: v.notAfter.toISOString(),
          },
          '控件报告的证书有效期与证书不符 / validity reported by the control differs from the certificate',
        );
      }
    } catch (err) {
      if (isGatewayError(err) && err.code !== 'GW_ERR_SIGN_FAILED') throw err;
      this.log.warn(
        { signer: this.name, reason: err instanceof Error ? err.message : String(err) },
        `${method} unusable; using the certificate's dates`,
      );
    }
  }

  private forgetCertificate(): void {
    this.certPromise = undefined;
    this.loaded = undefined;
  }

  private refuseIfPinBlocked(): void {
    if (this.tracker.state !== 'pin-blocked') return;
    const first: ErrorDetail = {
      where: this.where(),
      zh: '口令已被卡拒绝；为免锁卡，不再向卡发送签名请求，直到更新口令',
      en: 'the card refused the PIN; no more sign requests go to the card (to avoid locking it) until the PIN is replaced',
      fixZh: '核对并更新签名器的 PIN，然后重新加载签名器',
      fixEn: "check and replace the signer's PIN, then reload the signer",
    };
    throw new GatewayError('GW_ERR_SIGN_PIN', [first, ...(this.pinError?.details ?? [])]);
  }

  private algorithmError(algorithm: SignatureAlgorithm): GatewayError {
    return new GatewayError('GW_ERR_SIGN_ALGORITHM', {
      where: this.where(),
      zh: `操作员卡不能做 ${algorithm} 签名（可用：${this.algorithms.join('、')}）`,
      en: `the operator card cannot sign ${algorithm} (it can: ${this.algorithms.join(', ')})`,
      fixZh: '把通道的签名算法改成与卡相符的算法（RSA 卡：rsa-sha1；SM2 卡：sm2-sm3）',
      fixEn:
        "set the channel's signature algorithm to the card's (RSA cards: rsa-sha1; SM2 cards: sm2-sm3)",
    });
  }

  private closedError(): GatewayError {
    return new GatewayError('GW_ERR_SIGN_FAILED', {
      where: this.where(),
      zh: '签名器已关闭',
      en: 'signer is closed',
    });
  }

  private where(): string {
    return `eport-service signer ${this.name} (${this.url})`;
  }

  private logState(state: EportServiceState, change: StateChange<EportServiceState>): void {
    const ctx = {
      signer: this.name,
      state,
      previous: change.previous,
      ...(change.cause ? { error: change.cause.message } : {}),
    };
    if (state === 'ready') this.log.info(ctx, '签名器就绪 / signer ready');
    else if (state === 'pin-blocked')
      this.log.error(ctx, '操作员卡口令被拒绝，签名已停止 / card PIN refused, signing stopped');
    else if (state === 'absent')
      this.log.warn(ctx, '操作员卡不可用，签名暂停 / operator card not usable, signing paused');
    else
      this.log.warn(ctx, '签名服务不可达，签名暂停 / signing service unreachable, signing paused');
  }
}

/**
 * Creates the signer and starts connecting in the background; it never throws for an absent
 * service or card (watch `state`). Calls made before the connection is up wait up to timeoutMs.
 */
export function createEportServiceSigner(options: EportServiceSignerOptions): EportServiceSigner {
  return new EportServiceSignerImpl(options);
}
