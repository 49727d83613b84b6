/**
 * The PC/SC card signer: an operator card (OpenPGP or PIV application) in a reader chosen by name.
 *
 * - One card operation at a time (the serial lane), so each VERIFY is followed by its own signature.
 * - Card and reader presence come from pcsclite events; while there is no card, `sign` throws
 *   GW_ERR_SIGN_CARD_ABSENT (transient) and `state` is 'absent', so the gateway can pause this
 *   card's queue and resume on 'ready'.
 * - PIN: the retry counter is read before every VERIFY; at one try left (or fewer) the PIN is not
 *   presented (GW_ERR_SIGN_PIN_LOW). A wrong PIN gives GW_ERR_SIGN_PIN and state 'pin-blocked',
 *   which stays until an operator calls `resetPin()`: the signer never retries a PIN by itself.
 * - Every signature is checked against the certificate before it is returned.
 */
import { GatewayError, isSignerFatal } from '../../core/errors.js';
import { onceClose } from '../../core/lifecycle.js';
import { SerialLane } from '../../core/serial-lane.js';
import type { SignatureAlgorithm, SignerCertificate } from '../signer.js';
import { StateTracker, type StateDetail, type StateListener } from '../signer-state.js';
import type { CardLog } from './card-log.js';
import { cardAbsentError, cardCertificateExpiredError, toCardError } from './card-errors.js';
import { logCardReady, logOpenFailure, openSignerCard } from './card-open.js';
import { inspectCertificate, type CardSession } from './card-session.js';
import {
  matcher,
  pemToDer,
  PROFILES,
  type CardState,
  type PcscCardSigner,
  type PcscCardSignerOptions,
} from './card-signer-options.js';
import { signOnCard } from './card-sign-steps.js';
import { rsaHashOf } from './digest-info.js';
import { loadPcsclite } from './pcsclite-binding.js';
import type { CardProfile } from './profile.js';
import { ReaderWatch } from './reader-watch.js';

export type {
  CardState,
  PcscCardSigner,
  PcscCardSignerOptions,
  StateDetail,
  StateListener,
} from './card-signer-options.js';

class CardSigner implements PcscCardSigner {
  readonly kind = 'pcsc-card' as const;
  readonly algorithms: readonly SignatureAlgorithm[] = ['rsa-sha1', 'rsa-sha256'];
  readonly name: string;

  private readonly profile: CardProfile;
  private readonly log: CardLog;
  private readonly watch: ReaderWatch;
  private readonly lane = new SerialLane();
  private readonly tracker = new StateTracker<CardState>('absent');
  private readonly now: () => number;
  private readonly reconnectMs: number;
  private pin: Buffer;
  private readonly configured: { der: Buffer; certificate: SignerCertificate } | undefined;
  private session: CardSession | undefined;
  private pinProblem: GatewayError | undefined;
  pinTriesLeft: number | undefined;
  /** Last permanent failure to open the card (wrong application, certificate mismatch ...). */
  private openProblem: GatewayError | undefined;
  private reopenTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private firstOpen: Promise<void>;
  private firstOpenDone: () => void = () => {};

  constructor(private readonly options: PcscCardSignerOptions) {
    this.name = options.name;
    this.profile = PROFILES[options.profile];
    if (!this.profile) {
      throw new GatewayError('GW_ERR_CONFIG', {
        where: options.name,
        zh: `未知的卡类型 "${String(options.profile)}"（可用：openpgp、piv）`,
        en: `unknown card profile "${String(options.profile)}" (use openpgp or piv)`,
      });
    }
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.reconnectMs = options.reconnectMs ?? 2000;
    this.pin = this.profile.encodePin(options.pin);
    if (options.certificatePem !== undefined) {
      const der = pemToDer(options.certificatePem, options.name);
      this.configured = {
        der,
        certificate: inspectCertificate(der, options.certNo, options.name).certificate,
      };
    }
    this.firstOpen = new Promise<void>((resolve) => (this.firstOpenDone = resolve));
    const pcsc = options.pcsc;
    this.watch = new ReaderWatch({
      label: options.name,
      matches: matcher(options.readerPattern),
      reconnectMs: this.reconnectMs,
      log: options.log,
      factory: pcsc ? () => pcsc : loadPcsclite,
    });
    this.watch.on('present', () => this.openInBackground());
    this.watch.on('absent', (reason) => this.dropSession(reason));
  }

  get state(): CardState {
    return this.tracker.state;
  }

  on(event: 'state', listener: StateListener<CardState>): this {
    this.tracker.on(event, listener);
    return this;
  }

  off(event: 'state', listener: StateListener<CardState>): this {
    this.tracker.off(event, listener);
    return this;
  }

  get readerName(): string | undefined {
    return this.watch.reader?.name;
  }

