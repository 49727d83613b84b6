/**
 * Watches one reader (the first whose name matches) and its card through pcsclite events, and
 * keeps a PC/SC context alive: when pcscd is not running or goes away, the context is rebuilt
 * every `reconnectMs`. Emits `present` when a card is in and `absent` (with a reason) when not.
 */
import { EventEmitter } from 'node:events';
import type { CardLog } from './card-log.js';
import type { PcscContext, PcscFactory, PcscReader, PcscStatus } from './pcsclite-binding.js';

/** Why there is no usable card. */
export type AbsenceReason =
  'starting' | 'no-reader' | 'card-removed' | 'reader-gone' | 'service-lost' | 'closed';

/** How long after (re)connecting to pcscd a missing reader is reported. */
const NO_READER_WARN_MS = 1500;
/** How long a reader's status thread must have been quiet before it is stopped. */
const QUIET_MS = 25;

export interface ReaderWatchOptions {
  /** Used for logs only. */
  readonly label: string;
  readonly matches: (readerName: string) => boolean;
  readonly reconnectMs: number;
  readonly log: CardLog;
  readonly factory: () => PcscFactory;
}

export class ReaderWatch extends EventEmitter {
  private context: PcscContext | undefined;
  private matched: PcscReader | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private serviceWarned = false;
  private cardPresent = false;
  private eventCounter = -1;
  private lastAtr: Buffer | undefined;
  private lastAbsence: AbsenceReason = 'starting';
  private readonly lastEvent = new WeakMap<PcscReader, number>();

  constructor(private readonly options: ReaderWatchOptions) {
    super();
  }

  /** The matched reader, whether or not a card is in it. */
  get reader(): PcscReader | undefined {
    return this.matched;
  }

  get present(): boolean {
    return this.cardPresent;
  }

  /** The ATR of the card in the reader, as the last status event gave it. */
  get atr(): Buffer | undefined {
    return this.lastAtr;
  }

  /** Why there is no card, while `present` is false. */
  get absence(): AbsenceReason {
    return this.lastAbsence;
  }

  start(): void {
    this.establish();
  }

