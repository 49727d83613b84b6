import { join } from 'node:path';
import type { GatewayConfig } from '../config/resolve.js';
import { createLogger } from '../core/logger.js';
import { ManagedRedis } from '../queues/managed-redis.js';
import { configuredRedis, type RedisTarget } from '../queues/redis-connection.js';

/** The Redis the daemon uses: the configured one, or the socket of the managed redis-server. */
export function redisTargetOf(config: GatewayConfig): RedisTarget {
  const configured = configuredRedis(config.redis);
  if (configured) return configured;
  return new ManagedRedis(
    join(config.dataDir, 'redis'),
    config.redis.serverBinary,
    createLogger({ level: 'silent', pretty: false }),
  ).url;
}

export { findRecord } from '../queues/message-lookup.js';
