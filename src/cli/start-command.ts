import type { RedisTarget } from '../queues/redis-connection.js';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatError } from './format-error.js';
import { loadConfigOrReport } from './load-config-or-report.js';
import { exitCodeAfter, runUntilSignal } from './run-until-signal.js';

/** Beyond shutdownMs, time for the last steps (Redis, the managed redis-server) before a forced exit. */
const SHUTDOWN_MARGIN_MS = 10_000;

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the gateway daemon in the foreground / 启动网关守护进程')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .option(
      '-w, --workers <n>',
      'worker processes (default: config `workers`, else one per core); 1 = a single process',
    )
    .action(async (opts: { config: string; workers?: string }) => {
      const config = await loadConfigOrReport(opts.config);
      if (!config) return;
      const { WorkerPool, workerCount } = await import('./worker-pool.js');
      let workers: number;
      try {
        workers = workerCount(opts.workers, config.workers);
      } catch (err) {
        console.error(`eport: ${(err as Error).message}`);
        process.exit(2);
      }
      const { createLogger } = await import('../core/logger.js');
      const { startGateway } = await import('../app.js');
      // Loaded before the start: between 'gateway started' and the signal handlers nothing awaits.
      const { startHeartbeat, WorkerRegistry } = await import('../queues/worker-registry.js');
      const log = createLogger({
        level: config.log.level,
        ...(config.log.pretty !== undefined ? { pretty: config.log.pretty } : {}),
      }).child({ worker: 0 });
      const pool =
        workers > 1
          ? new WorkerPool({ count: workers - 1, configFile: resolve(opts.config), log })
          : undefined;
      const onRedisReady = (redis: RedisTarget): { close(): Promise<void> } => {
        // A managed Redis is known only now; a configured one (URL or sentinels) the workers
        // read from the configuration themselves.
        pool!.start(typeof redis === 'string' ? redis : '');
        log.info({ workers }, `running ${workers} worker processes / 运行 ${workers} 个工作进程`);
        return { close: () => pool!.close(config.shutdownMs + SHUTDOWN_MARGIN_MS / 2) };
      };
      let gateway;
      try {
        gateway = await startGateway(config, log, pool ? { onRedisReady } : {});
      } catch (err) {
        log.fatal({ err }, 'gateway failed to start / 网关启动失败');
        log.flush();
        console.error(`eport: gateway failed to start / 网关启动失败\n${formatError(err)}`);
        process.exit(1);
      }
      const running = gateway;
      const stopBeat = startHeartbeat(
        new WorkerRegistry(running.deps.redis, config.redis.prefix),
        0,
        'primary',
      );
      const outcome = await runUntilSignal(
        {
          stop: async () => {
            // The workers drain alongside the primary; their exit is awaited before Redis closes.
            pool?.beginStop();
            await stopBeat();
            await running.close();
          },
          hurry: () => {
            pool?.hurry();
            running.hurry();
          },
        },
        (signal, stage) => {
          if (stage === 'graceful')
            log.info({ signal }, 'shutting down: intake stops, workers drain / 正在关闭');
          else if (stage === 'hurry')
            log.warn(
              { signal },
              'second signal: forcing a faster stop, drains cut short (a third exits at once) / 再次收到信号，加快关闭',
            );
          else {
            log.warn({ signal }, 'third signal: forcing exit now / 第三次收到信号，立即退出');
            log.flush();
          }
        },
        config.shutdownMs + SHUTDOWN_MARGIN_MS,
      );
      pool?.killRemaining();
      log.info({ signal: outcome.signal, hurried: outcome.hurried }, 'stopped / 已停止');
      log.flush();
      // Closed is closed: a reconnect timer of a client whose Redis is gone must not keep us alive.
      process.exit(exitCodeAfter(outcome));
    });
}
