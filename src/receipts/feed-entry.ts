import type { SpoolRef } from '../core/spool.js';

/** One receipt in a channel's receipt feed (what the polling API and `eport receipts` list). */
export interface FeedEntry {
  /** Stream id; pass it back as `after` to read what came later. */
  readonly cursor: string;
  readonly messageId: string;
  readonly fileName: string;
  readonly kind: string;
  readonly receiptRef: SpoolRef;
  /** When the receipt was written back (ms); the time shown for receipts that carry none. */
  readonly writtenAt?: number;
}