  /** Stops watching and releases the context. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.setAbsent('closed');
    await this.teardown();
  }

  private establish(): void {
    this.retryTimer = undefined;
    if (this.closed) return;
    let ctx: PcscContext;
    try {
      ctx = this.options.factory()();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Logged once per outage at warn level, then quietly retried.
      if (!this.serviceWarned) {
        this.options.log.warn(
          { signer: this.options.label, err: message },
          'PC/SC service (pcscd) unavailable, will retry / PC/SC 服务（pcscd）不可用，稍后重试',
        );
        this.serviceWarned = true;
      }
      this.setAbsent('service-lost');
      this.scheduleRestart();
      return;
    }
    if (this.serviceWarned)
      this.options.log.info(
        { signer: this.options.label },
        'PC/SC service available again / PC/SC 服务已恢复',
      );
    this.serviceWarned = false;
    this.context = ctx;
    ctx.on('error', (err) => {
      this.options.log.warn(
        { signer: this.options.label, err: err.message },
        'PC/SC service lost / PC/SC 服务中断',
      );
      this.restartSoon('service-lost');
    });
    ctx.on('reader', (reader) => this.onReader(ctx, reader));
    // pcsclite announces the readers asynchronously; tell the operator if none of them fits.
    const check = setTimeout(() => {
      if (this.closed || ctx !== this.context || this.matched) return;
      const seen = Object.keys(ctx.readers ?? {});
      this.options.log.warn(
        { signer: this.options.label, readers: seen },
        'no reader matches the configured pattern / 没有与配置匹配的读卡器',
      );
      this.setAbsent('no-reader');
    }, NO_READER_WARN_MS);
    check.unref();
  }

  private onReader(ctx: PcscContext, reader: PcscReader): void {
    if (ctx !== this.context) return;
    // Every reader gets an error listener: an 'error' event without one would crash the process.
    reader.on('error', (err) =>
      this.options.log.warn(
        { signer: this.options.label, reader: reader.name, err: err.message },
        'reader status error / 读卡器状态错误',
      ),
    );
    this.track(reader);
    if (this.matched || !this.options.matches(reader.name)) {
      // Its status thread is kept until teardown: stopping it now could hit the start-up race below.
      this.options.log.debug(
        { signer: this.options.label, reader: reader.name, using: this.matched?.name },
        'reader ignored / 忽略读卡器',
      );
      return;
    }
    this.matched = reader;
    this.eventCounter = -1;
    this.options.log.info(
      { signer: this.options.label, reader: reader.name },
      'reader found / 已找到读卡器',
    );
    reader.on('status', (status) => this.onStatus(reader, status));
    reader.on('end', () => {
      if (reader !== this.matched) return;
      this.options.log.warn(
        { signer: this.options.label, reader: reader.name },
        'reader gone / 读卡器已断开',
      );
      // Rebuild the whole context: a reader that returns under the same name, or another that
      // matches, is only announced to a new one.
      this.restartSoon('reader-gone');
    });
  }

  private onStatus(reader: PcscReader, status: PcscStatus): void {
    if (reader !== this.matched) return;
    this.options.log.debug(
      { signer: this.options.label, reader: reader.name, state: `0x${status.state.toString(16)}` },
      'reader status / 读卡器状态',
    );
    const present =
      (status.state & reader.SCARD_STATE_PRESENT) !== 0 &&
      (status.state & reader.SCARD_STATE_MUTE) === 0;
    // pcscd counts insertions and removals in the high 16 bits. If the count moved while the card
    // looks present both times, the card was swapped between two polls: report the removal too,
    // or the signer would keep a session (and a verified PIN) for a card that left.
    const counter = status.state >>> 16;
    const swapped =
      present && this.cardPresent && this.eventCounter >= 0 && counter !== this.eventCounter;
    this.eventCounter = counter;
    if (status.atr && status.atr.length > 0) this.lastAtr = Buffer.from(status.atr);
    if (swapped) this.setAbsent('card-removed');
    if (present && !this.cardPresent) {
      this.cardPresent = true;
      this.emit('present');
    } else if (!present) {
      this.lastAtr = undefined;
      this.setAbsent('card-removed');
    }
  }

  private setAbsent(reason: AbsenceReason): void {
    const was = this.cardPresent;
    this.cardPresent = false;
    this.lastAbsence = reason;
    if (was) this.emit('absent', reason);
  }

  /** Drops the context after pcsclite's callback has returned, then rebuilds it after the delay. */
  private restartSoon(reason: AbsenceReason): void {
    setImmediate(() => {
      if (this.closed || !this.context) return;
      this.setAbsent(reason);
      void this.teardown().then(() => this.scheduleRestart());
    });
  }

  private scheduleRestart(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => this.establish(), this.options.reconnectMs);
    this.retryTimer.unref();
  }

  /** Notes when each reader's status thread last delivered an event (see `quiesce`). */
  private track(reader: PcscReader): void {
    const mark = () => this.lastEvent.set(reader, Date.now());
    reader.on('status', mark);
    reader.on('end', mark);
  }

  /**
   * Waits until it is safe to stop a reader's status thread. pcsclite 1.0.1's CardReader.close()
   * leaves a libuv handle open for ever (the process then never exits) when the thread is not
   * blocked in SCardGetStatusChange at that moment: while it is still starting (before its first
   * event) or just after it delivered one. So: wait for the first event (up to 2 s), then until
   * the thread has been quiet for a moment and is back in SCardGetStatusChange.
   */
  private async quiesce(reader: PcscReader): Promise<void> {
    const end = Date.now() + 2000;
    for (;;) {
      const last = this.lastEvent.get(reader);
      const now = Date.now();
      if (now > end || (last !== undefined && now - last >= QUIET_MS)) return;
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    }
  }

  private async teardown(): Promise<void> {
    const ctx = this.context;
    this.context = undefined;
    this.matched = undefined;
    if (!ctx) return;
    ctx.removeAllListeners('reader');
    const readers = Object.values(ctx.readers ?? {});
    await Promise.all(readers.map((r) => this.quiesce(r)));
    for (const r of readers) {
      r.removeAllListeners('status');
      r.removeAllListeners('end');
      try {
        r.close();
      } catch {
        // already stopped
      }
    }
    try {
      ctx.close();
    } catch {
      // already stopped
    }
    // Keep an error listener: a late 'error' from the dead context must not crash the process.
    ctx.removeAllListeners('error');
    ctx.on('error', () => {});
  }
}
