import type { GatewayConfig } from '../config/resolve.js';
import type { Logger } from '../core/logger.js';
import { ShutdownManager } from '../core/lifecycle.js';
import { Spool } from '../core/spool.js';
import { isGatewayError } from '../core/errors.js';
import { FolderReceiptSink } from '../gateway/folder-sink.js';
import { ReceiptSla } from '../queues/receipt-sla.js';
import { bullmqConnection, createRedis, type RedisTarget } from '../queues/redis-connection.js';
import { createPipelineStores } from '../queues/pipeline-stores.js';
import { startWorkers } from '../queues/workers.js';
import type { PipelineDeps } from '../queues/deps.js';
import { startHeartbeat, WorkerRegistry } from '../queues/worker-registry.js';
import { createSigner } from '../signing/signer-registry.js';
import type { Signer } from '../signing/signer.js';
import { createTranslator } from '../translators/factory.js';
import { createTransport } from '../transports/transport-registry.js';
import type { Transport } from '../transports/transport.js';

export interface StageWorkerHost {
  close(): Promise<void>;
  hurry(): void;
}

/**
 * What a stage-worker process of `eport start --workers N` runs: the BullMQ workers of every
 * stage, on the primary's Redis and the shared spool. No intake, receipt source, HTTP API, lease,
 * audit writer or data-directory lock: those stay in the primary. Only soft keys sign here; a card
 * (or the E-Port service, or the client's own signing) has one owner, the primary, so the sign
 * queues of those signers get no consumer in this process.
 */
export async function startStageWorkerHost(
  config: GatewayConfig,
  redisTarget: RedisTarget,
  log: Logger,
  index: number,
): Promise<StageWorkerHost> {
  const shutdown = new ShutdownManager((name, err) =>
    log.error({ err, component: name }, 'component did not close cleanly / 组件未能正常关闭'),
  );
  try {
    const redis = createRedis(redisTarget, { autoPipelining: true });
    redis.on('error', (err) =>
      log.warn({ err: err.message }, 'redis connection error / Redis 连接错误'),
    );
    shutdown.add('redis', async () => void (await redis.quit()));
    const stopBeat = startHeartbeat(new WorkerRegistry(redis, config.redis.prefix), index, 'stage');
    shutdown.add('heartbeat', stopBeat);
    const connection = bullmqConnection(redisTarget);
    // The primary's own store factory: the same ledger, queues, controls and leases as app.ts.
    const stores = createPipelineStores(config, redis, connection, new Spool(config.spoolDir));
    const { ledger, queues } = stores;
    shutdown.add('queues', () => queues.close());

    const signers = new Map<string, Signer>();
    for (const s of config.signers) {
      if (s.type !== 'soft-key') continue;
      const signer = await createSigner(s, log).catch((err: unknown) => {
        // The primary reports an expired certificate; here its queue just gets no consumer.
        if (isGatewayError(err) && err.code === 'GW_ERR_SIGN_CERT_EXPIRED') return undefined;
        throw err;
      });
      if (!signer) continue;
      signers.set(s.name, signer);
      shutdown.add(`signer:${s.name}`, () => signer.close());
    }
    const transports = new Map<string, Transport>();
    for (const t of config.transports) {
      const transport = createTransport(t);
      transports.set(t.name, transport);
      shutdown.add(`transport:${t.name}`, () => transport.close());
    }
    const deps: PipelineDeps = {
      ...stores,
      config,
      log,
      redis,
      receiptSla: new ReceiptSla(redis, config.redis.prefix, ledger, log),
      sink: new FolderReceiptSink(),
      translators: new Map(
        config.channels.map((ch) => [ch.name, createTranslator(ch.translator, ch.translation)]),
      ),
      signers,
      transports,
    };
    const workers = startWorkers(deps, connection);
    shutdown.add('workers', () => workers.close());
    log.info({ signers: [...signers.keys()] }, 'stage worker process started / 阶段工作进程已启动');
    return {
      close: () => shutdown.shutdown(config.shutdownMs),
      hurry: () => shutdown.hurry(),
    };
  } catch (err) {
    await shutdown.shutdown(5_000);
    throw err;
  }
}
