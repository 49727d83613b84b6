/**
 * 修撤单 (modification / withdrawal) in the ledger: finding the declaration a request names, and
 * moving that declaration's 修撤状态 (`amendStatus`) as the request goes out and its
 * HzApprovalResult comes back:
 *
 *   modify-pending 修改审批中 / withdraw-pending 撤销审批中 → modified 已修改 | withdrawn 已撤销 | refused 驳回
 *
 * An approved withdrawal also ends the declaration itself as `cancelled` (删单). Each move is a
 * timeline event on the declaration, naming the request.
 */
import type { ParsedReceipt } from '../receipts/receipt.js';
import type { SentMessage } from '../translators/translator.js';
import type { DepsOf } from './deps.js';
import { BUSINESS_KEY_INDEX, type MessageRecord } from './ledger-port.js';

export type AmendStatus =
  'modify-pending' | 'withdraw-pending' | 'modified' | 'withdrawn' | 'refused';

/** Chinese names of the 修撤 states, for timelines and `eport status`. */
export const AMEND_STATUS_ZH: Readonly<Record<AmendStatus, string>> = {
  'modify-pending': '修改审批中',
  'withdraw-pending': '撤销审批中',
  modified: '已修改',
  withdrawn: '已撤销',
  refused: '驳回',
};

/** The sent DecMessage a ClientSeqNo, 统一编号 or message id names; undefined when none was built. */
export async function findSentMessage(
  deps: DepsOf<'ledger' | 'spool'>,
  ref: string,
): Promise<SentMessage | undefined> {
  let id: string | null = /^[0-9a-f]{32}$/.test(ref) ? ref : null;
  id ??= await deps.ledger.findByKey(BUSINESS_KEY_INDEX, ref);
  id ??= await deps.ledger.findByKey('seqNo', ref);
  if (!id) return undefined;
  const rec = await deps.ledger.get(id);
  if (!rec?.messageRef || !rec.businessKey) return undefined;
  const xml = (await deps.spool.get(rec.messageRef)).toString('utf8');
  return {
    messageId: rec.id,
    xml,
    clientSeqNo: rec.businessKey,
    ...(rec.seqNo ? { seqNo: rec.seqNo } : {}),
    ...(rec.entryId ? { entryId: rec.entryId } : {}),
  };
}

async function move(
  deps: DepsOf<'ledger'>,
  declarationId: string,
  status: AmendStatus,
  text: string,
  code?: string,
): Promise<void> {
  await deps.ledger.set(declarationId, { amendStatus: status });
  await deps.ledger.event(declarationId, {
    at: Date.now(),
    stage: 'amend',
    text: `${AMEND_STATUS_ZH[status]} / ${status}: ${text}`,
    ...(code ? { code } : {}),
  });
}

/** The request was built: the declaration is now awaiting approval. */
export async function amendRequested(
  deps: DepsOf<'ledger'>,
  requestId: string,
  amends: { messageId: string; type: 'modify' | 'withdraw' },
  businessKey: string,
): Promise<void> {
  await deps.ledger.set(requestId, { amendOf: amends.messageId, amendType: amends.type });
  await move(
    deps,
    amends.messageId,
    amends.type === 'modify' ? 'modify-pending' : 'withdraw-pending',
    `修撤单 ${businessKey} (message ${requestId})`,
  );
}

/**
 * A receipt for a 修撤单 arrived (already applied to the request itself): carry its verdict over
 * to the declaration. Only HzApprovalResult decides; import responses and envelope answers do not.
 */
export async function amendAnswered(
  deps: DepsOf<'ledger'>,
  request: MessageRecord,
  parsed: ParsedReceipt,
): Promise<void> {
  if (!request.amendOf || parsed.kind !== 'hz-approval') return;
  const target = request.amendOf;
  const what = `修撤单 ${request.businessKey ?? request.id}: ${parsed.code} ${parsed.text}`.trim();
  if (parsed.negative) {
    await move(deps, target, 'refused', what, parsed.code);
    return;
  }
  if (request.amendType === 'withdraw') {
    await move(deps, target, 'withdrawn', what, parsed.code);
    await deps.ledger.advance(target, 'cancelled', {
      stage: 'amend',
      text: `已撤销（删单）/ withdrawn by ${request.businessKey ?? request.id}`,
      code: parsed.code,
    });
    return;
  }
  await move(deps, target, 'modified', what, parsed.code);
}
