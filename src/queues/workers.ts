import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Stage } from './names.js';
import type { PipelineDeps } from './deps.js';
import { retryDelay } from './retry-policy.js';
import { isGatewayError } from '../core/errors.js';
import { queueName } from './stage-queues.js';
import { isSupervised, type SignerState } from '../signing/signer.js';
import { translateProcessor } from './workers/translate-worker.js';
import { signProcessor } from './workers/sign-worker.js';
import { deliverProcessor } from './workers/deliver-worker.js';
import { receiptProcessor } from './workers/receipt-worker.js';
import { writebackProcessor } from './workers/writeback-worker.js';

const PROCESSORS: Record<
  Stage,
  (deps: PipelineDeps) => (job: Job, token?: string) => Promise<void>
> = {
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

export const DEFAULT_WORKER_TIMING: WorkerTiming = {
  lockDurationMs: 15_000,
  stalledIntervalMs: 5_000,
};

export interface RunningWorkers {
  readonly workers: readonly Worker[];
  close(): Promise<void>;
}

/**
 * Starts one BullMQ worker per stage, and one per signer for signing. A supervised signer (card,
 * E-Port service) pauses its worker while it is not ready and resumes it when it is back.
 */
export function startWorkers(
  deps: PipelineDeps,
  connection: ConnectionOptions,
  timing: WorkerTiming = DEFAULT_WORKER_TIMING,
): RunningWorkers {
  const { retry, concurrency, redis } = deps.config;
  const make = (stage: Stage, name: string, n: number): Worker => {
    const worker = new Worker(name, PROCESSORS[stage](deps), {
      connection,
      prefix: redis.prefix,
      concurrency: n,
      lockDuration: timing.lockDurationMs,
      stalledInterval: timing.stalledIntervalMs,
      maxStalledCount: 10,
      settings: {
        backoffStrategy: (attemptsMade: number, type?: string, err?: Error) =>
          type === 'schedule'
            ? retryDelay(
                retry.delaysMs,
                retry.jitter,
                attemptsMade,
                isGatewayError(err) ? err.retryAfterMs : undefined,
              )
            : Math.min(60_000, 500 * 2 ** Math.min(Math.max(0, attemptsMade - 1), 10)),
      },
    });
    worker.on('failed', (job, err) => {
      deps.log.debug(
        { queue: name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: err.message },
        'job attempt failed / 任务失败',
      );
    });
    worker.on('error', (err) =>
      deps.log.error({ err, queue: name }, 'worker error / 工作进程错误'),
    );
    return worker;
  };

  const workers: Worker[] = [];
  const unsubscribe: (() => void)[] = [];
  for (const stage of Object.keys(PROCESSORS) as Stage[]) {
    if (stage !== 'sign') workers.push(make(stage, stage, concurrency[stage]));
  }
  for (const [name, signer] of deps.signers) {
    // A card signs one thing at a time; a soft key may use the configured concurrency.
    const worker = make(
      'sign',
      queueName('sign', name),
      isSupervised(signer) ? 1 : concurrency.sign,
    );
    workers.push(worker);
    if (isSupervised(signer)) {
      const follow = (state: SignerState): void => {
        if (state === 'ready') {
          void worker.resume();
          deps.log.info({ signer: name }, 'signer ready, signing resumed / 签名设备就绪，恢复签名');
        } else {
          void worker.pause(true);
          deps.log.warn(
            { signer: name, state },
            'signer not ready, signing paused / 签名设备不可用，暂停签名',
          );
        }
      };
      signer.on('state', follow);
      unsubscribe.push(() => signer.off('state', follow));
      if (signer.state !== 'ready') follow(signer.state);
    }
  }
  return {
    workers,
    close: async () => {
      for (const u of unsubscribe) u();
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
