import type { Redis } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';
import { CLIENT_SIGNER, type GatewayConfig } from '../config/resolve.js';
import type { Spool } from '../core/spool.js';
import { ReceiptForms } from '../receipts/forms/receipt-forms.js';
import { CircuitBreakers } from './circuit-breaker.js';
import { DeliveryControl } from './delivery-control.js';
import type { PipelineStores } from './deps.js';
import { redisArchiveLeases } from './lease.js';
import { createRecordStores } from './record-stores.js';
import { StageQueues } from './stage-queues.js';

/**
 * The stores of the pipeline (ledger, receipt feed, queues, spool, channels, receipt forms),
 * built one way for the daemon (app.ts) and for the operator commands of the CLI, which act on
 * messages without starting workers or adapters. Closing the queues is the caller's.
 */
/** True when a channel leaves signing to the Single Window client and no signer takes that name. */
export function usesClientSideSigner(config: GatewayConfig): boolean {
  return (
    config.channels.some((ch) => ch.signer === CLIENT_SIGNER) &&
    !config.signers.some((s) => s.name === CLIENT_SIGNER)
  );
}

/** The signers that have a sign queue: the configured ones, and the client-side one when used. */
export function signerQueueNames(config: GatewayConfig): string[] {
  return [
    ...config.signers.map((s) => s.name),
    ...(usesClientSideSigner(config) ? [CLIENT_SIGNER] : []),
  ];
}

export function createPipelineStores(
  config: GatewayConfig,
  redis: Redis,
  connection: ConnectionOptions,
  spool: Spool,
): PipelineStores {
  return {
    ...createRecordStores(config, redis),
    receiptForms: new ReceiptForms(config.channels),
    spool,
    queues: new StageQueues(
      connection,
      config.redis.prefix,
      config.retry.delaysMs.length + 1,
      signerQueueNames(config),
      config.retention.jobsMs,
    ),
    channels: new Map(config.channels.map((c) => [c.name, c])),
    deliveryControl: new DeliveryControl(redis, config.redis.prefix),
    breakers: new CircuitBreakers(redis, config.redis.prefix, config.breakers),
    archiveLeases: redisArchiveLeases(redis, config.redis.prefix),
  };
}
