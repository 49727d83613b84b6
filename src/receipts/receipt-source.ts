import type { Closable } from '../core/lifecycle.js';

/** Receipt bytes as they arrived, before parsing. */
export interface InboundReceipt {
  readonly source: string;
  readonly fileName: string;
  readonly bytes: Buffer;
}

/**
 * Hands over receipts that arrived together: a feed page, or a single file or message. Resolves
 * once all of them are durable (spooled and queued, as one job of the receipt stage).
 */
export type OnReceipts = (receipts: readonly InboundReceipt[]) => Promise<void>;

/**
 * Where receipts come from: pull (poll a folder, SFTP dir, HTTP feed, AMQP queue) or push.
 *
 * Contract: `onReceipts` resolves once the receipts are durable (spooled and queued); only then may
 * the source advance its cursor or delete the remote copies. A source that reads a page hands it
 * over in one call (one receipt job per page); one that acknowledges file by file or message by
 * message hands each over alone. Duplicated and out-of-order receipts are normal: the receipt
 * stage applies each receipt once, by content hash.
 */
export interface ReceiptSource extends Closable {
  readonly name: string;
  start(onReceipts: OnReceipts): Promise<void>;
}
