import { GatewayError } from '../core/errors.js';
import { jobIdFor, messageIdFor } from '../core/ids.js';
import type { AcceptOutcome, InboundDocument, IntakeHandler } from '../gateway/intake.js';
import type { OperatorDeps } from './deps.js';
import { archiveToFailed, emitGatewayReceipt, failMessage } from './outcomes.js';
import { RETRYABLE, retryMessage } from './operator.js';

/**
 * Turns a complete inbound document into a message: spool (durable), ledger record, translate job.
 * A re-drop of identical bytes maps to the existing message and is reported, never sent twice; the
 * same file whose record exists but was never archived is a crash recovery and simply continues.
 */
export function createIntakeHandler(deps: OperatorDeps): IntakeHandler {
  return {
    async accept(doc: InboundDocument): Promise<AcceptOutcome> {
      const messageId = messageIdFor(doc.channel, doc.bytes);
      const docRef = await deps.spool.put(doc.bytes);
      const created = await deps.ledger.create({
        id: messageId,
        channel: doc.channel,
        sourceName: doc.name,
        docRef,
        createdAt: Date.now(),
      });
      if (!created) {
        const rec = await deps.ledger.get(messageId);
        if (rec && RETRYABLE.has(rec.status)) {
          // Dropping a dead message again is how an operator without the CLI says "send it again".
          await retryMessage(deps, rec, `re-drop of ${doc.name}`);
          deps.log.info(
            { messageId, file: doc.name },
            'dead message dropped again: retrying / 重新投递，开始重发',
          );
          return { kind: 'accepted', messageId };
        }
        // A copy under another name is a duplicate even while its original is still being taken
        // (intake takes several files at once): only the same file offered again (after a crash,
        // before it was archived) continues as the message.
        if (rec?.archivedAs || (rec && rec.sourceName !== doc.name)) {
          await deps.ledger.event(messageId, {
            at: Date.now(),
            stage: 'intake',
            text: `duplicate drop of ${doc.name} ignored`,
          });
          await emitGatewayReceipt(deps, {
            kind: 'duplicate',
            messageId,
            channel: doc.channel,
            sourceFile: doc.name,
            status: rec.status,
            code: 'GW_DUPLICATE',
            zh: `与已接收的文件 ${rec.sourceName} 内容相同，未重复发送（当前状态：${rec.status}）`,
            en: `identical to ${rec.sourceName}, already received; not sent again (status: ${rec.status})`,
            details: [],
            time: new Date(),
          });
          deps.log.info(
            { messageId, file: doc.name, original: rec.sourceName },
            'duplicate document, not sent again / 重复文件，未再次发送',
          );
          return { kind: 'duplicate', messageId };
        }
      }
      await deps.queues.add('translate', jobIdFor(messageId, 'translate'), { messageId });
      deps.log.info(
        { messageId, channel: doc.channel, file: doc.name, bytes: doc.bytes.length },
        'accepted / 已接收',
      );
      return { kind: 'accepted', messageId };
    },

    async refuse(doc: InboundDocument, error: GatewayError): Promise<AcceptOutcome> {
      // Refused files are named by channel + name + bytes: an empty file has no content to hash.
      const messageId = messageIdFor(
        doc.channel,
        Buffer.concat([Buffer.from(`${doc.name}\0`), doc.bytes]),
      );
      const docRef = await deps.spool.put(doc.bytes);
      await deps.ledger.create({
        id: messageId,
        channel: doc.channel,
        sourceName: doc.name,
        docRef,
        createdAt: Date.now(),
      });
      await failMessage(deps, messageId, error, 'failed', 'intake');
      return { kind: 'rejected', messageId };
    },

    async archived(messageId: string, path: string, kind?: AcceptOutcome['kind']): Promise<void> {
      if (kind === 'duplicate') {
        // The message's own file stays where it is: a 退单 later must move that one to failed/.
        await deps.ledger.event(messageId, {
          at: Date.now(),
          stage: 'intake',
          text: `duplicate copy archived as ${path}`,
        });
        return;
      }
      await deps.ledger.set(messageId, { archivedAs: path });
      // A stage may have failed the message before the file left the inbox: move it on now.
      await archiveToFailed(deps, messageId);
    },
  };
}
