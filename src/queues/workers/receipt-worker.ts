import { DelayedError, type Job } from 'bullmq';
import { join } from 'node:path';
import { GatewayError } from '../../core/errors.js';
import { jobIdFor } from '../../core/ids.js';
import { PRIVATE_MODES, writeFileAtomic } from '../../core/atomic-file.js';
import { parseReceipt } from '../../receipts/parse.js';
import type { ParsedReceipt } from '../../receipts/receipt.js';
import type { ReceiptDeps } from './processor-deps.js';
import type { ArrivedReceipt, ReceiptJob } from '../names.js';
import { markReceiptDone, receiptKey, receiptsDone } from '../receipt-done.js';
import { earlierPagePending, leaveLane, type ReceiptLane } from '../receipt-lane.js';
import { BUSINESS_KEY_INDEX, ENTRY_ID_INDEX } from '../ledger-port.js';
import { archiveToFailed } from '../outcomes.js';
import { isNegativeStatus } from '../../receipts/status.js';
import { TIMELINE_ONLY_KINDS } from '../../receipts/client-event.js';
import { amendAnswered } from '../amend-tracking.js';
import { writeReceipt } from './writeback-worker.js';

/** Feed (and HTTP polling channel) of receipts that match no message of ours. */
export const ORPHANS_FEED = 'orphans';

/** Receipts that match nothing are retried this often (a key may be bound a moment later). */
const UNMATCHED_ATTEMPTS = 5;

/** Receipt keys that may carry a message's business key (ClientSeqNo, CEB orderNo/copNo...). */
const BUSINESS_KEYS = [
  'clientSeqNo',
  'orderNo',
  'copNo',
  'logisticsNo',
  'invtNo',
  'etpsPreentNo',
  'sourceStem',
  'decModSeqNo',
] as const;

/**
 * Finds the message a receipt answers: by business key (or a manifest bill number, or a 金二
 * pocket_id), then SeqNo, then the 转关单统一编号 (TrnPreId, bound from the import response),
 * then CopMsgId.
 */
async function correlate(deps: ReceiptDeps, r: ParsedReceipt): Promise<string | undefined> {
  const candidates = [
    ...BUSINESS_KEYS.map((k) => r.keys[k]),
    r.keys.billNo ? `bill:${r.keys.billNo}` : undefined,
    r.keys.pocketId ? `pocket:${r.keys.pocketId}` : undefined,
    r.keys.consignNo ? `consign:${r.keys.consignNo}` : undefined,
  ];
  for (const value of candidates) {
    if (!value) continue;
    const id = await deps.ledger.findByKey(BUSINESS_KEY_INDEX, value);
    if (id) return id;
  }
  for (const [kind, value] of [
    ['seqNo', r.keys.seqNo],
    ['trnPreId', r.keys.trnPreId],
    ['copMsgId', r.keys.copMsgId],
  ] as const) {
    if (!value) continue;
    const id = await deps.ledger.findByKey(kind, value);
    if (id) return id;
  }
  return undefined;
}

/**
 * Why a receipt must not be applied to `messageId` although its business key names it: its
 * 统一编号 (SeqNo) is bound to another message, or the message already has another one. Business
 * keys of different messages may legitimately meet in one receipt (a CEB inventory return names
 * its order), a 统一编号 may not. Undefined when the keys agree.
 */
async function keyConflict(
  deps: ReceiptDeps,
  messageId: string,
  r: ParsedReceipt,
): Promise<{ why: string; others: string[] } | undefined> {
  const seqNo = r.keys.seqNo;
  if (!seqNo) return undefined;
  const owner = await deps.ledger.findByKey('seqNo', seqNo);
  if (owner && owner !== messageId)
    return { why: `conflicting keys: seqNo ${seqNo} belongs to ${owner}`, others: [owner] };
  const own = (await deps.ledger.get(messageId))?.seqNo;
  if (own && own !== seqNo)
    return {
      why: `conflicting keys: message already has seqNo ${own}, receipt says ${seqNo}`,
      others: [],
    };
  return undefined;
}

/**
 * receipt: the receipts that arrived together, one after the other in the order they came. Each
 * is applied once (receipt-done.ts): one already done in an earlier run or another batch is
 * skipped. A receipt that fails (Redis gone, or no message matches it yet) does not hold up the
 * others; the job fails after trying them all and its retry runs only the unfinished ones.
 */
export function receiptProcessor(deps: ReceiptDeps) {
  return async (job: Job<ReceiptJob>, token?: string): Promise<void> => {
    const lane =
      'lane' in job.data && job.data.lane && job.id
        ? { redis: deps.redis, prefix: deps.config.redis.prefix, name: job.data.lane }
        : undefined;
    if (lane) await awaitTurn(lane, job, token);
    try {
      await applyAll(deps, job);
    } finally {
      if (lane) await leaveLane(lane, job.id!);
    }
  };
}

