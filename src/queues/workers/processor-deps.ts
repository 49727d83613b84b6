import type { DepsOf } from '../deps.js';

/*
 * What each stage processor uses, by name. The composition root hands every processor the whole
 * PipelineDeps; a unit test hands it these, with the in-memory ledger and stage queues.
 * `redis` is there for what has no port yet: the archive lease when a message fails
 * (outcomes.ts), the receipt-name stems (receipt-stem.ts), and the deliver stage's hold and
 * circuit-breaker state.
 */

/** translate: the document from the spool, the channel's translator, then the sign job. */
export type TranslateDeps = DepsOf<
  'config' | 'log' | 'redis' | 'ledger' | 'spool' | 'queues' | 'channels' | 'translators'
>;

/** sign: the message from the spool, the channel's signer, then the deliver job. */
export type SignDeps = DepsOf<
  'config' | 'log' | 'redis' | 'ledger' | 'spool' | 'queues' | 'channels' | 'signers'
>;

/** deliver: the signed bytes through the channel's transport, then the receipt deadline. */
export type DeliverDeps = DepsOf<
  | 'config'
  | 'log'
  | 'redis'
  | 'ledger'
  | 'spool'
  | 'queues'
  | 'channels'
  | 'transports'
  | 'receiptSla'
>;

/** receipt: parse, correlate, advance the status, then write the receipt back (or to orphans/). */
export type ReceiptDeps = DepsOf<
  | 'config'
  | 'log'
  | 'redis'
  | 'ledger'
  | 'spool'
  | 'queues'
  | 'channels'
  | 'receiptSla'
  | 'receiptFeed'
  | 'sink'
  | 'receiptForms'
>;

/** writeback: the receipt in the channel's form into its outbox, then the polling feed. */
export type WritebackDeps = DepsOf<
  | 'config'
  | 'log'
  | 'redis'
  | 'ledger'
  | 'spool'
  | 'channels'
  | 'sink'
  | 'receiptForms'
  | 'receiptFeed'
>;
