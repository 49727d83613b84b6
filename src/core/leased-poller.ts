import type { Lease } from './lease.js';
import type { Logger } from './logger.js';

/** Polls after this many failures in a row are logged (besides the first). */
const LOG_EVERY = 20;
/** Backoff doubles at most this many times. */
const MAX_DOUBLINGS = 5;

export interface LeasedPollerOptions {
  /** Fields on every log line, e.g. `{ inbox: 'sftp://host/in' }`. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly intervalMs: number;
  readonly log: Logger;
  /** In a cluster, only the holder polls; without one, this node always does. */
  readonly lease?: Lease | undefined;
  /** Bilingual log texts: a poll failed; polls work again after failures. */
  readonly text: { readonly failed: string; readonly recovered: string };
  /** Level of the failure line; default `warn`. */
  readonly level?: 'warn' | 'error';
  /**
   * After failures in a row, wait `intervalMs × 2^n` (n up to 5), at most this long, before the
   * next poll. Without it every poll waits `intervalMs`.
   */
  readonly backoffMaxMs?: number | undefined;
  /** Logs one failure instead of the default line (e.g. a permanent error with its fix). */
  readonly report?: ((err: unknown, failures: number) => void) | undefined;
}

/**
 * The poll loop every polling adapter shares (folder and SFTP inboxes, SFTP and HTTP receipt
 * sources): hold the lease or skip, poll, log a failure (the first of a run and every 20th, so
 * an outage cannot flood the log) and the recovery, back off if asked, schedule the next poll.
 * Polls never overlap. `close()` stops the loop, waits for the poll in flight and gives the
 * lease up; calling it again returns the same promise.
 */
export class LeasedPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private started = false;
  private halted = false;
  /** Set when a renewal during a poll finds another node holding the lease. */
  private lost = false;
  private failures = 0;

  constructor(private readonly o: LeasedPollerOptions) {}

  /**
   * True once `close()` was called, or when this node lost the lease during the poll in progress
   * (another node polls now): either way, the poll should stop early.
   */
  get stopped(): boolean {
    return this.halted || this.lost;
  }

  /**
   * Starts the loop with a first poll now. `pollOnce` runs only while this node holds the lease;
   * a result above 0 means more is waiting: the next poll follows at once.
   */
  start(pollOnce: () => Promise<number | void>): void {
    if (this.started) throw new Error('poller already started');
    this.started = true;
    const loop = (): void => {
      if (this.halted) return;
      this.running = this.once(pollOnce).then((delay) => {
        if (!this.halted) this.timer = setTimeout(loop, delay);
      });
    };
    loop();
  }

  /** One poll; resolves to the delay before the next. Never rejects. */
  private async once(pollOnce: () => Promise<number | void>): Promise<number> {
    try {
      const got = this.o.lease && !(await this.o.lease.holds()) ? 0 : await this.held(pollOnce);
      if (this.failures)
        this.o.log.info({ ...this.o.fields, failures: this.failures }, this.o.text.recovered);
      this.failures = 0;
      return typeof got === 'number' && got > 0 ? 0 : this.o.intervalMs;
    } catch (err) {
      this.failures++;
      if (this.failures === 1 || this.failures % LOG_EVERY === 0) this.report(err);
      const max = this.o.backoffMaxMs;
      return max === undefined
        ? this.o.intervalMs
        : Math.min(max, this.o.intervalMs * 2 ** Math.min(this.failures, MAX_DOUBLINGS));
    }
  }

  /**
   * Runs one poll while renewing the lease: a poll through a large backlog can outlast the lease,
   * and a lease that lapsed mid-poll would let a second node work the same inbox at the same time.
   */
  private async held(pollOnce: () => Promise<number | void>): Promise<number | void> {
    const lease = this.o.lease;
    if (!lease?.ttlMs) return pollOnce();
    this.lost = false;
    const renew = setInterval(
      () =>
        void lease.holds().then(
          (held) => {
            if (!held) this.lost = true;
          },
          // Redis unreachable: the other nodes cannot take the lease either; the poll's own
          // Redis calls fail and end it.
          () => {},
        ),
      Math.max(100, Math.floor(lease.ttlMs / 3)),
    );
    try {
      return await pollOnce();
    } finally {
      clearInterval(renew);
      this.lost = false;
    }
  }

  private report(err: unknown): void {
    try {
      if (this.o.report) return this.o.report(err, this.failures);
      this.o.log[this.o.level ?? 'warn'](
        { err, ...this.o.fields, failures: this.failures },
        this.o.text.failed,
      );
    } catch {
      // A log line must never stop the loop.
    }
  }

  /** Stops polling, waits for the poll in progress, and releases the lease. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.halted = true;
      if (this.timer) clearTimeout(this.timer);
      await this.running;
      await this.o.lease?.release().catch(() => {});
    })();
    return this.closing;
  }
}
