import type { DepsOf } from './deps.js';
import type { ArrivedReceipt } from './names.js';

/*
 * Which arrived receipts the receipt stage has finished. While each receipt was a job of its own,
 * its job id (content hash) kept a receipt fetched again from running twice; a batch job holds
 * receipts that also arrive in other batches (a page re-read after a crash, a longer page, another
 * node), so each receipt is marked here once its effects are done, and skipped when marked.
 *
 * A Redis key per receipt, kept as long as a completed job (retention.jobs): the same window of
 * deduplication as the job ids gave. Not the ledger: an orphan or a client event has no message
 * to record it under. After the window, a receipt fetched again is still harmless (the status
 * advances once per receipt hash, a written receipt is not written again: ledger.receiptSeq and
 * receiptFeed.delivered); what the marker spares is a second orphan entry or timeline event.
 * A receipt is marked after its effects, never before: a crash in between re-runs effects that
 * are idempotent rather than losing them.
 */

/** A receipt's identity: its content hash, and the message it came back for in an exchange. */
export function receiptKey(r: Pick<ArrivedReceipt, 'receiptRef' | 'forMessage'>): string {
  const hash = r.receiptRef.slice('sha256:'.length);
  return r.forMessage ? `${hash}-${r.forMessage}` : hash;
}

const keyOf = (deps: DepsOf<'config'>, key: string): string =>
  `${deps.config.redis.prefix}:receipt-done:${key}`;

/** For each key, whether its receipt was finished (one round trip for the batch). */
export async function receiptsDone(
  deps: DepsOf<'config' | 'redis'>,
  keys: readonly string[],
): Promise<boolean[]> {
  if (keys.length === 0) return [];
  const values = await deps.redis.mget(...keys.map((k) => keyOf(deps, k)));
  return values.map((v) => v !== null);
}

/** Marks a receipt finished, for as long as completed jobs are kept. */
export async function markReceiptDone(
  deps: DepsOf<'config' | 'redis'>,
  key: string,
): Promise<void> {
  await deps.redis.set(keyOf(deps, key), '1', 'PX', Math.max(1, deps.config.retention.jobsMs));
}
