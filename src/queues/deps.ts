import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import type { Spool } from '../core/spool.js';
import type { GatewayConfig, ResolvedChannel } from '../config/resolve.js';
import type { ReceiptSink } from '../gateway/receipt-sink.js';
import type { ReceiptForms } from '../receipts/forms/receipt-forms.js';
import type { Signer } from '../signing/signer.js';
import type { Translator } from '../translators/translator.js';
import type { Transport } from '../transports/transport.js';
import type { LedgerPort } from './ledger-port.js';
import type { ReceiptFeed } from './receipt-feed.js';
import type { ReceiptSla } from './receipt-sla.js';
import type { StageQueues } from './stage-queues.js';
import type { StageQueuesPort } from './stage-queues-port.js';

/** What the stage processors work with; built once in the composition root. */
export interface PipelineDeps {
  readonly config: GatewayConfig;
  readonly log: Logger;
  readonly redis: Redis;
  readonly ledger: LedgerPort;
  readonly receiptFeed: ReceiptFeed;
  readonly receiptSla: ReceiptSla;
  readonly spool: Spool;
  /** The BullMQ queues themselves: the console's queue board and waking a parked job need them. */
  readonly queues: StageQueues;
  readonly sink: ReceiptSink;
  /** Each channel's receipt form (outbox files and the polling API). */
  readonly receiptForms: ReceiptForms;
  readonly channels: ReadonlyMap<string, ResolvedChannel>;
  readonly translators: ReadonlyMap<string, Translator>;
  readonly signers: ReadonlyMap<string, Signer>;
  readonly transports: ReadonlyMap<string, Transport>;
}

/** The stores of the pipeline, made by createPipelineStores (pipeline-stores.ts). */
export type PipelineStores = Pick<
  PipelineDeps,
  'ledger' | 'receiptFeed' | 'receiptForms' | 'spool' | 'queues' | 'channels'
>;

/**
 * What the operator actions (retry, cancel, hold, release, replay, amend) and the intake work
 * with: the stores, the configuration, a log and Redis; no signer, transport or translator. The
 * CLI builds exactly this, so an action that one day needs an adapter fails to compile there.
 */
export type OperatorDeps = Pick<PipelineDeps, 'config' | 'log' | 'redis'> & PipelineStores;

/** What the stages use of the parts that the composition root builds as concrete classes. */
interface StageView {
  readonly queues: StageQueuesPort;
  readonly receiptFeed: Pick<ReceiptFeed, 'append' | 'delivered'>;
  readonly receiptSla: Pick<ReceiptSla, 'expect' | 'answered'>;
}

/**
 * The members of PipelineDeps a piece of the pipeline names, the queues, feed and SLA by what it
 * uses of them (so an in-memory fake fits); the ledger is a port already. The composition root
 * passes the whole PipelineDeps.
 */
export type DepsOf<K extends keyof PipelineDeps> = {
  readonly [P in K]: P extends keyof StageView ? StageView[P] : PipelineDeps[P];
};

export function channelOf(deps: DepsOf<'channels'>, name: string): ResolvedChannel {
  const ch = deps.channels.get(name);
  if (!ch) throw new Error(`unknown channel ${name}`);
  return ch;
}
