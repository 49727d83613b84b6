import type { Redis } from 'ioredis';
import type { SpoolRef } from '../core/spool.js';
import type { FeedEntry } from '../receipts/feed-entry.js';
import { evalLua } from './lua.js';

export type { FeedEntry } from '../receipts/feed-entry.js';

/** True for a cursor `read` accepts: '0' (from the start) or a stream id as `next` returns it. */
export function isFeedCursor(after: string): boolean {
  return after === '0' || /^\d{1,16}-\d{1,16}$/.test(after);
}

/** A stream id as Redis writes it: milliseconds-sequence. */
export const CURSOR_PATTERN = /^\d{1,15}-\d{1,15}$/;

/** Compares two stream ids numerically; '0' sorts first. */
export function compareCursors(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

// Appends once per (message, receipt seq): a write-back retried after a crash (file already in
// the outbox) still gets its feed entry, and never a second one. Then wakes long polls.
const APPEND_LUA = `
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'messageId', ARGV[3], 'fileName', ARGV[4], 'kind', ARGV[5], 'receiptRef', ARGV[6], 'writtenAt', ARGV[8])
  redis.call('PUBLISH', KEYS[3], ARGV[7])
  return id
end
return false`;

/** How long the once-only marker of a feed entry is kept. */
const ONCE_TTL_SECONDS = 90 * 24 * 3600;

/**
 * Per-channel log of the receipts written to the outbox, as a Redis stream: the HTTP polling API
 * reads it with a cursor, so a legacy system that cannot watch folders gets every receipt once.
 * Every append is announced on the `feedSignal` pub/sub channel (payload: the channel name).
 */
export class ReceiptFeed {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxLen = 1_000_000,
  ) {}

  private key(channel: string): string {
    return `${this.prefix}:feed:${channel}`;
  }

  /** The pub/sub channel that announces appends. */
  get feedSignal(): string {
    return `${this.prefix}:feed-signal`;
  }

  /** Whether the receipt (message, seq) is on the feed: its file was written before that. */
  async delivered(channel: string, messageId: string, seq: number): Promise<boolean> {
    return (await this.redis.exists(`${this.prefix}:feed-once:${channel}:${messageId}:${seq}`)) > 0;
  }

  /**
   * Appends the entry unless this (message, seq) is already in the feed; returns its cursor, or
   * undefined when it was there. `seq` is the receipt's sequence number within its message.
   */
  async append(
    channel: string,
    e: Omit<FeedEntry, 'cursor'>,
    seq?: number,
  ): Promise<string | undefined> {
    const once = `${this.prefix}:feed-once:${channel}:${e.messageId}:${seq ?? e.fileName}`;
    const id = (await evalLua(
      this.redis,
      APPEND_LUA,
      3,
      this.key(channel),
      once,
      this.feedSignal,
      String(ONCE_TTL_SECONDS),
      String(this.maxLen),
      e.messageId,
      e.fileName,
      e.kind,
      e.receiptRef,
      channel,
      String(e.writtenAt ?? Date.now()),
    )) as string | null;
    return id ?? undefined;
  }

  async read(channel: string, after: string, limit: number): Promise<FeedEntry[]> {
    const start = after === '0' || after === '' ? '-' : `(${after}`;
    return this.range(channel, start, '+', limit);
  }

  /** Entries with after < cursor <= upTo, oldest first. */
  async between(channel: string, after: string, upTo: string, limit: number): Promise<FeedEntry[]> {
    return this.range(channel, after === '0' ? '-' : `(${after}`, upTo, limit);
  }

  /** The newest cursor of the channel, or '0' when the feed is empty. */
  async latest(channel: string): Promise<string> {
    const rows = await this.redis.xrevrange(this.key(channel), '+', '-', 'COUNT', 1);
    return rows[0]?.[0] ?? '0';
  }

  /** The newest entry of the channel, or undefined when the feed is empty. */
  async newest(channel: string): Promise<FeedEntry | undefined> {
    return ReceiptFeed.entries(
      await this.redis.xrevrange(this.key(channel), '+', '-', 'COUNT', 1),
    )[0];
  }

  private async range(
    channel: string,
    start: string,
    end: string,
    limit: number,
  ): Promise<FeedEntry[]> {
    return ReceiptFeed.entries(
      await this.redis.xrange(this.key(channel), start, end, 'COUNT', limit),
    );
  }

  private static entries(rows: [string, string[]][]): FeedEntry[] {
    return rows.map(([cursor, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      return {
        cursor,
        messageId: f.messageId!,
        fileName: f.fileName!,
        kind: f.kind!,
        receiptRef: f.receiptRef as SpoolRef,
        writtenAt: f.writtenAt ? Number(f.writtenAt) : Number(cursor.split('-')[0]),
      };
    });
  }
}
