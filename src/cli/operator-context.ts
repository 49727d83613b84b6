import type { GatewayConfig } from '../config/resolve.js';
import { createLogger } from '../core/logger.js';
import { Spool } from '../core/spool.js';
import type { OperatorDeps } from '../queues/deps.js';
import { createPipelineStores } from '../queues/pipeline-stores.js';
import { bullmqConnection } from '../queues/redis-connection.js';
import { openLedgerContext } from './ledger-context.js';
import { redisTargetOf } from './message-lookup.js';

export { findRecord, redisTargetOf } from './message-lookup.js';

/**
 * What an operator command needs to act on messages like the daemon would (ledger, queues, spool,
 * channels), built by the daemon's own store factory, without starting workers or adapters (no
 * signer, transport or translator: the types of the operator actions say they need none). Close
 * it when done.
 */
export async function openOperatorContext(
  config: GatewayConfig,
): Promise<{ deps: OperatorDeps; close(): Promise<void> }> {
  const target = redisTargetOf(config);
  const { redis } = await openLedgerContext(config);
  const deps: OperatorDeps = {
    ...createPipelineStores(config, redis, bullmqConnection(target), new Spool(config.spoolDir)),
    config,
    log: createLogger({ level: 'warn', pretty: false }),
    redis,
  };
  return {
    deps,
    close: async () => {
      await deps.queues.close();
      redis.disconnect();
    },
  };
}
