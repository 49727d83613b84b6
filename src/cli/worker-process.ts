/**
 * Entry point of a stage-worker process, forked by `eport start --workers N` (see worker-pool.ts):
 * `worker-process.js <config file> <index>`, the primary's Redis URL in EPORT_WORKER_REDIS_URL.
 *
 * Stops: the first SIGTERM/SIGINT or the primary's `stop` message drains; the second (or `hurry`)
 * cuts the drain short; a third signal exits at once. When the primary is gone (its IPC channel
 * closes, e.g. it was SIGKILLed) the process stops hurried, so no worker outlives its primary.
 * Ctrl-C reaches the whole process group, so a signal and the primary's message may both arrive:
 * they name a stage, not a count, and the same stage twice is one step.
 */
import { formatError } from './format-error.js';
import { loadConfigOrReport } from './load-config-or-report.js';
import { signalExitCode } from './run-until-signal.js';
import type { WorkerMessage } from './worker-pool.js';

const [configFile, indexArg] = process.argv.slice(2);
const index = Number(indexArg);
const redisUrl = process.env.EPORT_WORKER_REDIS_URL ?? '';
/** Beyond shutdownMs, time for Redis to close before a forced exit. */
const SHUTDOWN_MARGIN_MS = 5_000;

async function main(): Promise<void> {
  if (!configFile || !Number.isInteger(index) || !process.send) {
    console.error('eport: worker-process is started by `eport start --workers N` only');
    process.exit(2);
  }
  const config = await loadConfigOrReport(configFile);
  if (!config) process.exit(1);
  const { createLogger } = await import('../core/logger.js');
  const { startStageWorkerHost } = await import('./stage-worker-host.js');
  const log = createLogger({
    level: config.log.level,
    ...(config.log.pretty !== undefined ? { pretty: config.log.pretty } : {}),
  }).child({ worker: index });

  let stage = 0; // 0 running, 1 draining, 2 hurried
  let firstSignal: NodeJS.Signals | undefined;
  let host: Awaited<ReturnType<typeof startStageWorkerHost>> | undefined;
  let stopped: Promise<void> | undefined;
  const exitAfterStop = (): void => {
    const code = firstSignal === 'SIGINT' ? signalExitCode('SIGINT') : 0;
    log.info({ stage }, 'stage worker process stopped / 阶段工作进程已停止');
    log.flush();
    process.exit(code);
  };
  const toStage = (next: number): void => {
    if (next <= stage) return;
    if (next >= 3) {
      log.flush();
      process.exit(signalExitCode(firstSignal ?? 'SIGTERM'));
    }
    const from = stage;
    stage = next;
    if (from === 0) {
      setTimeout(() => process.exit(1), config.shutdownMs + SHUTDOWN_MARGIN_MS).unref();
      stopped = (host ? host.close() : Promise.resolve()).then(exitAfterStop, exitAfterStop);
    }
    if (next === 2) host?.hurry();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    firstSignal ??= signal;
    toStage(stage + 1);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('message', (m: WorkerMessage) => {
    if (m?.type === 'stop') toStage(1);
    else if (m?.type === 'hurry') toStage(2);
  });
  // The primary is gone: nobody supervises us any more, and its Redis may go with it.
  process.on('disconnect', () => {
    if (stage === 0) log.warn('primary process gone: stopping / 主进程已退出，停止工作进程');
    toStage(2);
  });

  try {
    const { configuredRedis } = await import('../queues/redis-connection.js');
    const target = configuredRedis(config.redis) ?? redisUrl;
    if (!target)
      throw new Error('no Redis given to the worker process / 工作进程未获得 Redis 地址');
    host = await startStageWorkerHost(config, target, log, index);
  } catch (err) {
    log.fatal({ err }, 'stage worker process failed to start / 阶段工作进程启动失败');
    log.flush();
    console.error(`eport: stage worker ${index} failed to start\n${formatError(err)}`);
    process.exit(1);
  }
  // A stop asked for while starting closes what has just started.
  if (stage > 0) stopped ??= host.close().then(exitAfterStop, exitAfterStop);
  else process.send!({ type: 'ready' } satisfies WorkerMessage);
}

void main();
