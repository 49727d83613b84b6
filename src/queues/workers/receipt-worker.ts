import type { Job } from 'bullmq';
import { join } from 'node:path';
import { GatewayError } from '../../core/errors.js';
import { jobIdFor } from '../../core/ids.js';
import { writeFileAtomic } from '../../core/atomic-file.js';
import { parseReceipt } from '../../receipts/parse.js';
import type { ParsedReceipt } from '../../receipts/receipt.js';
import type { PipelineDeps } from '../deps.js';
import type { ReceiptJob } from '../names.js';
import { BUSINESS_KEY_INDEX } from '../ledger.js';
import { archiveToFailed } from '../outcomes.js';
import { isNegativeStatus } from '../../receipts/status.js';

/** Receipts that match nothing are retried this often (a key may be bound a moment later). */
const UNMATCHED_ATTEMPTS = 5;

/** Receipt keys that may carry a message's business key (ClientSeqNo, CEB orderNo/copNo...). */
const BUSINESS_KEYS = ['clientSeqNo', 'orderNo', 'copNo', 'logisticsNo', 'invtNo', 'etpsPreentNo', 'sourceStem'] as const;

/**
 * Finds the message a receipt answers: by business key (or a manifest bill number), then SeqNo,
 * then CopMsgId.
 */
async function correlate(deps: PipelineDeps, r: ParsedReceipt): Promise<string | undefined> {
  const candidates = [...BUSINESS_KEYS.map((k) => r.keys[k]), r.keys.billNo ? `bill:${r.keys.billNo}` : undefined];
  for (const value of candidates) {
    if (!value) continue;
    const id = await deps.ledger.findByKey(BUSINESS_KEY_INDEX, value);
    if (id) return id;
  }
  for (const [kind, value] of [['seqNo', r.keys.seqNo], ['copMsgId', r.keys.copMsgId]] as const) {
    if (!value) continue;
    const id = await deps.ledger.findByKey(kind, value);
    if (id) return id;
  }
  return undefined;
}

/**
 * receipt: parse, correlate by business key, advance the status machine (never backwards), and
 * queue the write-back. Idempotent by the receipt's content hash.
 */
export function receiptProcessor(deps: PipelineDeps) {
  return async (job: Job<ReceiptJob>): Promise<void> => {
    const { receiptRef, fileName, source } = job.data;
    const bytes = await deps.spool.get(receiptRef);
    let parsed: ParsedReceipt;
    try {
      parsed = parseReceipt(bytes, fileName);
    } catch (err) {
      await park(deps, fileName, bytes, err instanceof GatewayError ? err.message : String(err));
      return;
    }
    const messageId = await correlate(deps, parsed);
    if (!messageId) {
      if (job.attemptsMade + 1 < UNMATCHED_ATTEMPTS) {
        throw new GatewayError('GW_ERR_RECEIPT_UNMATCHED', { where: fileName, zh: JSON.stringify(parsed.keys), en: JSON.stringify(parsed.keys) });
      }
      await park(deps, fileName, bytes, `no message matches ${JSON.stringify(parsed.keys)}`);
      return;
    }
    if (parsed.kind !== 'import-response') await deps.receiptSla.answered(messageId);
    const { seq, isNew } = await deps.ledger.receiptSeq(messageId, receiptRef.slice(7));
    if (isNew) {
      if (parsed.keys.seqNo) {
        await deps.ledger.bindKey('seqNo', parsed.keys.seqNo, messageId);
        await deps.ledger.set(messageId, { seqNo: parsed.keys.seqNo });
      }
      if (parsed.keys.entryId) await deps.ledger.set(messageId, { entryId: parsed.keys.entryId });
      const status = await deps.ledger.advance(messageId, parsed.status, {
        stage: 'receipt',
        text: `${parsed.kind} ${parsed.code} ${parsed.text}`.trim(),
        code: parsed.code,
      });
      deps.log.info({ messageId, kind: parsed.kind, code: parsed.code, status, source }, `receipt / 回执: ${parsed.text}`);
      if (isNegativeStatus(status)) await archiveToFailed(deps, messageId);
    }
    await deps.queues.add('writeback', jobIdFor(messageId, 'writeback', String(seq)), { messageId, receiptRef, kind: parsed.kind, seq });
  };
}

/** Keeps a receipt nobody claims, so an operator can look at it; never drops it. */
async function park(deps: PipelineDeps, fileName: string, bytes: Buffer, why: string): Promise<void> {
  const safe = fileName.replace(/[^\p{L}\p{N}._-]/gu, '_').replace(/^\.+/, '') || 'receipt';
  await writeFileAtomic(join(deps.config.dataDir, 'unmatched', `${Date.now()}-${safe}`), bytes);
  deps.log.warn({ fileName, why }, 'receipt parked in unmatched/ / 回执无法对应，已存入 unmatched 目录');
}
