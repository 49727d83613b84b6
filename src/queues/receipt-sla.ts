import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import type { LedgerPort } from './ledger-port.js';
import { isTerminal, statusRank } from '../receipts/status.js';

/**
 * Messages sent and waiting for their first business receipt from customs (an import response
 * alone does not count: declarations stall after it too), by deadline (sent time + the
 * channel's receiptSlaMs), in one sorted set. A message that passes its deadline with no receipt
 * is reported once: the silent failure that partners otherwise discover days later.
 */
export class ReceiptSla {
  private overdueCount = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ledger: LedgerPort,
    private readonly log: Logger,
  ) {}

  private get key(): string {
    return `${this.prefix}:sla:awaiting`;
  }

  /** Starts the clock when a message is delivered. */
  async expect(messageId: string, deadline: number): Promise<void> {
    await this.redis.zadd(this.key, 'NX', deadline, messageId);
  }

  /** Stops the clock: a business receipt came. */
  async answered(messageId: string): Promise<void> {
    await this.redis.zrem(this.key, messageId);
  }

  /** Messages past their deadline that the next check has yet to report, the latest deadline first (read only). */
  async pastDeadline(
    now = Date.now(),
    limit = 200,
  ): Promise<{ messageId: string; deadline: number }[]> {
    const flat = await this.redis.zrevrangebyscore(
      this.key,
      now,
      0,
      'WITHSCORES',
      'LIMIT',
      0,
      limit,
    );
    const out: { messageId: string; deadline: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2)
      out.push({ messageId: flat[i] as string, deadline: Number(flat[i + 1]) });
    return out;
  }

  /** Reports messages past their deadline; each once (ZREM wins the race between nodes). */
  async check(now = Date.now()): Promise<string[]> {
    const due = await this.redis.zrangebyscore(this.key, 0, now, 'LIMIT', 0, 500);
    const reported: string[] = [];
    for (const id of due) {
      if ((await this.redis.zrem(this.key, id)) !== 1) continue;
      const rec = await this.ledger.get(id);
      // A business receipt that raced the clock's start, or a message already ended: nothing to say.
      if (!rec || isTerminal(rec.status) || statusRank(rec.status) >= statusRank('declared'))
        continue;
      await this.ledger.event(id, {
        at: now,
        stage: 'sla',
        text: 'no customs receipt within the channel SLA',
        code: 'GW_ALERT_NO_RECEIPT',
      });
      this.log.warn(
        {
          messageId: id,
          channel: rec?.channel,
          file: rec?.sourceName,
          businessKey: rec?.businessKey,
        },
        'no customs receipt within the SLA / 超时未收到海关回执',
      );
      this.overdueCount++;
      reported.push(id);
    }
    return reported;
  }

  /** Overdue messages reported by this process (a metric). */
  get overdue(): number {
    return this.overdueCount;
  }

  /** Checks every `intervalMs` until the returned function is called. */
  watch(intervalMs = 30_000): () => void {
    const timer = setInterval(
      () => void this.check().catch((err) => this.log.warn({ err }, 'SLA check failed')),
      intervalMs,
    );
    timer.unref();
    return () => clearInterval(timer);
  }
}
