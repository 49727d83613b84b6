import type { DepsOf } from './deps.js';

/**
 * Makes an arrived receipt durable (spool) and queues it for the receipt stage. The job id is its
 * content hash, so the same receipt fetched, pushed or returned twice is processed once.
 */
export async function queueReceipt(
  deps: DepsOf<'spool' | 'queues'>,
  bytes: Buffer,
  source: string,
  fileName: string,
  forMessage?: string,
): Promise<void> {
  const receiptRef = await deps.spool.put(bytes);
  // A response to one send belongs to that message: two messages answered with the same bytes
  // (an ImportAgrResponse carries no key of the request) each get theirs.
  const id = `receipt-${receiptRef.slice('sha256:'.length)}${forMessage ? `-${forMessage}` : ''}`;
  await deps.queues.add('receipt', id, {
    receiptRef,
    source,
    fileName,
    ...(forMessage ? { forMessage } : {}),
  });
}
