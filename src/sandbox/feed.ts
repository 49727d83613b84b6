/** The pull feed of business receipts behind `GET /receipts`, in emission order. */
import { randomUUID } from 'node:crypto';

/** One receipt on the feed. */
export interface FeedReceipt {
  /** Position on the feed: 1, 2, 3, … with no gaps. */
  readonly seq: number;
  readonly fileName: string;
  /** base64 of the UTF-8 XML bytes. */
  readonly content: string;
}

/** A page of the feed; pass `next` as `after` to continue. */
export interface FeedPage {
  readonly receipts: readonly FeedReceipt[];
  readonly next: number;
  /** This run of the feed: a restarted sandbox numbers from 1 again under a new id. */
  readonly feedId: string;
}

export const FEED_DEFAULT_LIMIT = 100;
export const FEED_MAX_LIMIT = 500;

/** Append-only receipt list with cursor paging. */
export class ReceiptFeed {
  private readonly items: FeedReceipt[] = [];
  readonly id = randomUUID();

  /** Appends a receipt and returns its seq. */
  append(fileName: string, xml: string): number {
    const seq = this.items.length + 1;
    this.items.push({ seq, fileName, content: Buffer.from(xml, 'utf8').toString('base64') });
    return seq;
  }

  get size(): number {
    return this.items.length;
  }

  /** Receipts with seq > after, at most `limit` of them. */
  page(after: number, limit: number): FeedPage {
    const start = Math.max(0, Math.floor(after));
    const receipts = this.items.slice(start, start + limit);
    const last = receipts[receipts.length - 1];
    // Past the end, `next` says where the end is: a client whose cursor came from an earlier run sees it.
    return {
      receipts,
      next: last ? last.seq : Math.min(start, this.items.length),
      feedId: this.id,
    };
  }
}
