import { jobIdFor } from '../core/ids.js';
import type { MessageRecord } from './ledger.js';
import type { PipelineDeps } from './deps.js';

/** The deliver job of a message; a re-opened message gets a fresh id so BullMQ runs it again. */
export function deliverJobId(messageId: string, generation?: number): string {
  return generation ? jobIdFor(messageId, 'deliver', `g${generation}`) : jobIdFor(messageId, 'deliver');
}

/** Statuses an operator may send again: the gateway gave up, customs never answered no. */
export const RETRYABLE = new Set(['dead']);

/**
 * Tries a dead message again with the same signed bytes and business key (customs correlates on
 * it, so it is never regenerated): status back to 'signed', a new delivery with a full schedule.
 */
export async function retryMessage(deps: Pick<PipelineDeps, 'ledger' | 'queues'>, rec: MessageRecord, who: string): Promise<void> {
  if (!RETRYABLE.has(rec.status) || !rec.deliverRef) {
    throw new Error(`message ${rec.id} is ${rec.status}; only dead messages can be retried / 仅可重发状态为 dead 的报文`);
  }
  const generation = await deps.ledger.reopen(rec.id, 'signed', `retry requested by ${who}`);
  await deps.queues.add('deliver', deliverJobId(rec.id, generation), { messageId: rec.id });
}
