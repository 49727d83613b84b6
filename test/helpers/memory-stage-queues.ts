import { STAGES, type Stage, type StageJobData } from '../../src/queues/names.js';
import { queueName } from '../../src/queues/stage-queues.js';
import type { StageQueuesPort } from '../../src/queues/stage-queues-port.js';

export interface MemoryJob<S extends Stage = Stage> {
  readonly id: string;
  readonly stage: S;
  readonly data: StageJobData[S];
  readonly queue: string;
  state: 'waiting' | 'completed';
}

/**
 * The stage queues in memory, for unit tests of the stages: the same queue names (one sign queue
 * per signer, none for an unknown signer) and the same rule that a job id the queue holds, waiting
 * or done, is not added twice. Nothing runs the jobs: a test takes them with `take` and hands them
 * to the next processor itself. `test/contract/stage-queues.contract.ts` holds it to BullMQ's behaviour.
 */
export class MemoryStageQueues implements StageQueuesPort {
  private readonly queues = new Map<string, Map<string, MemoryJob>>();

  constructor(signers: readonly string[]) {
    for (const s of STAGES.filter((st) => st !== 'sign')) this.queues.set(s, new Map());
    for (const name of signers) this.queues.set(queueName('sign', name), new Map());
  }

  private queue(stage: Stage, signer?: string): Map<string, MemoryJob> {
    const q = this.queues.get(queueName(stage, signer));
    if (!q) throw new Error(`no queue for ${queueName(stage, signer)}`);
    return q;
  }

  async add<S extends Stage>(
    stage: S,
    jobId: string,
    data: StageJobData[S],
    signer?: string,
  ): Promise<void> {
    const q = this.queue(stage, signer);
    if (q.has(jobId)) return;
    q.set(jobId, { id: jobId, stage, data, queue: queueName(stage, signer), state: 'waiting' });
  }

  async counts(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [name, q] of this.queues) {
      const jobs = [...q.values()];
      out[name] = {
        waiting: jobs.filter((j) => j.state === 'waiting').length,
        active: 0,
        delayed: 0,
        failed: 0,
        completed: jobs.filter((j) => j.state === 'completed').length,
      };
    }
    return out;
  }

  /** The jobs waiting in a stage's queue (the signer's, for 'sign'), oldest first. */
  waiting<S extends Stage>(stage: S, signer?: string): MemoryJob<S>[] {
    return [...this.queue(stage, signer).values()].filter(
      (j): j is MemoryJob<S> => j.state === 'waiting',
    );
  }

  /** Takes the oldest waiting job of a queue as a worker would, and marks it done; undefined when none. */
  take<S extends Stage>(stage: S, signer?: string): MemoryJob<S> | undefined {
    const job = this.waiting(stage, signer)[0];
    if (job) job.state = 'completed';
    return job;
  }
}
