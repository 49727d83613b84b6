import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../config/resolve.js';
import type { Ledger } from '../queues/ledger.js';
import type { ReceiptFeed } from '../queues/receipt-feed.js';
import { createRecordStores } from '../queues/record-stores.js';
import { createRedis, describeRedis } from '../queues/redis-connection.js';
import { redisTargetOf } from './message-lookup.js';

/** The gateway's Redis with the stores that need no queue library. */
export interface LedgerContext {
  readonly redis: Redis;
  readonly ledger: Ledger;
  readonly receiptFeed: ReceiptFeed;
  close(): Promise<void>;
}

/**
 * The gateway's Redis, its ledger and receipt feed, for commands that only read (`eport status
 * ID`, `eport receipts tail`, `eport audit verify`): no queue library loaded, so they start fast.
 * Operator actions that queue work use openOperatorContext, which builds on this. Every CLI
 * command reaches Redis through here. Close it when done.
 */
export async function openLedgerContext(config: GatewayConfig): Promise<LedgerContext> {
  const target = redisTargetOf(config);
  const redis = createRedis(target);
  redis.on('error', () => {});
  await redis.ping().catch(() => {
    redis.disconnect();
    throw new Error(
      `cannot reach Redis at ${describeRedis(target)}; is the gateway running? / 无法连接 Redis，网关是否在运行？`,
    );
  });
  return {
    redis,
    ...createRecordStores(config, redis),
    close: async () => void redis.disconnect(),
  };
}
