import type { Redis } from 'ioredis';
import type { SpoolRef } from '../core/spool.js';

export interface FeedEntry {
  /** Stream id; pass it back as `after` to read what came later. */
  readonly cursor: string;
  readonly messageId: string;
  readonly fileName: string;
  readonly kind: string;
  readonly receiptRef: SpoolRef;
}

/** True for a cursor `read` accepts: '0' (from the start) or a stream id as `next` returns it. */
export function isFeedCursor(after: string): boolean {
  return after === '0' || /^\d{1,16}-\d{1,16}$/.test(after);
}

/**
 * Per-channel log of the receipts written to the outbox, as a Redis stream: the HTTP polling API
 * reads it with a cursor, so a legacy system that cannot watch folders gets every receipt once.
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

  async append(channel: string, e: Omit<FeedEntry, 'cursor'>): Promise<void> {
    await this.redis.xadd(this.key(channel), 'MAXLEN', '~', String(this.maxLen), '*', 'messageId', e.messageId, 'fileName', e.fileName, 'kind', e.kind, 'receiptRef', e.receiptRef);
  }

  async read(channel: string, after: string, limit: number): Promise<FeedEntry[]> {
    const start = after === '0' || after === '' ? '-' : `(${after}`;
    const rows = await this.redis.xrange(this.key(channel), start, '+', 'COUNT', limit);
    return rows.map(([cursor, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      return { cursor, messageId: f.messageId!, fileName: f.fileName!, kind: f.kind!, receiptRef: f.receiptRef as SpoolRef };
    });
  }
}
