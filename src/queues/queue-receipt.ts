import type { PipelineDeps } from './deps.js';

/**
 * Makes an arrived receipt durable (spool) and queues it for the receipt stage. The job id is its
 * content hash, so the same receipt fetched, pushed or returned twice is processed once.
 */
export async function queueReceipt(deps: Pick<PipelineDeps, 'spool' | 'queues'>, bytes: Buffer, source: string, fileName: string): Promise<void> {
  const receiptRef = await deps.spool.put(bytes);
  await deps.queues.add('receipt', `receipt-${receiptRef.slice('sha256:'.length)}`, { receiptRef, source, fileName });
}
