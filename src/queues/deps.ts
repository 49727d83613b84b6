import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import type { Spool } from '../core/spool.js';
import type { GatewayConfig, ResolvedChannel } from '../config/resolve.js';
import type { ReceiptSink } from '../gateway/receipt-sink.js';
import type { ReceiptForms } from '../receipts/forms/receipt-forms.js';
import type { Signer } from '../signing/signer.js';
import type { Translator } from '../translators/translator.js';
import type { Transport } from '../transports/transport.js';
import type { LeaseFactory } from '../core/lease.js';
import type { CircuitBreakerPort } from './circuit-breaker-port.js';
import type { CircuitBreakers } from './circuit-breaker.js';
import type { DeliveryControl } from './delivery-control.js';
import type { DeliveryControlPort } from './delivery-control-port.js';
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
  /** Operator holds, releases and replays, and the deliver stage's claim that respects them. */
  readonly deliveryControl: DeliveryControl;
  /** One circuit breaker per transport, shared by every node. */
  readonly breakers: CircuitBreakers;
  /**
   * The lease of one move of a message's source file to failed/ (`name` is the message id); each
   * lease made has an owner of its own, so two moves in one process exclude each other too.
   */
  readonly archiveLeases: LeaseFactory;
}

/** The stores of the pipeline, made by createPipelineStores (pipeline-stores.ts). */
export type PipelineStores = Pick<
  PipelineDeps,
  | 'ledger'
  | 'receiptFeed'
  | 'receiptForms'
  | 'spool'
  | 'queues'
  | 'channels'
  | 'deliveryControl'
  | 'breakers'
  | 'archiveLeases'
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
  readonly deliveryControl: DeliveryControlPort;
  readonly breakers: CircuitBreakerPort;
}

/**
 * The members of PipelineDeps a piece of the pipeline names, the queues, feed, SLA, delivery
 * control and breakers by what it uses of them (so an in-memory fake fits); the ledger is a port
 * already. The composition root passes the whole PipelineDeps.
 */
export type DepsOf<K extends keyof PipelineDeps> = {
  readonly [P in K]: P extends keyof StageView ? StageView[P] : PipelineDeps[P];
};

export function channelOf(deps: DepsOf<'channels'>, name: string): ResolvedChannel {
  const ch = deps.channels.get(name);
  if (!ch) throw new Error(`unknown channel ${name}`);
  return ch;
}
