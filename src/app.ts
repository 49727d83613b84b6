import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { LeaseFactory } from './core/lease.js';
import type { GatewayConfig } from './config/resolve.js';
import type { Logger } from './core/logger.js';
import { ShutdownManager } from './core/lifecycle.js';
import { DataDirLock } from './core/data-dir-lock.js';
import { Spool } from './core/spool.js';
import { createIntake } from './gateway/intake-registry.js';
import { FolderReceiptSink } from './gateway/folder-sink.js';
import type { IntakeSource } from './gateway/intake.js';
import { createReceiptSource } from './receipts/receipt-source-registry.js';
import { createIntakeHandler } from './queues/intake-handler.js';
import { queueReceipts } from './queues/queue-receipt.js';
import { ReceiptSla } from './queues/receipt-sla.js';
import { buildHttpApi } from './gateway/http-api.js';
import { httpApiDeps } from './queues/http-api-bindings.js';
import { registerConsole } from './console/console-routes.js';
import { ManagedRedis } from './queues/managed-redis.js';
import {
  assertNoEviction,
  bullmqConnection,
  configuredRedis,
  createRedis,
  describeRedis,
  type RedisTarget,
} from './queues/redis-connection.js';
import { createPipelineStores, usesClientSideSigner } from './queues/pipeline-stores.js';
import { startWorkers, type WorkerTiming } from './queues/workers.js';
import type { PipelineDeps } from './queues/deps.js';
import { AuditWriter } from './queues/audit-writer.js';
import { createSigner } from './signing/signer-registry.js';
import { UnavailableSigner } from './signing/unavailable-signer.js';
import { isGatewayError } from './core/errors.js';
import { watchCertificates } from './signing/certificate-watch.js';
import type { Signer } from './signing/signer.js';
import { createTranslator } from './translators/factory.js';
import type { Translator } from './translators/translator.js';
import { createTransport } from './transports/transport-registry.js';
import type { Transport } from './transports/transport.js';
import { CLIENT_SIGNER, type ResolvedSwClientTransport } from './config/resolve.js';
import { ClientSideSigner } from './signing/client-side-signer.js';
import { SwClientTransport } from './transports/sw-client/sw-client-transport.js';
import { SwClientWatch } from './transports/sw-client/client-watch.js';
import { redisLeases } from './queues/lease.js';
import { Retention } from './queues/retention.js';

export interface RunningGateway {
  readonly deps: PipelineDeps;
  readonly redisTarget: RedisTarget;
  /** Base URL of the HTTP API and console (e.g. http://127.0.0.1:8470), when HTTP is enabled. */
  readonly httpUrl?: string;
  /** Ordered, bounded shutdown; idempotent. */
  close(): Promise<void>;
  /** During close(): stop waiting for drains; the remaining steps get a short bound each. */
  hurry(): void;
}

export interface StartOptions {
  readonly workerTiming?: WorkerTiming;
  /** Signers by name that replace the configured ones (tests inject fakes here). */
  readonly signers?: ReadonlyMap<string, Signer>;
  /**
   * Called once Redis is up (`eport start --workers N` forks its stage workers here); what it
   * returns closes after every other component and before Redis, so the workers drain first.
   */
  readonly onRedisReady?: (redis: RedisTarget) => { close(): Promise<void> };
}

/**
 * The composition root: the one place that reads configuration to choose adapters. Components
 * start in dependency order and close in reverse: intake first, Redis last.
 */