/** How long a page waits in the worker for the page before it, then how long in the delayed set. */
const TURN_POLL_MS = 20;
const TURN_WAIT_MS = 2_000;
const TURN_DELAY_MS = 250;

/**
 * Waits while an earlier page of the same feed is still being applied: briefly in the worker (the
 * usual case, a page being worked on next door), then in the delayed set, spending no attempt.
 */
async function awaitTurn(lane: ReceiptLane, job: Job<ReceiptJob>, token?: string): Promise<void> {
  const until = Date.now() + TURN_WAIT_MS;
  while (await earlierPagePending(lane, job.id!)) {
    if (Date.now() > until) {
      await job.moveToDelayed(Date.now() + TURN_DELAY_MS, token);
      throw new DelayedError();
    }
    await new Promise((r) => setTimeout(r, TURN_POLL_MS));
  }
}

/** The receipts of one job in the order they came; each one once (receipt-done.ts). */
async function applyAll(deps: ReceiptDeps, job: Job<ReceiptJob>): Promise<void> {
  const receipts = 'receipts' in job.data ? job.data.receipts : [job.data];
  const keys = receipts.map(receiptKey);
  const done = await receiptsDone(deps, keys);
  let failure: unknown;
  for (const [i, r] of receipts.entries()) {
    if (done[i]) continue;
    try {
      await applyReceipt(deps, r, job);
      await markReceiptDone(deps, keys[i]!);
    } catch (err) {
      if (receipts.length > 1)
        deps.log.debug(
          { fileName: r.fileName, source: r.source, jobId: job.id, err },
          'receipt of a batch failed, retried with the batch / 批内回执处理失败，随批次重试',
        );
      failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
}

/**
 * One receipt: parse, correlate by business key, advance the status machine (never backwards),
 * and write the receipt back (outbox file and feed). Idempotent: a re-run after a crash advances
 * nothing twice (receiptSeq) and writes the same file under the same name.
 */
async function applyReceipt(
  deps: ReceiptDeps,
  r: ArrivedReceipt,
  job: Pick<Job, 'attemptsMade' | 'timestamp'>,
): Promise<void> {
  const { receiptRef, fileName, source, forMessage } = r;
  const bytes = await deps.spool.get(receiptRef);
  let parsed: ParsedReceipt;
  try {
    parsed = parseReceipt(bytes, fileName);
  } catch (err) {
    await park(
      deps,
      fileName,
      bytes,
      err instanceof GatewayError ? err.message : String(err),
      receiptRef,
    );
    return;
  }
  // A receipt returned in the same exchange as a send answers that message when its keys say nothing.
  const messageId = (await correlate(deps, parsed)) ?? forMessage;
  const timelineOnly = TIMELINE_ONLY_KINDS.has(parsed.kind);
  if (!messageId) {
    if (job.attemptsMade + 1 < UNMATCHED_ATTEMPTS) {
      throw new GatewayError('GW_ERR_RECEIPT_UNMATCHED', {
        where: fileName,
        zh: JSON.stringify(parsed.keys),
        en: JSON.stringify(parsed.keys),
      });
    }
    // A client event about a file that is not ours (another tool shares the client) is no receipt.
    if (timelineOnly)
      deps.log.debug(
        { fileName, source },
        'client event for a file of no message of ours / 非本网关报文的客户端事件',
      );
    else
      await park(
        deps,
        fileName,
        bytes,
        `no message matches ${JSON.stringify(parsed.keys)}`,
        receiptRef,
      );
    return;
  }
  if (timelineOnly) {
    await deps.ledger.event(messageId, {
      at: Date.now(),
      stage: 'receipt',
      text: parsed.text,
      code: parsed.code,
    });
    if (parsed.kind === 'client-overdue') deps.log.error({ messageId, source }, parsed.text);
    return;
  }
  const conflict = await keyConflict(deps, messageId, parsed);
  if (conflict) {
    for (const id of [messageId, ...conflict.others]) {
      await deps.ledger.event(id, {
        at: Date.now(),
        stage: 'receipt',
        text: `receipt ${fileName} not applied: ${conflict.why}`,
        code: 'GW_ERR_RECEIPT_KEY_CONFLICT',
      });
    }
    deps.log.error(
      { fileName, messageId, others: conflict.others, why: conflict.why },
      'receipt keys point to different messages: not applied, kept in orphans/ / 回执关联编号互相矛盾，未应用，已存入 orphans 目录',
    );
    await park(deps, fileName, bytes, conflict.why, receiptRef);
    return;
  }
  if (parsed.kind !== 'import-response') await deps.receiptSla.answered(messageId);
  const { seq, isNew } = await deps.ledger.receiptSeq(messageId, receiptRef.slice(7));
  // Numbered before is not applied before: a failure or crash between numbering the receipt and
  // advancing the status is re-run here, found by the status event that names the receipt.
  const applied = !isNew && (await appliedBefore(deps, messageId, receiptRef));
  if (!applied) {
    // bindKey is the atomic check: a 统一编号 bound to another message meanwhile is not taken over.
    if (parsed.keys.seqNo && !(await deps.ledger.bindKey('seqNo', parsed.keys.seqNo, messageId))) {
      await deps.ledger.set(messageId, { seqNo: parsed.keys.seqNo });
    }
    if (parsed.keys.entryId) {
      await deps.ledger.set(messageId, { entryId: parsed.keys.entryId });
      await deps.ledger.setKeys(ENTRY_ID_INDEX, [parsed.keys.entryId], messageId);
    }
    // The 转关单统一编号 of a transit declaration: recorded, and a key TRN_RESULT receipts match on.
    if (
      parsed.keys.trnPreId &&
      !(await deps.ledger.bindKey('trnPreId', parsed.keys.trnPreId, messageId))
    ) {
      await deps.ledger.set(messageId, { trnPreId: parsed.keys.trnPreId });
    }
    // 代理报关委托: the counter-party's confirmation names the agreement only by its 委托编号.
    if (parsed.kind === 'agr-response' && parsed.keys.consignNo)
      await deps.ledger.bindKey(BUSINESS_KEY_INDEX, `consign:${parsed.keys.consignNo}`, messageId);
    const status = await deps.ledger.advance(messageId, parsed.status, {
      stage: 'receipt',
      text: `${parsed.kind} ${parsed.code} ${parsed.text}`.trim(),
      code: parsed.code,
      refs: { receipt: receiptRef },
    });
    deps.log.info(
      { messageId, kind: parsed.kind, code: parsed.code, status, source },
      `receipt / 回执: ${parsed.text}`,
    );
    const rec = await deps.ledger.get(messageId);
    if (rec?.amendOf) await amendAnswered(deps, rec, parsed);
    if (isNegativeStatus(status)) await archiveToFailed(deps, messageId);
  } else if (isNegativeStatus((await deps.ledger.get(messageId))?.status ?? 'sent')) {
    // Applied, but the run may have ended before the file moved to failed/ (a no-op if it did).
    await archiveToFailed(deps, messageId);
  }
  // Written here rather than through a job of its own: half the queue work per receipt, and
  // as idempotent (a re-run of this job renders the same bytes under the same name).
  await writeReceipt(
    deps,
    {
      messageId,
      receiptRef,
      kind: parsed.kind,
      seq,
      ...(parsed.negative ? { negative: true } : {}),
    },
    job.timestamp,
  );
}

/** Whether the status was advanced by this receipt already (its event names the receipt). */
async function appliedBefore(
  deps: ReceiptDeps,
  messageId: string,
  receiptRef: ArrivedReceipt['receiptRef'],
): Promise<boolean> {
  const events = await deps.ledger.events(messageId);
  return events.some((e) => e.stage === 'receipt' && e.refs?.receipt === receiptRef);
}

/**
 * Keeps a receipt nobody claims (e.g. for a declaration made in the Single Window web UI, arriving
 * through the DECSUB subscription) in `<dataDir>/orphans/` and on the `orphans` feed of the
 * polling API, so an operator or a legacy system can pick it up; never drops it.
 */
async function park(
  deps: ReceiptDeps,
  fileName: string | undefined,
  bytes: Buffer,
  why: string,
  receiptRef: ArrivedReceipt['receiptRef'],
): Promise<void> {
  const base =
    String(fileName ?? '')
      .split(/[/\\]/)
      .pop() ?? '';
  const safe =
    base
      .replace(/[^\p{L}\p{N}._-]/gu, '_')
      .replace(/^\.+/, '')
      .slice(0, 150) || 'receipt';
  const name = `${receiptRef.slice('sha256:'.length, 'sha256:'.length + 12)}-${safe}`;
  await writeFileAtomic(join(deps.config.dataDir, 'orphans', name), bytes, PRIVATE_MODES);
  await deps.receiptFeed.append(ORPHANS_FEED, {
    messageId: '',
    fileName: name,
    kind: 'orphan',
    receiptRef,
  });
  deps.log.warn(
    { fileName, why, file: name },
    'receipt matches no message: kept in orphans/ / 回执无法对应到报文，已存入 orphans 目录',
  );
}
