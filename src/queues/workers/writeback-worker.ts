import type { Job } from 'bullmq';
import { clientReceiptFileName, receiptFileName, stemOf } from '../../receipts/naming.js';
import { channelOf } from '../deps.js';
import type { WritebackDeps } from './processor-deps.js';
import type { WritebackJob } from '../names.js';
import { receiptStemFor } from '../receipt-stem.js';

/**
 * writeback: the receipt into the channel outbox as <stem>.<kind>.<seq>.<ext>, atomically, in
 * the channel's receipt form (customs XML as it came, JSON, CSV or the enterprise's mapping). The
 * stem is the message's own (receiptStemFor). A file of other content already under the name (put
 * there by hand, or by a gateway whose Redis was reset) is never replaced: the receipt goes to
 * <stem>.<message id prefix>.<kind>.<seq>.<ext> instead, with a warning.
 */
export function writebackProcessor(deps: WritebackDeps) {
  return (job: Job<WritebackJob>): Promise<void> => writeReceipt(deps, job.data, job.timestamp);
}

/**
 * Writes one receipt into its message's outbox and onto its feed. `at` is a fixed time of the
 * receipt (its job's creation): a re-run after a crash renders the same bytes under the same name,
 * so the write is idempotent. The receipt stage calls this directly (no job of its own per file).
 */
export async function writeReceipt(
  deps: WritebackDeps,
  data: WritebackJob,
  at: number,
): Promise<void> {
  const { messageId, receiptRef, kind, seq, sourceName, ext, negative } = data;
  const rec = await deps.ledger.get(messageId);
  if (!rec) return;
  const ch = channelOf(deps, rec.channel);
  // Written and on the feed already (a receipt fetched again after its job was removed): a file
  // the enterprise has taken from the outbox since must not come back.
  if (await deps.receiptFeed.delivered(ch.name, messageId, seq)) return;
  // A receipt about another drop of the same bytes (a duplicate) is named after that drop.
  const stem =
    sourceName !== undefined && sourceName !== rec.sourceName
      ? stemOf(sourceName)
      : await receiptStemFor(deps, rec);
  const out = deps.receiptForms.render(
    ch.name,
    deps.receiptForms.formOf(ch.name),
    await deps.spool.get(receiptRef),
    ext ?? 'xml',
    {
      channel: ch.name,
      messageId,
      businessKey: rec.businessKey,
      seqNo: rec.seqNo,
      entryId: rec.entryId,
      // A fixed time of the receipt: a retried write renders the same bytes.
      writtenAt: new Date(at),
    },
  );
  const nameFor = (s: string): string => {
    const parts = { stem: s, kind, seq, ext: out.ext };
    // The job's creation time: a re-run after a crash writes the same name.
    return ch.layout === 'imppath'
      ? clientReceiptFileName({
          ...parts,
          negative: negative ?? false,
          at: new Date(at),
        })
      : receiptFileName(parts);
  };
  const bytes = out.bytes;
  let name = nameFor(stem);
  let result = await deps.sink.write(ch.outbox, name, bytes);
  for (const tag of [messageId.slice(0, 12), messageId]) {
    if (result !== 'taken') break;
    const taken = name;
    name = nameFor(`${stem}.${tag}`);
    deps.log.warn(
      { messageId, taken, file: name },
      'outbox name holds another file: not replaced, receipt written under another name / 回执文件名已被占用，未覆盖，改用新文件名',
    );
    result = await deps.sink.write(ch.outbox, name, bytes);
  }
  if (result === 'taken') throw new Error(`no free outbox name for ${name}`);
  if (result === 'written') {
    await deps.ledger.event(messageId, {
      at: Date.now(),
      stage: 'writeback',
      text: `wrote ${name}`,
      refs: { receipt: receiptRef },
    });
    deps.log.info({ messageId, file: name }, 'receipt written / 回执已写出');
  }
  // Also when the file was already there: a crash between writing it and this line must not
  // keep the receipt from the polling API. The feed appends each (message, seq) once.
  await deps.receiptFeed.append(
    ch.name,
    { messageId, fileName: name, kind, receiptRef, writtenAt: at },
    seq,
  );
}
