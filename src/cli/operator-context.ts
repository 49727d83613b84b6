import { join } from 'node:path';
import type { GatewayConfig } from '../config/resolve.js';
import { createLogger } from '../core/logger.js';
import { Spool } from '../core/spool.js';
import type { PipelineDeps } from '../queues/deps.js';
import { Ledger } from '../queues/ledger.js';
import { ReceiptFeed } from '../queues/receipt-feed.js';
import { ReceiptForms } from '../receipts/forms/receipt-forms.js';
import { bullmqConnection, createRedis, describeRedis } from '../queues/redis-connection.js';
import { StageQueues } from '../queues/stage-queues.js';
import { redisTargetOf } from './message-lookup.js';

export { findRecord, redisTargetOf } from './message-lookup.js';

/**
 * What an operator command needs to act on messages like the daemon would (ledger, queues, spool,
 * channels), without starting workers or adapters. Close it when done.
 */
export async function openOperatorContext(
  config: GatewayConfig,
): Promise<{ deps: PipelineDeps; close(): Promise<void> }> {
  const target = redisTargetOf(config);
  const redis = createRedis(target);
  redis.on('error', () => {});
  await redis.ping().catch(() => {
    throw new Error(
      `cannot reach Redis at ${describeRedis(target)}; is the gateway running? / 无法连接 Redis，网关是否在运行？`,
    );
  });
  const queues = new StageQueues(
    bullmqConnection(target),
    config.redis.prefix,
    config.retry.delaysMs.length + 1,
    config.signers.map((s) => s.name),
  );
  const ledger = new Ledger(redis, config.redis.prefix);
  const deps = {
    config,
    log: createLogger({ level: 'warn', pretty: false }),
    redis,
    ledger,
    receiptFeed: new ReceiptFeed(redis, config.redis.prefix),
    receiptForms: new ReceiptForms(config.channels),
    spool: new Spool(config.spoolDir),
    queues,
    channels: new Map(config.channels.map((c) => [c.name, c])),
  } as unknown as PipelineDeps; // operator actions touch none of the adapters
  return {
    deps,
    close: async () => {
      await queues.close();
      redis.disconnect();
    },
  };
}
