import type { Job } from 'bullmq';
import { GatewayError, toGatewayError } from '../../core/errors.js';
import { channelOf, type PipelineDeps } from '../deps.js';
import type { MessageJob } from '../names.js';
import { failMessage } from '../outcomes.js';
import { queueReceipt } from '../queue-receipt.js';
import { mayRetry } from '../retry-policy.js';
import { BUSINESS_KEY_INDEX } from '../ledger.js';

/**
 * deliver: one attempt per job run; BullMQ re-runs the job on the configured schedule. The
 * business key is the idempotency key, so a resend after a crash is recognisable on the far side.
 */
export function deliverProcessor(deps: PipelineDeps) {
  return async (job: Job<MessageJob>): Promise<void> => {
    const { messageId } = job.data;
    const rec = await deps.ledger.get(messageId);
    if (!rec?.deliverRef || !rec.businessKey) return;
    // Its own marker, not the status: receipts from the feed can move the status past 'sent'
    // before a re-run of this job (after a crash) has queued the send's own response.
    if (rec.deliveredAt) return;
    if (!(await deps.ledger.beginSend(messageId))) return; // cancelled by an operator
    const ch = channelOf(deps, rec.channel);
    const transport = deps.transports.get(ch.transport)!;
    const log = deps.log.child({ messageId, stage: 'deliver', attempt: job.attemptsMade + 1 });
    try {
      const ack = await transport.send(
        {
          messageId,
          businessKey: rec.businessKey,
          messageType: rec.messageType ?? ch.messageType,
          fileName: rec.sourceName,
          bytes: await deps.spool.get(rec.deliverRef),
          module: ch.module,
        },
        { idempotencyKey: `${ch.name}:${rec.businessKey}` },
      );
      for (const key of ack.correlationKeys ?? []) await deps.ledger.bindKey(BUSINESS_KEY_INDEX, key, messageId);
      if (ack.receipt) await queueReceipt(deps, ack.receipt, transport.name, `${rec.sourceName}.response`);
      await deps.ledger.set(messageId, { deliveredAt: Date.now() });
      await deps.receiptSla.expect(messageId, Date.now() + ch.receiptSlaMs);
      await deps.ledger.advance(messageId, 'sent', { stage: 'deliver', text: `delivered via ${transport.name}: ${ack.reference}` });
      log.info('delivered / 已发送');
    } catch (err) {
      await deps.ledger.endSend(messageId);
      const gwErr = toGatewayError(err);
      const attemptsMade = job.attemptsMade + 1;
      const age = Date.now() - rec.createdAt;
      if (!gwErr.transient) {
        await failMessage(deps, messageId, gwErr, 'failed', 'deliver');
        return;
      }
      if (!mayRetry(deps.config.retry.delaysMs, attemptsMade, age, deps.config.retry.maxAgeMs)) {
        const dead = new GatewayError('GW_ERR_DELIVER_EXHAUSTED', [
          { zh: `共尝试 ${attemptsMade} 次，最后错误：${gwErr.details[0]?.zh ?? gwErr.code}`, en: `${attemptsMade} attempts; last error: ${gwErr.message}` },
        ]);
        await failMessage(deps, messageId, dead, 'dead', 'deliver');
        return;
      }
      await deps.ledger.event(messageId, { at: Date.now(), stage: 'deliver', text: `attempt ${attemptsMade} failed: ${gwErr.message}`, code: gwErr.code });
      log.warn({ code: gwErr.code }, 'delivery failed, will retry / 发送失败，稍后重试');
      throw gwErr;
    }
  };
}
