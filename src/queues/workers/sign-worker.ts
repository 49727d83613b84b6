import type { Job } from 'bullmq';
import { isSignerFatal, toGatewayError } from '../../core/errors.js';
import { deliverJobId } from '../operator.js';
import { isTerminal } from '../../receipts/status.js';
import { signEnveloped } from '../../signing/xmldsig.js';
import { signEnveloping } from '../../signing/xmldsig-enveloping.js';
import { wrapDxp } from '../../signing/dxp-envelope.js';
import { channelOf } from '../deps.js';
import type { SignDeps } from './processor-deps.js';
import type { MessageJob } from '../names.js';
import { failMessage } from '../outcomes.js';

/** Errors that say the signer cannot sign anything right now, whatever the message. */
/** sign: enveloped XML-DSig with the channel's signer, then the DxpMsg envelope when configured. */
export function signProcessor(deps: SignDeps) {
  return async (job: Job<MessageJob>): Promise<void> => {
    const { messageId } = job.data;
    const rec = await deps.ledger.get(messageId);
    if (!rec?.messageRef || isTerminal(rec.status)) return;
    if (rec.deliverRef) {
      await deps.queues.add('deliver', deliverJobId(messageId, rec.generation), { messageId });
      return;
    }
    const ch = channelOf(deps, rec.channel);
    const signer = deps.signers.get(ch.signer)!;
    try {
      const xml = (await deps.spool.get(rec.messageRef)).toString('utf8');
      const { algorithm, uris: preset, ...overrides } = ch.signature;
      const uris = { preset, ...overrides };
      // signer: client — the Single Window client signs with its own card; the message goes as it is.
      // 金二 envelope signature: the customs-side Signature/Object/Package form (enveloping).
      const enveloping = ch.jin2?.envelope === 'signature' && signer.kind !== 'client';
      const signed =
        signer.kind === 'client'
          ? xml
          : enveloping
            ? await signEnveloping(xml, signer, {
                algorithm,
                uris,
                objectId: ch.jin2!.objectId,
                keyInfo: ch.jin2!.keyInfo,
              })
            : await signEnveloped(xml, signer, { algorithm, uris });
      const signedRef = await deps.spool.put(signed);
      let deliverRef = signedRef;
      if (ch.envelope.type === 'dxp') {
        const envelope = wrapDxp(Buffer.from(signed, 'utf8'), {
          senderId: ch.envelope.senderId!,
          receiverIds: [...ch.envelope.receiverIds],
          msgType: rec.messageType ?? ch.messageType,
          fileName: rec.sourceName,
          ...(ch.envelope.icCard ? { icCard: ch.envelope.icCard } : {}),
        });
        deliverRef = await deps.spool.put(envelope);
      }
      await deps.ledger.set(messageId, { signedRef, deliverRef });
      await deps.ledger.advance(messageId, 'signed', {
        stage: 'sign',
        text:
          signer.kind === 'client'
            ? 'left unsigned: the Single Window client signs / 由单一窗口客户端签名'
            : `signed by ${signer.name} (${ch.signature.algorithm}${enveloping ? ', 金二 enveloping' : ''})`,
        refs: { signed: signedRef, delivered: deliverRef },
      });
      await deps.queues.add('deliver', deliverJobId(messageId, rec.generation), { messageId });
      deps.log.debug({ messageId, stage: 'sign' }, 'signed / 已签名');
    } catch (err) {
      const gwErr = toGatewayError(err);
      if (gwErr.transient) throw gwErr;
      if (isSignerFatal(gwErr.code)) {
        // The signer, not the message, is at fault (expired certificate, PIN): the message waits
        // in the queue for the operator's fix instead of failing; the signer reports its state.
        deps.log.error(
          { messageId, signer: signer.name, code: gwErr.code },
          'signer cannot sign; message waits / 签名器无法签名，报文等待',
        );
        throw new Error(`${gwErr.code}: waiting for signer ${signer.name}`, { cause: gwErr });
      }
      await failMessage(deps, messageId, gwErr, 'failed', 'sign');
    }
  };
}
