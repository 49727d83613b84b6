import type { ResolvedChannel } from '../../config/resolve.js';
import { isSignerFatal, type GatewayError } from '../../core/errors.js';
import { signEnveloped } from '../../signing/xmldsig.js';
import { signEnveloping } from '../../signing/xmldsig-enveloping.js';
import { wrapDxp } from '../../signing/dxp-envelope.js';
import type { Signer } from '../../signing/signer.js';
import type { MessageRecord } from '../ledger-port.js';
import { deliverJobId } from '../operator.js';
import type { SignDeps } from './processor-deps.js';

/**
 * Whether a signing error is the message's own fault, so the message fails; otherwise it waits:
 * a transient error is retried, a fault of the signer (expired certificate, PIN) waits for the
 * operator's fix. The sign stage and the translate stage's in-process signing decide alike.
 */
export function messageAtFault(err: GatewayError): boolean {
  return !err.transient && !isSignerFatal(err.code);
}

/** What signing needs of the message record. */
export type SignSubject = Pick<MessageRecord, 'messageType' | 'sourceName' | 'generation'>;

/**
 * Signs one translated message (enveloped XML-DSig, or 金二 enveloping; the DxpMsg envelope when
 * the channel has one), records the signed bytes and the `signed` event, and queues the delivery.
 * The sign stage runs it on the message read from the spool; the translate stage on the message
 * it has just built, when the channel's signer is an in-process soft key (fused-sign.ts).
 */
export async function signMessage(
  deps: Pick<SignDeps, 'ledger' | 'spool' | 'queues'>,
  messageId: string,
  rec: SignSubject,
  ch: ResolvedChannel,
  signer: Signer,
  xml: string,
): Promise<void> {
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
}
