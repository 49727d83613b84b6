import { createHash } from 'node:crypto';
import type { DepsOf } from './deps.js';
import type { ArrivedReceipt } from './names.js';
import { receiptKey } from './receipt-done.js';
import { enterLane, type ReceiptLane } from './receipt-lane.js';

/** Receipt bytes as a source or an exchange handed them over. */
export interface ReceiptArrival {
  readonly bytes: Buffer;
  readonly source: string;
  readonly fileName: string;
  /** The message a receipt answers when it came back in the same exchange as its send. */
  readonly forMessage?: string | undefined;
}

/**
 * Makes receipts that arrived together (a feed page, or one file) durable (spool) and queues them
 * as one job of the receipt stage. The job id is the content hash of the batch, so the same page
 * handed over twice is queued once; a receipt that comes again in another batch is skipped by the
 * receipt stage (receipt-done.ts). Resolves once all of them are durable. Pages of an ordered feed
 * name their lane, so that they are applied in the order they came (receipt-lane.ts).
 */
export async function queueReceipts(
  deps: DepsOf<'spool' | 'queues'>,
  arrivals: readonly ReceiptArrival[],
  opts: { lane?: ReceiptLane } = {},
): Promise<void> {
  if (arrivals.length === 0) return;
  const receipts: ArrivedReceipt[] = await Promise.all(
    arrivals.map(async (a) => ({
      receiptRef: await deps.spool.put(a.bytes),
      source: a.source,
      fileName: a.fileName,
      ...(a.forMessage ? { forMessage: a.forMessage } : {}),
    })),
  );
  const keys = receipts.map(receiptKey);
  // A batch of one keeps the id a receipt job always had: a response to one send belongs to that
  // message (two messages answered with the same bytes each get theirs).
  const id =
    keys.length === 1
      ? `receipt-${keys[0]}`
      : `receipts-${createHash('sha256').update(keys.join('\n')).digest('hex')}`;
  if (opts.lane) await enterLane(opts.lane, id);
  await deps.queues.add('receipt', id, {
    receipts,
    ...(opts.lane ? { lane: opts.lane.name } : {}),
  });
}

/** One receipt: a batch of one. */
export function queueReceipt(
  deps: DepsOf<'spool' | 'queues'>,
  bytes: Buffer,
  source: string,
  fileName: string,
  forMessage?: string,
): Promise<void> {
  return queueReceipts(deps, [{ bytes, source, fileName, forMessage }]);
}
