import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { GATEWAY_STATUSES, isTerminal } from '../receipts/status.js';
import { ledgerIndexSetKey } from './ledger-index.js';
import { ORPHANS_FEED } from './workers/receipt-worker.js';
import { evalLua } from './lua.js';

export interface RetentionOptions {
  readonly redis: Redis;
  readonly prefix: string;
  /** Channel names: each has a receipt feed to trim. */
  readonly channels: readonly string[];
  /** A finished message leaves Redis this long after its last change. */
  readonly finishedMs: number;
  /** Receipt-feed entries older than this are trimmed. */
  readonly feedMs: number;
  readonly log: Logger;
  /** How often a sweep runs; by default a quarter of finishedMs, from 1 s to 1 min. */
  readonly everyMs?: number;
}

const BATCH = 500;
const TERMINAL_STATUSES = GATEWAY_STATUSES.filter(isTerminal);

// Deletes one finished message's keys if it is still finished and unchanged since the cutoff.
// KEYS[1] record, [2] by-time, [3] SLA set, [4..] the message's own keys, then pointers
// (business keys, source name, receipt stem) deleted only while they still name this message.
// ARGV[1] id, [2] cutoff, [3] how many own keys follow the first three, [4..] terminal statuses.
const EXPIRE_LUA = `
local status = redis.call('HGET', KEYS[1], 'status')
local updated = tonumber(redis.call('HGET', KEYS[1], 'updatedAt') or '0')
if not status then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 0
end
local terminal = false
for i = 4, #ARGV do if ARGV[i] == status then terminal = true end end
if not terminal or updated > tonumber(ARGV[2]) then return 0 end
local own = tonumber(ARGV[3])
for i = 4, 3 + own do redis.call('DEL', KEYS[i]) end
for i = 4 + own, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1`;

/**
 * Keeps the live store bounded: a finished message (closed, rejected, cancelled, failed, dead)
 * leaves Redis `finishedMs` after its last change, with its timeline, indexes and once-only
 * markers; the receipt feeds lose entries older than `feedMs`. A message is only expired once the
 * audit writer has written past its last event, so its records stay in the audit log and the
 * archive (`eport archive find`, `eport audit`). An unfinished message is never expired.
 */
export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly o: RetentionOptions) {}

  private k(...parts: string[]): string {
    return [this.o.prefix, 'ledger', ...parts].join(':');
  }

  start(): void {
    const tick = (): void => {
      this.running = this.sweep()
        .then(({ expired, trimmed }) => {
          if (expired || trimmed)
            this.o.log.info(
              { expired, trimmed },
              'retention: finished messages expired from Redis (kept in the archive) / 已从 Redis 清除过期的已完结报文（归档中保留）',
            );
        })
        .catch((err: unknown) =>
          this.o.log.warn({ err: (err as Error).message }, 'retention sweep failed / 过期清理失败'),
        )
        .finally(() => {
          this.running = undefined;
        });
    };
    // Often enough that nothing waits much longer than its retention; at most once a minute.
    const every =
      this.o.everyMs ?? Math.min(60_000, Math.max(1_000, Math.round(this.o.finishedMs / 4)));
    this.timer = setInterval(tick, every);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass: expires what is due, trims the feeds. */
  async sweep(now = Date.now()): Promise<{ expired: number; trimmed: number }> {
    return { expired: await this.expireFinished(now), trimmed: await this.trimFeeds(now) };
  }

  /** The time up to which the audit log has been written (the audit writer's head). */
  private async auditedUpTo(): Promise<number> {
    const head = await this.o.redis.get(`${this.o.prefix}:audit:head`);
    if (!head) return 0;
    const sid = (JSON.parse(head) as { sid?: string }).sid ?? '0-0';
    return Number(sid.split('-')[0]);
  }

  /** Expires the finished messages whose last change is older than the retention. */
  async expireFinished(now = Date.now()): Promise<number> {
    const cutoff = Math.min(now - this.o.finishedMs, await this.auditedUpTo());
    let expired = 0;
    // by-time is scored by creation: anything created after the cutoff changed after it too.
    for (let offset = 0; ; offset += BATCH) {
      const ids = await this.o.redis.zrangebyscore(
        this.k('by-time'),
        '-inf',
        cutoff,
        'LIMIT',
        offset,
        BATCH,
      );
      for (const id of ids) {
        if (await this.expireOne(id, cutoff)) {
          expired++;
          offset--; // the range shifted down by one
        }
      }
      if (ids.length < BATCH) return expired;
    }
  }

  private async expireOne(id: string, cutoff: number): Promise<boolean> {
    const msg = this.k('msg', id);
    const [[, h], [, lastEvent], [, indexed]] = (await this.o.redis
      .multi()
      .hmget(msg, 'status', 'updatedAt', 'channel', 'sourceName', 'receiptStem', 'receiptSeq')
      .lindex(this.k('events', id), -1)
      .smembers(ledgerIndexSetKey(this.o.prefix, id))
      .exec()) as [[null, (string | null)[]], [null, string | null], [null, string[]]];
    const [status, updatedAt, channel, sourceName, stem, receiptSeq] = h;
    if (!status) {
      await this.o.redis.zrem(this.k('by-time'), id);
      return false;
    }
    if (!isTerminal(status as never) || Number(updatedAt) > cutoff) return false;
    // A late event (a client collecting a receipt) counts as a change.
    if (lastEvent && Number((JSON.parse(lastEvent) as { at?: number }).at ?? 0) > cutoff)
      return false;
    const own = [
      this.k('events', id),
      this.k('receipts', id),
      this.k('collected', id),
      ledgerIndexSetKey(this.o.prefix, id),
      `${this.o.prefix}:lock:archive:${id}`,
      ...Array.from(
        { length: Number(receiptSeq ?? 0) },
        (_, i) => `${this.o.prefix}:feed-once:${channel ?? ''}:${id}:${i + 1}`,
      ),
    ];
    const pointers = [
      ...indexed,
      ...(channel && sourceName ? [this.k('by-source', channel, sourceName)] : []),
      ...(channel && stem ? [`${this.o.prefix}:receipt-stem:${channel}:${stem}`] : []),
    ];
    const res = await evalLua(
      this.o.redis,
      EXPIRE_LUA,
      3 + own.length + pointers.length,
      msg,
      this.k('by-time'),
      `${this.o.prefix}:sla:awaiting`,
      ...own,
      ...pointers,
      id,
      String(cutoff),
      String(own.length),
      ...TERMINAL_STATUSES,
    );
    return res === 1;
  }

  /** Trims each receipt feed (and the orphans feed) to the entries of the last `feedMs`. */
  async trimFeeds(now = Date.now()): Promise<number> {
    const minId = `${Math.max(0, now - this.o.feedMs)}-0`;
    let trimmed = 0;
    for (const ch of [...this.o.channels, ORPHANS_FEED])
      trimmed += await this.o.redis.xtrim(`${this.o.prefix}:feed:${ch}`, 'MINID', minId);
    return trimmed;
  }
}