  /** The configured certificate when it has already expired (checked before any card work). */
  configuredCertificateExpired(): GatewayError | undefined {
    const c = this.configured?.certificate;
    return c && this.now() > c.notAfter.getTime()
      ? cardCertificateExpiredError(this.name, c.certNo, c.notAfter)
      : undefined;
  }

  start(): void {
    this.watch.start();
  }

  /** Waits until the first attempt to open the card has finished, or `ms` passed. */
  async settle(ms: number): Promise<GatewayError | undefined> {
    if (ms > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.firstOpen,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
      ]);
      clearTimeout(timer);
    }
    return this.openProblem;
  }

  onStateChange(listener: StateListener<CardState>): () => void {
    this.on('state', listener);
    return () => this.off('state', listener);
  }

  waitForState(target: CardState, timeoutMs: number): Promise<void> {
    return this.tracker.waitFor(target, timeoutMs, this.name);
  }

  resetPin(pin?: string): void {
    if (pin !== undefined) {
      const encoded = this.profile.encodePin(pin);
      this.pin.fill(0);
      this.pin = encoded;
    }
    if (!this.pinProblem) return;
    this.pinProblem = undefined;
    this.log.warn(
      { signer: this.name, reader: this.readerName },
      'PIN block cleared by operator / 操作员已解除 PIN 停用',
    );
    this.refreshState({ zh: '操作员已解除 PIN 停用', en: 'PIN block cleared by operator' }, true);
  }

  async certificate(): Promise<SignerCertificate> {
    if (this.session) return this.session.certificate;
    if (this.configured) return this.configured.certificate;
    this.assertUsable();
    return this.lane.run(async () => (await this.ensureSession()).certificate);
  }

  async sign(
    data: Buffer,
    algorithm: SignatureAlgorithm,
    options?: { signal?: AbortSignal },
  ): Promise<Buffer> {
    options?.signal?.throwIfAborted();
    const hash = rsaHashOf(algorithm);
    // Fail fast without queueing behind other jobs when the answer is known already.
    this.assertUsable();
    return this.lane.run(async () => {
      options?.signal?.throwIfAborted();
      this.assertUsable();
      let session: CardSession | undefined;
      try {
        session = await this.ensureSession();
        const cert = session.certificate;
        if (this.now() > cert.notAfter.getTime()) {
          this.refreshState({ zh: '签名证书已过期', en: 'the signing certificate expired' });
          throw cardCertificateExpiredError(this.name, cert.certNo, cert.notAfter);
        }
        return await signOnCard(
          {
            profile: this.profile,
            pin: () => this.pin,
            where: () => this.where(),
            stopForPin: (err, triesLeft) => this.stopForPin(err, triesLeft),
            sawPinTries: (tries) => (this.pinTriesLeft = tries),
          },
          session,
          hash,
          data,
        );
      } catch (err) {
        throw this.failed(err, session);
      }
    });
  }

  readonly close: () => Promise<void> = onceClose(async () => {
    this.closed = true;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.watch.removeAllListeners();
    // Queue behind any running operation, then reset the card so no verified PIN is left behind.
    await this.lane.run(async () => {
      const s = this.session;
      this.session = undefined;
      await s?.connection.close('reset');
    });
    await this.watch.close();
    this.pin.fill(0);
    this.firstOpenDone();
    this.log.info({ signer: this.name }, 'card signer closed / 智能卡签名器已关闭');
  });

  private where(): string {
    return this.readerName ? `${this.name} (${this.readerName})` : this.name;
  }

  private assertUsable(): void {
    if (this.closed) throw cardAbsentError('closed', this.where());
    if (this.pinProblem) throw new GatewayError(this.pinProblem.code, this.pinProblem.details);
    const expired = this.configuredCertificateExpired();
    if (expired) throw expired;
    if (!this.watch.present) throw cardAbsentError(this.watch.absence, this.where());
    if (!this.session && this.openProblem)
      throw new GatewayError(this.openProblem.code, this.openProblem.details);
  }

  /** The open session, or a new one (caller holds the mutex). */
  private async ensureSession(): Promise<CardSession> {
    if (this.session) return this.session;
    await this.openSession();
    if (!this.session) throw cardAbsentError(this.watch.absence, this.where());
    return this.session;
  }

  private async openSession(): Promise<void> {
    const reader = this.watch.reader;
    if (this.closed || this.session || !reader || !this.watch.present) return;
    const opening = { options: this.options, profile: this.profile, reader, log: this.log };
    try {
      const session = await openSignerCard(opening, this.watch.atr, this.configured?.der);
      if (this.closed || !this.watch.present) {
        await session.connection.close('leave');
        return;
      }
      this.session = session;
      this.openProblem = undefined;
      logCardReady(opening, session);
      this.refreshState({ zh: '操作员卡已就绪', en: 'card ready' });
    } catch (err) {
      const gw = toCardError(err, { where: this.where(), profile: this.profile, phase: 'open' });
      logOpenFailure(opening, gw);
      if (gw.transient) this.scheduleReopen();
      else this.openProblem = gw;
      throw gw;
    } finally {
      this.firstOpenDone();
    }
  }

  private openInBackground(): void {
    this.lane
      .run(() => this.openSession())
      .catch(() => {
        // logged in openSession
      });
  }

  private scheduleReopen(): void {
    if (this.closed || this.reopenTimer) return;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = undefined;
      if (!this.session && this.watch.present) this.openInBackground();
    }, this.reconnectMs);
    this.reopenTimer.unref();
  }

  private stopForPin(err: GatewayError, triesLeft: number | undefined): GatewayError {
    this.pinProblem = err;
    this.log.error(
      { signer: this.name, reader: this.readerName, code: err.code, triesLeft },
      'card PIN problem, signing stopped / 卡 PIN 异常，已停止签名',
    );
    this.refreshState({
      zh: err.details[0]?.zh ?? '卡 PIN 异常',
      en: err.details[0]?.en ?? 'card PIN problem',
    });
    return err;
  }

  /** Maps a failure; drops the session when the card's state is no longer known. */
  private failed(err: unknown, session: CardSession | undefined): GatewayError {
    const gw = toCardError(err, { where: this.where(), profile: this.profile, phase: 'sign' });
    // The card's state is still known after a signer-fatal error or a key that does not match.
    const keep = isSignerFatal(gw.code) || gw.code === 'GW_ERR_SIGN_KEY';
    if (session && !keep && this.session === session) {
      this.session = undefined;
      void session.connection.close('leave');
      this.log.warn(
        { signer: this.name, reader: this.readerName, code: gw.code, err: gw.message },
        'card session dropped / 已断开与操作员卡的会话',
      );
      this.refreshState({
        zh: gw.details[0]?.zh ?? '与操作员卡的会话已断开',
        en: gw.details[0]?.en ?? gw.message,
      });
      // The watcher may still see the card (a glitch, or pcscd has not polled yet): try again later.
      this.scheduleReopen();
    }
    return gw;
  }

  private dropSession(reason: string): void {
    const s = this.session;
    this.session = undefined;
    if (s) void this.lane.run(() => s.connection.close('leave'));
    this.log.warn(
      { signer: this.name, reader: this.readerName, reason },
      'operator card absent / 操作员卡不在位',
    );
    this.refreshState({ zh: '操作员卡不在位', en: `card absent (${reason})` });
  }

  private computeState(): CardState {
    if (this.pinProblem) return 'pin-blocked';
    if (this.configuredCertificateExpired()) return 'expired';
    const s = this.session;
    if (!s) return 'absent';
    return this.now() > s.certificate.notAfter.getTime() ? 'expired' : 'ready';
  }

  /** Moves to the state the card is in now; `unblock` only after an operator fixed the PIN. */
  private refreshState(detail: StateDetail, unblock = false): void {
    const previous = this.tracker.state;
    if (this.closed) return;
    const next = this.computeState();
    if (unblock) this.tracker.unblock(next, { detail });
    else this.tracker.set(next, { detail });
    if (this.tracker.state !== previous) {
      this.log.info(
        { signer: this.name, reader: this.readerName, state: next, previous },
        `card signer state ${previous} → ${next} / 签名器状态变更`,
      );
    }
  }
}