export async function startGateway(
  config: GatewayConfig,
  log: Logger,
  options: StartOptions = {},
): Promise<RunningGateway> {
  const shutdown = new ShutdownManager((name, err) =>
    log.error({ err, component: name }, 'component did not close cleanly / 组件未能正常关闭'),
  );
  let managed: ManagedRedis | undefined;
  try {
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    // Before anything touches the data directory or its managed Redis: one gateway per directory.
    const lock = await DataDirLock.acquire(config.dataDir);
    shutdown.add('data-dir-lock', () => lock.release());
    const spool = new Spool(config.spoolDir);

    let redisTarget = configuredRedis(config.redis);
    if (!redisTarget) {
      managed = new ManagedRedis(join(config.dataDir, 'redis'), config.redis.serverBinary, log);
      await managed.start();
      const started = managed;
      shutdown.add('managed-redis', () => started.close());
      redisTarget = managed.url;
      log.info({ socket: managed.socketPath }, 'managed redis-server started / 内置 Redis 已启动');
    }
    const redis: Redis = createRedis(redisTarget, { autoPipelining: true });
    redis.on('error', (err) =>
      log.warn({ err: err.message }, 'redis connection error / Redis 连接错误'),
    );
    shutdown.add('redis', async () => void (await redis.quit()));
    await assertNoEviction(redis);
    if (options.onRedisReady) {
      const companion = options.onRedisReady(redisTarget);
      shutdown.add('worker-processes', () => companion.close());
    }
    const leases = redisLeases(redis, config.redis.prefix);

    const connection = bullmqConnection(redisTarget);
    // The same stores the operator commands of the CLI build (queues/pipeline-stores.ts).
    const stores = createPipelineStores(config, redis, connection, spool);
    const { ledger, queues } = stores;
    shutdown.add('queues', () => queues.close());

    const signers = new Map<string, Signer>();
    for (const s of config.signers) {
      const injected = options.signers?.get(s.name);
      if (injected) {
        signers.set(s.name, injected);
        continue;
      }
      const signer = await createSigner(s, log).catch((err: unknown) => {
        // An expired certificate stops that signer, not the gateway: its messages wait.
        if (!isGatewayError(err) || err.code !== 'GW_ERR_SIGN_CERT_EXPIRED') throw err;
        log.error(
          { signer: s.name, err: err.details[0]?.en },
          'signing certificate expired: this signer is stopped, its messages wait / 证书已过期，该签名器停用，报文等待',
        );
        return new UnavailableSigner(s.name, err);
      });
      signers.set(s.name, signer);
      shutdown.add(`signer:${s.name}`, () => signer.close());
    }
    const stopWatch = watchCertificates(signers.values(), log);
    shutdown.add('certificate-watch', async () => stopWatch());
    if (usesClientSideSigner(config))
      signers.set(CLIENT_SIGNER, new ClientSideSigner(CLIENT_SIGNER));
    const transports = new Map<string, Transport>();
    for (const t of config.transports) {
      const transport = createTransport(t);
      transports.set(t.name, transport);
      shutdown.add(`transport:${t.name}`, () => transport.close());
    }
    // One translator per channel: each channel has its own mapping and code tables.
    const translators = new Map<string, Translator>(
      config.channels.map((ch) => [ch.name, createTranslator(ch.translator, ch.translation)]),
    );

    const deps: PipelineDeps = {
      ...stores,
      config,
      log,
      redis,
      receiptSla: new ReceiptSla(redis, config.redis.prefix, ledger, log),
      sink: new FolderReceiptSink(),
      translators,
      signers,
      transports,
    };

    const stopSla = deps.receiptSla.watch();
    shutdown.add('receipt-sla', async () => stopSla());
    // Before the workers, so it closes after them and writes what their drain recorded.
    const audit = new AuditWriter({
      redis,
      prefix: config.redis.prefix,
      dataDir: config.dataDir,
      spool,
      ledger,
      log,
      archive: config.records.archive,
      archiveRetentionMs: config.records.archiveRetentionMs,
    });
    audit.start();
    shutdown.add('audit-writer', () => audit.close());
    // Finished messages leave Redis after their retention (their records stay in the archive).
    const retention = new Retention({
      redis,
      prefix: config.redis.prefix,
      channels: config.channels.map((c) => c.name),
      finishedMs: config.retention.finishedMs,
      feedMs: config.retention.feedMs,
      log,
    });
    retention.start();
    shutdown.add('retention', () => retention.close());
    const workers = startWorkers(deps, connection, options.workerTiming);
    shutdown.add('workers', () => workers.close());

    for (const r of config.receiptSources) {
      const source = createReceiptSource(r, redis, config.redis.prefix, leases, log);
      // A feed read page by page (HTTP pull) has an order; its pages keep it (receipt-lane.ts).
      const lane =
        r.type === 'http-pull' ? { redis, prefix: config.redis.prefix, name: r.name } : undefined;
      await source.start((receipts) => queueReceipts(deps, receipts, lane ? { lane } : {}));
      shutdown.add(`receipts:${r.name}`, () => source.close());
    }

    // The Single Window client route: its InBox, SentBox, FailBox and OutBox are watched.
    for (const t of config.transports) {
      if (t.type !== 'sw-client') continue;
      const watch = swClientWatch(
        t,
        transports.get(t.name) as SwClientTransport,
        config,
        redis,
        leases,
        log,
      );
      await watch.start((receipts) => queueReceipts(deps, receipts));
      shutdown.add(`client-watch:${t.name}`, () => watch.close());
    }

    // Folders exist from the start, so integrators can see the layout before the first file.
    for (const ch of config.channels) {
      for (const d of [
        ch.outbox,
        ch.sent,
        ch.failed,
        ...ch.intake.flatMap((i) => (i.type === 'folder' ? [i.path] : [])),
      ])
        await mkdir(d, { recursive: true });
    }
    const handler = createIntakeHandler(deps);
    const intakes: IntakeSource[] = config.channels.flatMap((ch) =>
      ch.intake.map((it) => createIntake(ch, it, leases, log)),
    );
    for (const intake of intakes) {
      await intake.start(handler);
      shutdown.add(intake.name, () => intake.close());
    }
    let httpUrl: string | undefined;
    if (config.http.enabled) {
      const api = buildHttpApi({
        ...httpApiDeps(deps, handler),
        console: (c) => registerConsole(c, deps),
      });
      await api.listen({ host: config.http.host, port: config.http.port });
      const address = api.server.address();
      if (address && typeof address === 'object')
        httpUrl = `${config.http.tls ? 'https' : 'http'}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
      shutdown.add('http-api', () => api.close());
      log.info({ address: api.server.address() }, 'HTTP API listening / HTTP 接口已启动');
    }
    log.info(
      {
        channels: config.channels.map((c) => c.name),
        redis: describeRedis(redisTarget),
      },
      'gateway started / 网关已启动',
    );
    return {
      deps,
      redisTarget,
      ...(httpUrl ? { httpUrl } : {}),
      close: () => {
        managed?.stopRestarting();
        return shutdown.shutdown(config.shutdownMs);
      },
      hurry: () => shutdown.hurry(),
    };
  } catch (err) {
    managed?.stopRestarting();
    await shutdown.shutdown(5_000);
    throw err;
  }
}

/** The watch over one Single Window client, for the modules of the channels that use it. */
function swClientWatch(
  t: ResolvedSwClientTransport,
  transport: SwClientTransport,
  config: GatewayConfig,
  redis: Redis,
  leases: LeaseFactory,
  log: Logger,
): SwClientWatch {
  const modules = [
    ...new Set(
      config.channels.filter((ch) => ch.transport === t.name && ch.module).map((ch) => ch.module!),
    ),
  ];
  return new SwClientWatch({
    name: t.name,
    transport,
    modules,
    subscriptions: t.subscriptions.filter((m) => !modules.includes(m)),
    pollMs: t.pollMs,
    stableMs: t.stableMs,
    pickupTimeoutMs: t.pickupTimeoutMs,
    receiptsAfter: t.receiptsAfter,
    backupDir: t.backupDir,
    redis,
    keyPrefix: config.redis.prefix,
    log: log.child({ transport: t.name }),
    lease: leases(`client-watch:${t.name}`, Math.max(10_000, t.pollMs * 5)),
  });
}
