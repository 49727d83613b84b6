import type { Redis } from 'ioredis';

/** How long one wait may go without looking at the feed again, should a wake-up be lost. */
export const RECHECK_MS = 5_000;

/** A wait that ends on a wake-up, its time limit, or cancel(); it never rejects. */
export interface FeedWait {
  readonly done: Promise<void>;
  cancel(): void;
}

/**
 * Wakes long polls when a receipt is appended to a channel's feed: one Redis subscriber for the
 * whole process (not one blocking connection per waiting client), listening to the feed's
 * pub/sub signal, which every gateway node publishes on append. Pub/sub may drop a message (a
 * reconnect), so no wait lasts longer than `recheckMs` before the caller reads the feed again.
 */
export class FeedWaiter {
  private readonly waiters = new Map<string, Set<() => void>>();
  private sub: Redis | undefined;
  private starting: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly signal: string,
    private readonly recheckMs = RECHECK_MS,
  ) {}

  /** Subscribes once; later calls share the first. */
  start(): Promise<void> {
    this.starting ??= (async () => {
      const sub = this.redis.duplicate();
      sub.on('error', () => {});
      sub.on('message', (_signal: string, channel: string) => this.wake(channel));
      this.sub = sub;
      await sub.subscribe(this.signal);
    })();
    return this.starting;
  }

  /**
   * Arms a wait for `channel`. Arm it before reading the feed: an append between the read and
   * the wait then still ends the wait.
   */
  wait(channel: string, ms: number): FeedWait {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    if (this.closed || ms <= 0) {
      finish();
      return { done, cancel: () => {} };
    }
    const set = this.waiters.get(channel) ?? new Set();
    this.waiters.set(channel, set);
    const end = (): void => {
      clearTimeout(timer);
      set.delete(end);
      if (set.size === 0 && this.waiters.get(channel) === set) this.waiters.delete(channel);
      finish();
    };
    const timer = setTimeout(end, Math.min(ms, this.recheckMs));
    timer.unref();
    set.add(end);
    return { done, cancel: end };
  }

  /** True once closed: waits end at once, so pollers should answer with what they have. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Waits in progress, for tests and metrics. */
  get waiting(): number {
    let n = 0;
    for (const s of this.waiters.values()) n += s.size;
    return n;
  }

  private wake(channel: string): void {
    for (const end of [...(this.waiters.get(channel) ?? [])]) end();
  }

  /** Ends every wait (they answer at once) and drops the subscriber. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const channel of [...this.waiters.keys()]) this.wake(channel);
    const sub = this.sub;
    this.sub = undefined;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }
}
