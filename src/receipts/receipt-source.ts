import type { Closable } from '../core/lifecycle.js';

/** Receipt bytes as they arrived, before parsing. */
export interface InboundReceipt {
  readonly source: string;
  readonly fileName: string;
  readonly bytes: Buffer;
}

/**
 * Where receipts come from: pull (poll a folder, SFTP dir, HTTP feed, AMQP queue) or push.
 *
 * Contract: `onReceipt` resolves once the receipt is durable (spooled and queued); only then may the
 * source advance its cursor or delete the remote copy. Duplicated and out-of-order receipts are
 * normal: the receipt stage is idempotent by content hash.
 */
export interface ReceiptSource extends Closable {
  readonly name: string;
  start(onReceipt: (receipt: InboundReceipt) => Promise<void>): Promise<void>;
}
