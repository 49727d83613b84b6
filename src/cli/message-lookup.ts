import { join } from 'node:path';
import type { GatewayConfig } from '../config/resolve.js';
import { createLogger } from '../core/logger.js';
import { ManagedRedis } from '../queues/managed-redis.js';

/** The Redis the daemon uses: the configured one, or the socket of the managed redis-server. */
export function redisUrlOf(config: GatewayConfig): string {
  if (config.redis.url) return config.redis.url;
  return new ManagedRedis(
    join(config.dataDir, 'redis'),
    config.redis.serverBinary,
    createLogger({ level: 'silent', pretty: false }),
  ).url;
}

export { findRecord } from '../queues/message-lookup.js';
