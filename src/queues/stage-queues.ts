import { Queue, type JobsOptions, type ConnectionOptions } from 'bullmq';
import { STAGES, type Stage, type StageJobData } from './names.js';
import type { StageQueuesPort } from './stage-queues-port.js';

/** Completed jobs are kept for an hour so that re-adding the same job id stays a no-op. */
const KEEP_COMPLETED = { age: 3600, count: 50_000 };
const KEEP_FAILED = { age: 7 * 86_400 };

/**
 * BullMQ queue name of a stage. Signing has one queue per signer: a card's jobs wait in its own
 * queue, which only the node holding that card consumes and which pauses while the card is out.
 */
export function queueName(stage: Stage, signer?: string): string {
  return stage === 'sign' ? `sign-${signer ?? ''}` : stage;
}

/** The stage queues, and the one way jobs are added to them (deterministic ids, sane defaults). */
export class StageQueues implements StageQueuesPort {
  private readonly queues = new Map<string, Queue>();

  constructor(
    connection: ConnectionOptions,
    readonly prefix: string,
    private readonly deliverAttempts: number,
    signers: readonly string[],
    /** How long a completed job is kept (config retention.jobs); an hour by default. */
    private readonly keepCompletedMs = KEEP_COMPLETED.age * 1000,
  ) {
    for (const s of STAGES.filter((st) => st !== 'sign'))
      this.queues.set(s, new Queue(s, { connection, prefix }));
    for (const name of signers)
      this.queues.set(
        queueName('sign', name),
        new Queue(queueName('sign', name), { connection, prefix }),
      );
  }

  queue(stage: Stage, signer?: string): Queue {
    const q = this.queues.get(queueName(stage, signer));
    if (!q) throw new Error(`no queue for ${queueName(stage, signer)}`);
    return q;
  }

  /** Every queue (each stage, one sign queue per signer), e.g. for the console's queue board. */
  all(): Queue[] {
    return [...this.queues.values()];
  }

  /** Adds a job; `signer` names the sign queue for the 'sign' stage. */
  async add<S extends Stage>(
    stage: S,
    jobId: string,
    data: StageJobData[S],
    signer?: string,
  ): Promise<void> {
    const opts: JobsOptions = {
      jobId,
      removeOnComplete: { ...KEEP_COMPLETED, age: Math.ceil(this.keepCompletedMs / 1000) },
      removeOnFail: KEEP_FAILED,
      ...(stage === 'deliver'
        ? { attempts: this.deliverAttempts, backoff: { type: 'schedule' } }
        : stage === 'sign'
          ? // A card can be out for hours: signing retries until it is back (capped backoff).
            { attempts: 100_000, backoff: { type: 'capped' } }
          : { attempts: 20, backoff: { type: 'capped' } }),
    };
    await this.queue(stage, signer).add(stage, data, opts);
  }

  async counts(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [s, q] of this.queues)
      out[s] = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
