import type { Job } from 'bullmq';
import { GatewayError, toGatewayError } from '../../core/errors.js';
import { jobIdFor, messageIdFor } from '../../core/ids.js';
import { isTerminal } from '../../receipts/status.js';
import { translateAll } from '../../translators/translator.js';
import type { StandardMessage } from '../../translators/translator.js';
import type { ResolvedChannel } from '../../config/resolve.js';
import { channelOf } from '../deps.js';
import type { TranslateDeps } from './processor-deps.js';
import { BUSINESS_KEY_INDEX, type MessageRecord } from '../ledger-port.js';
import type { MessageJob } from '../names.js';
import { failMessage } from '../outcomes.js';
import { MemoryBudget, parseCostOf } from '../memory-budget.js';
import { amendRequested, findSentMessage } from '../amend-tracking.js';
import { inProcessSigner, signTranslated } from './fused-sign.js';
import type { SignSubject } from './sign-message.js';

/** Binds the message's ClientSeqNo; a second document may not reuse one. */
async function bindBusinessKey(
  deps: TranslateDeps,
  rec: MessageRecord,
  msg: StandardMessage,
  id: string,
): Promise<void> {
  const other = await deps.ledger.bindKey(BUSINESS_KEY_INDEX, msg.businessKey, id);
  if (other) {
    throw new GatewayError('GW_ERR_TRANSLATE_FIELD', {
      where: `${rec.sourceName}, ClientSeqNo`,
      field: 'ClientSeqNo',
      zh: `ClientSeqNo ${msg.businessKey} 已被另一份报文（${other}）使用`,
      en: `ClientSeqNo ${msg.businessKey} is already used by another message (${other})`,
      fixZh: '每份报关单使用新的 ClientSeqNo；重发同一报关单请重新投递原文件',
      fixEn:
        'give every declaration its own ClientSeqNo; to resend one, drop the original file again',
    });
  }
}

/** Queues the sign job: the sign stage signs the message, or only queues its delivery if signed. */
function queueSign(deps: TranslateDeps, id: string, ch: ResolvedChannel): Promise<void> {
  return deps.queues.add('sign', jobIdFor(id, 'sign'), { messageId: id }, ch.signer);
}

/**
 * Records one translated message, then signs it right away with an in-process soft key
 * (fused-sign.ts) or queues its signing.
 */
async function forward(
  deps: TranslateDeps,
  id: string,
  msg: StandardMessage,
  ch: ResolvedChannel,
  subject: Omit<SignSubject, 'messageType'>,
): Promise<void> {
  if (msg.correlationKeys?.length)
    await deps.ledger.setKeys(BUSINESS_KEY_INDEX, msg.correlationKeys, id);
  // On record even when signed at once: the console shows it and amendments read it back.
  const messageRef = await deps.spool.put(msg.xml);
  await deps.ledger.set(id, {
    messageRef,
    businessKey: msg.businessKey,
    messageType: msg.messageType,
  });
  await deps.ledger.advance(id, 'translated', {
    stage: 'translate',
    text: `${msg.messageType} ClientSeqNo=${msg.businessKey}`,
    refs: { message: messageRef },
  });
  if (msg.amends) await amendRequested(deps, id, msg.amends, msg.businessKey);
  const signer = inProcessSigner(deps, ch);
  if (!signer) return queueSign(deps, id, ch);
  await signTranslated(deps, id, { ...subject, messageType: msg.messageType }, ch, signer, msg.xml);
}

/**
 * translate: document -> standard message(s). A document over the item limit may become several
 * declarations (split mode): each part is a message of its own, id derived from the document's
 * and its part number, so a re-run after a crash lands on the same parts.
 */
export function translateProcessor(deps: TranslateDeps) {
  const { memoryBudgetMb, ...inputLimits } = deps.config.limits;
  // Translation takes half of the memory budget; the rest is the process itself and other stages.
  const budget = new MemoryBudget((memoryBudgetMb * 1024 * 1024) / 2);
  return async (job: Job<MessageJob>): Promise<void> => {
    const { messageId } = job.data;
    const rec = await deps.ledger.get(messageId);
    if (!rec || isTerminal(rec.status)) return;
    const ch = channelOf(deps, rec.channel);
    // Done before a crash or a re-delivered job: make sure the next stage is queued, nothing else.
    // A split whose parent is still `received` was cut short: translate again, skip done parts.
    if (rec.messageRef) return queueSign(deps, messageId, ch);
    if (rec.parts && rec.status !== 'received') {
      for (const id of rec.parts.split(',')) await queueSign(deps, id, ch);
      return;
    }
    const log = deps.log.child({ messageId, stage: 'translate', file: rec.sourceName });
    try {
      const docBytes = await deps.spool.get(rec.docRef);
      const release = await budget.acquire(parseCostOf(docBytes));
      let msgs: readonly StandardMessage[];
      try {
        msgs = await translateAll(
          deps.translators.get(ch.name)!,
          docBytes,
          {
            channel: ch.name,
            fileName: rec.sourceName,
            findSent: (ref) => findSentMessage(deps, ref),
          },
          inputLimits,
        );
      } finally {
        release();
      }
      if (msgs.length === 1) {
        await bindBusinessKey(deps, rec, msgs[0]!, messageId);
        await forward(deps, messageId, msgs[0]!, ch, rec);
        log.info({ businessKey: msgs[0]!.businessKey }, 'translated / 已转换');
        return;
      }
      const ids = msgs.map((_, i) =>
        messageIdFor(ch.name, Buffer.concat([docBytes, Buffer.from(`#part${i + 1}`)])),
      );
      for (const [i, msg] of msgs.entries()) await bindBusinessKey(deps, rec, msg, ids[i]!);
      await deps.ledger.set(messageId, { parts: ids.join(',') });
      for (const [i, msg] of msgs.entries()) {
        const created = await deps.ledger.create({
          id: ids[i]!,
          channel: ch.name,
          sourceName: rec.sourceName,
          docRef: rec.docRef,
          createdAt: Date.now(),
          partOf: messageId,
          part: i + 1,
        });
        const part = created ? undefined : await deps.ledger.get(ids[i]!);
        if (part?.messageRef) await queueSign(deps, ids[i]!, ch);
        else await forward(deps, ids[i]!, msg, ch, { sourceName: rec.sourceName });
      }
      await deps.ledger.advance(messageId, 'translated', {
        stage: 'translate',
        text: `split into ${msgs.length} declarations: ${msgs.map((m) => m.businessKey).join(', ')}`,
      });
      log.info({ parts: msgs.length }, 'translated and split / 已转换并拆分');
    } catch (err) {
      const gwErr = toGatewayError(err);
      if (gwErr.transient) throw gwErr;
      await failMessage(deps, messageId, gwErr, 'failed', 'translate');
    }
  };
}