/**
 * Creates and starts a card signer. Resolves once the card is open, or after `startWaitMs` with
 * state 'absent' (the card may come later). Rejects with GW_ERR_SIGN_CERT_EXPIRED when the
 * certificate (configured or on the card) has expired, with GW_ERR_CONFIG for a malformed PIN, and
 * with the permanent error when the card in the reader cannot be used (wrong application, key and
 * certificate do not match, ...). GW_ERR_SIGN_READER when the pcsclite module cannot be loaded.
 */
export async function createPcscCardSigner(
  options: PcscCardSignerOptions,
): Promise<PcscCardSigner> {
  const signer = new CardSigner(options);
  const expired = signer.configuredCertificateExpired();
  if (expired) throw expired;
  if (!options.pcsc) {
    try {
      loadPcsclite();
    } catch (err) {
      throw toCardError(err, {
        where: options.name,
        profile: PROFILES[options.profile],
        phase: 'open',
      });
    }
  }
  signer.start();
  const problem = await signer.settle(options.startWaitMs ?? 3000);
  if (signer.state === 'expired') {
    const cert = await signer.certificate();
    await signer.close();
    throw cardCertificateExpiredError(options.name, cert.certNo, cert.notAfter);
  }
  if (problem) {
    await signer.close();
    throw problem;
  }
  return signer;
}
