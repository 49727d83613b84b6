import type { Stage, StageJobData } from './names.js';

/**
 * The stage queues as the stages see them: the one way a job is added (deterministic ids: adding
 * an id the queue already holds is a no-op) and the board of counts. BullMQ in production
 * (`stage-queues.ts`); an in-memory fake for unit tests. Both run
 * `test/contract/stage-queues.contract.ts`.
 */
export interface StageQueuesPort {
  /** Adds a job; `signer` names the sign queue for the 'sign' stage (one queue per signer). */
  add<S extends Stage>(
    stage: S,
    jobId: string,
    data: StageJobData[S],
    signer?: string,
  ): Promise<void>;
  /** Job counts by state (waiting, active, delayed, failed, completed) of every queue, by queue name. */
  counts(): Promise<Record<string, Record<string, number>>>;
}
