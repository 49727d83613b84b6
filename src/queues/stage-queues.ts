import { Queue, type JobsOptions, type ConnectionOptions } from 'bullmq';
import { STAGES, type Stage, type StageJobData } from './names.js';

/** Completed jobs are kept for an hour so that re-adding the same job id stays a no-op. */
const KEEP_COMPLETED = { age: 3600, count: 50_000 };
const KEEP_FAILED = { age: 7 * 86_400 };

/** The stage queues, and the one way jobs are added to them (deterministic ids, sane defaults). */
export class StageQueues {
  private readonly queues: Map<Stage, Queue>;

  constructor(
    connection: ConnectionOptions,
    readonly prefix: string,
    private readonly deliverAttempts: number,
  ) {
    this.queues = new Map(STAGES.map((s) => [s, new Queue(s, { connection, prefix })]));
  }

  queue(stage: Stage): Queue {
    return this.queues.get(stage)!;
  }

  async add<S extends Stage>(stage: S, jobId: string, data: StageJobData[S]): Promise<void> {
    const opts: JobsOptions = {
      jobId,
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: KEEP_FAILED,
      ...(stage === 'deliver'
        ? { attempts: this.deliverAttempts, backoff: { type: 'schedule' } }
        : { attempts: 20, backoff: { type: 'exponential', delay: 1000 } }),
    };
    await this.queue(stage).add(stage, data, opts);
  }

  async counts(): Promise<Record<Stage, Record<string, number>>> {
    const out = {} as Record<Stage, Record<string, number>>;
    for (const [s, q] of this.queues) out[s] = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
