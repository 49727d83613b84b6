import type { Job } from 'bullmq';
import { clientReceiptFileName, receiptFileName, stemOf } from '../../receipts/naming.js';
import { channelOf, type PipelineDeps } from '../deps.js';
import type { WritebackJob } from '../names.js';

/** writeback: the receipt into the channel outbox as <stem>.<kind>.<seq>.xml, atomically. */
export function writebackProcessor(deps: PipelineDeps) {
  return async (job: Job<WritebackJob>): Promise<void> => {
    const { messageId, receiptRef, kind, seq, sourceName, ext, negative } = job.data;
    const rec = await deps.ledger.get(messageId);
    if (!rec) return;
    const ch = channelOf(deps, rec.channel);
    // Parts of a split document answer as <stem>-<part>, like their ClientSeqNo.
    const stem = stemOf(sourceName ?? rec.sourceName) + (rec.part ? `-${rec.part}` : '');
    const parts = { stem, kind, seq, ...(ext ? { ext } : {}) };
    // The job's creation time: a re-run after a crash writes the same name.
    const name = ch.layout === 'imppath' ? clientReceiptFileName({ ...parts, negative: negative ?? false, at: new Date(job.timestamp) }) : receiptFileName(parts);
    const result = await deps.sink.write(ch.outbox, name, await deps.spool.get(receiptRef));
    if (result === 'written') {
      await deps.ledger.event(messageId, { at: Date.now(), stage: 'writeback', text: `wrote ${name}` });
      await deps.receiptFeed.append(ch.name, { messageId, fileName: name, kind, receiptRef });
      deps.log.info({ messageId, file: name }, 'receipt written / 回执已写出');
    }
  };
}
