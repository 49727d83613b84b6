import type { Job } from 'bullmq';
import { toGatewayError } from '../../core/errors.js';
import { deliverJobId } from '../operator.js';
import { isTerminal } from '../../receipts/status.js';
import { channelOf } from '../deps.js';
import type { SignDeps } from './processor-deps.js';
import type { MessageJob } from '../names.js';
import { failMessage } from '../outcomes.js';
import { messageAtFault, signMessage } from './sign-message.js';

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
      await signMessage(deps, messageId, rec, ch, signer, xml);
      deps.log.debug({ messageId, stage: 'sign' }, 'signed / 已签名');
    } catch (err) {
      const gwErr = toGatewayError(err);
      if (messageAtFault(gwErr)) {
        await failMessage(deps, messageId, gwErr, 'failed', 'sign');
        return;
      }
      if (gwErr.transient) throw gwErr;
      // The signer, not the message, is at fault (expired certificate, PIN): the message waits in
      // the queue for the operator's fix instead of failing; the signer reports its state.
      deps.log.error(
        { messageId, signer: signer.name, code: gwErr.code },
        'signer cannot sign; message waits / 签名器无法签名，报文等待',
      );
      throw new Error(`${gwErr.code}: waiting for signer ${signer.name}`, { cause: gwErr });
    }
  };
}
