import { jobIdFor } from '../core/ids.js';
import type { MessageRecord } from './ledger-port.js';
import type { DepsOf, OperatorDeps } from './deps.js';
import { archiveToFailed, emitGatewayReceipt } from './outcomes.js';
import { operatorRefusal } from '../core/operator-refusal.js';

/** The deliver job of a message; a re-opened message gets a fresh id so BullMQ runs it again. */
export function deliverJobId(messageId: string, generation?: number): string {
  return generation
    ? jobIdFor(messageId, 'deliver', `g${generation}`)
    : jobIdFor(messageId, 'deliver');
}

/** Statuses an operator may send again: the gateway gave up, customs never answered no. */
export const RETRYABLE = new Set(['dead']);

/**
 * Tries a dead message again with the same signed bytes and business key (customs correlates on
 * it, so it is never regenerated): status back to 'signed', a new delivery with a full schedule.
 */
export async function retryMessage(
  deps: DepsOf<'ledger' | 'queues'>,
  rec: MessageRecord,
  who: string,
): Promise<void> {
  if (!RETRYABLE.has(rec.status) || !rec.deliverRef) {
    throw operatorRefusal(
      `message ${rec.id} is ${rec.status}; only dead messages can be retried / 仅可重发状态为 dead 的报文`,
      `message ${rec.id}`,
    );
  }
  const generation = await deps.ledger.reopen(rec.id, 'signed', `retry requested by ${who}`);
  await deps.queues.add('deliver', deliverJobId(rec.id, generation), { messageId: rec.id });
}

/** Why a cancel was refused, for the operator. */
const CANCEL_REFUSED = {
  sent: 'already delivered to customs: ask customs to delete it (删单) / 已送达海关，请向海关申请删单',
  sending: 'a send is under way right now; try again in a moment / 正在发送，请稍后再试',
  ended: 'the message has already ended / 报文已结束',
  missing: 'no such message / 报文不存在',
} as const;

/**
 * Stops a message that has not gone out: status 'cancelled' (final), a 'cancelled' receipt in the
 * outbox so the enterprise hears of it, and the source moved to failed/. Refused once a send
 * has started or finished: then only customs can delete the declaration.
 */
export async function cancelMessage(
  deps: OperatorDeps,
  rec: MessageRecord,
  who: string,
): Promise<void> {
  const result = await deps.ledger.cancel(rec.id, `cancelled by ${who}`);
  if (result !== 'cancelled') throw operatorRefusal(CANCEL_REFUSED[result], `message ${rec.id}`);
  await emitGatewayReceipt(deps, {
    kind: 'cancelled',
    messageId: rec.id,
    channel: rec.channel,
    sourceFile: rec.sourceName,
    status: 'cancelled',
    code: 'GW_CANCELLED',
    zh: `操作员已撤销，未发送（${who}）`,
    en: `cancelled by the operator before sending (${who})`,
    details: [],
    time: new Date(),
  });
  await archiveToFailed(deps, rec.id);
}
