import type { DepsOf } from '../deps.js';

/*
 * What each stage processor uses, by name. The composition root hands every processor the whole
 * PipelineDeps; a unit test hands it these, with the in-memory ledger, stage queues, delivery
 * control, breakers and leases. `redis` is there for what has no port yet: the receipt-name
 * stems (receipt-stem.ts) of the receipt and write-back stages.
 */

/**
 * translate: the document from the spool, the channel's translator, then the sign job; or, for a
 * soft key in this process, the signing itself and the deliver job (fused-sign.ts).
 */
export type TranslateDeps = DepsOf<
  | 'config'
  | 'log'
  | 'ledger'
  | 'spool'
  | 'queues'
  | 'channels'
  | 'translators'
  | 'archiveLeases'
  | 'signers'
>;

/** sign: the message from the spool, the channel's signer, then the deliver job. */
export type SignDeps = DepsOf<
  'config' | 'log' | 'ledger' | 'spool' | 'queues' | 'channels' | 'signers' | 'archiveLeases'
>;

/**
 * deliver: the operator's hold and the transport's breaker asked, the signed bytes through the
 * channel's transport, then the receipt deadline.
 */
export type DeliverDeps = DepsOf<
  | 'config'
  | 'log'
  | 'ledger'
  | 'spool'
  | 'queues'
  | 'channels'
  | 'transports'
  | 'receiptSla'
  | 'deliveryControl'
  | 'breakers'
  | 'archiveLeases'
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
  | 'archiveLeases'
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
