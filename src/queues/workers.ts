import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Stage } from './names.js';
import type { PipelineDeps } from './deps.js';
import { retryDelay } from './retry-policy.js';
import { translateProcessor } from './workers/translate-worker.js';
import { signProcessor } from './workers/sign-worker.js';
import { deliverProcessor } from './workers/deliver-worker.js';
import { receiptProcessor } from './workers/receipt-worker.js';
import { writebackProcessor } from './workers/writeback-worker.js';

const PROCESSORS: Record<Stage, (deps: PipelineDeps) => (job: Job) => Promise<void>> = {
  translate: translateProcessor,
  sign: signProcessor,
  deliver: deliverProcessor,
  receipt: receiptProcessor,
  writeback: writebackProcessor,
};

/** Lock settings: a job of a crashed node is taken over after at most about lockDuration. */
export interface WorkerTiming {
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
}

export const DEFAULT_WORKER_TIMING: WorkerTiming = { lockDurationMs: 15_000, stalledIntervalMs: 5_000 };

/** Starts one BullMQ worker per stage with the stage's concurrency and retry strategy. */
export function startWorkers(deps: PipelineDeps, connection: ConnectionOptions, timing: WorkerTiming = DEFAULT_WORKER_TIMING): Worker[] {
  const { retry, concurrency, redis } = deps.config;
  return (Object.keys(PROCESSORS) as Stage[]).map((stage) => {
    const worker = new Worker(stage, PROCESSORS[stage](deps), {
      connection,
      prefix: deps.config.redis.prefix,
      concurrency: concurrency[stage],
      lockDuration: timing.lockDurationMs,
      stalledInterval: timing.stalledIntervalMs,
      maxStalledCount: 10,
      settings: {
        backoffStrategy: (attemptsMade: number, type?: string, err?: Error) =>
          type === 'schedule'
            ? retryDelay(retry.delaysMs, retry.jitter, attemptsMade, (err as { retryAfterMs?: number } | undefined)?.retryAfterMs)
            : Math.min(60_000, 500 * 2 ** Math.max(0, attemptsMade - 1)),
      },
    });
    worker.on('failed', (job, err) => {
      deps.log.debug({ stage, jobId: job?.id, attemptsMade: job?.attemptsMade, err: err.message }, 'job attempt failed / 任务失败');
    });
    worker.on('error', (err) => deps.log.error({ err, stage, prefix: redis.prefix }, 'worker error / 工作进程错误'));
    return worker;
  });
}
