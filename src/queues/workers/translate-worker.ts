import type { Job } from 'bullmq';
import { GatewayError, toGatewayError } from '../../core/errors.js';
import { jobIdFor } from '../../core/ids.js';
import { isTerminal } from '../../receipts/status.js';
import { channelOf, type PipelineDeps } from '../deps.js';
import type { MessageJob } from '../names.js';
import { failMessage } from '../outcomes.js';

/** translate: document -> standard message; binds the business key; enqueues sign. */
export function translateProcessor(deps: PipelineDeps) {
  return async (job: Job<MessageJob>): Promise<void> => {
    const { messageId } = job.data;
    const rec = await deps.ledger.get(messageId);
    if (!rec) return;
    const log = deps.log.child({ messageId, stage: 'translate', file: rec.sourceName });
    if (isTerminal(rec.status)) return;
    if (rec.messageRef) {
      // Done before a crash or a re-delivered job: make sure the next stage is queued, nothing else.
      await deps.queues.add('sign', jobIdFor(messageId, 'sign'), { messageId }, channelOf(deps, rec.channel).signer);
      return;
    }
    const ch = channelOf(deps, rec.channel);
    const translator = deps.translators.get(ch.translator)!;
    try {
      const bytes = await deps.spool.get(rec.docRef);
      const msg = translator.translate(bytes, { channel: ch.name, fileName: rec.sourceName });
      const other = await deps.ledger.bindKey(`${ch.name}:clientSeqNo`, msg.businessKey, messageId);
      if (other) {
        throw new GatewayError('GW_ERR_TRANSLATE_FIELD', {
          where: `${rec.sourceName}, ClientSeqNo`,
          field: 'ClientSeqNo',
          zh: `ClientSeqNo ${msg.businessKey} 已被另一份报文（${other}）使用`,
          en: `ClientSeqNo ${msg.businessKey} is already used by another message (${other})`,
          fixZh: '每份报关单使用新的 ClientSeqNo；重发同一报关单请重新投递原文件',
          fixEn: 'give every declaration its own ClientSeqNo; to resend one, drop the original file again',
        });
      }
      const messageRef = await deps.spool.put(msg.xml);
      await deps.ledger.set(messageId, { messageRef, businessKey: msg.businessKey });
      await deps.ledger.advance(messageId, 'translated', { stage: 'translate', text: `${msg.messageType} ClientSeqNo=${msg.businessKey}` });
      await deps.queues.add('sign', jobIdFor(messageId, 'sign'), { messageId }, channelOf(deps, rec.channel).signer);
      log.info({ businessKey: msg.businessKey }, 'translated / 已转换');
    } catch (err) {
      const gwErr = toGatewayError(err);
      if (gwErr.transient) throw gwErr;
      await failMessage(deps, messageId, gwErr, 'failed', 'translate');
    }
  };
}
