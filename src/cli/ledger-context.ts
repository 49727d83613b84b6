import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../config/resolve.js';
import { Ledger } from '../queues/ledger.js';
import { createRedis, describeRedis } from '../queues/redis-connection.js';
import { redisTargetOf } from './message-lookup.js';

/**
 * The gateway's Redis and its ledger, for commands that only read messages (`eport status ID`):
 * no queue library loaded, so such a lookup starts fast. Operator actions that queue work use
 * openOperatorContext, which builds on this. Close it when done.
 */
export async function openLedgerContext(
  config: GatewayConfig,
): Promise<{ redis: Redis; ledger: Ledger; close(): Promise<void> }> {
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
    ledger: new Ledger(redis, config.redis.prefix),
    close: async () => void redis.disconnect(),
  };
}
