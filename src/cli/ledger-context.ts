import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../config/resolve.js';
import type { Ledger } from '../queues/ledger.js';
import type { ReceiptFeed } from '../queues/receipt-feed.js';
import { createRecordStores } from '../queues/record-stores.js';
import { createRedis, describeRedis } from '../queues/redis-connection.js';
import { redisTargetOf } from './message-lookup.js';
import { GatewayError } from '../core/errors.js';

/** How long a command waits for Redis to answer before it says it cannot reach it. */
const REACH_MS = 5_000;

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
  // The client retries a refused connection for ever (the daemon wants that); a command must not.
  const reached = await Promise.race([
    redis.ping().then(
      () => true,
      () => false,
    ),
    new Promise<false>((r) => setTimeout(() => r(false), REACH_MS).unref()),
  ]);
  if (!reached) {
    redis.disconnect();
    throw new GatewayError('GW_ERR_REDIS_UNAVAILABLE', {
      where: describeRedis(target),
      zh: `${REACH_MS / 1000} 秒内无法连接 Redis，网关是否在运行？`,
      en: `cannot reach Redis within ${REACH_MS / 1000} s; is the gateway running?`,
    });
  }
  return {
    redis,
    ...createRecordStores(config, redis),
    close: async () => void redis.disconnect(),
  };
}
