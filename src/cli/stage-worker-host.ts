import { join } from 'node:path';
import type { GatewayConfig } from '../config/resolve.js';
import type { Logger } from '../core/logger.js';
import { ShutdownManager } from '../core/lifecycle.js';
import { Spool } from '../core/spool.js';
import { isGatewayError } from '../core/errors.js';
import { FolderReceiptSink } from '../gateway/folder-sink.js';
import { ReceiptForms } from '../receipts/forms/receipt-forms.js';
import { Ledger } from '../queues/ledger.js';
import { ReceiptFeed } from '../queues/receipt-feed.js';
import { ReceiptSla } from '../queues/receipt-sla.js';
import { bullmqConnection, createRedis, type RedisTarget } from '../queues/redis-connection.js';
import { StageQueues } from '../queues/stage-queues.js';
import { startWorkers } from '../queues/workers.js';
import type { PipelineDeps } from '../queues/deps.js';
import { startHeartbeat, WorkerRegistry } from '../queues/worker-registry.js';
import { CLIENT_SIGNER } from '../config/resolve.js';
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
    const clientSigns =
      config.channels.some((ch) => ch.signer === CLIENT_SIGNER) &&
      !config.signers.some((s) => s.name === CLIENT_SIGNER);
    const queues = new StageQueues(
      connection,
      config.redis.prefix,
      config.retry.delaysMs.length + 1,
      [...config.signers.map((s) => s.name), ...(clientSigns ? [CLIENT_SIGNER] : [])],
      config.retention.jobsMs,
    );
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
    const ledger = new Ledger(redis, config.redis.prefix);
    const deps: PipelineDeps = {
      config,
      log,
      redis,
      ledger,
      receiptFeed: new ReceiptFeed(redis, config.redis.prefix),
      receiptSla: new ReceiptSla(redis, config.redis.prefix, ledger, log),
      spool: new Spool(config.spoolDir),
      queues,
      sink: new FolderReceiptSink(),
      receiptForms: new ReceiptForms(config.channels),
      channels: new Map(config.channels.map((c) => [c.name, c])),
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
