import type { ResolvedChannel } from '../../config/resolve.js';
import { toGatewayError } from '../../core/errors.js';
import { jobIdFor } from '../../core/ids.js';
import { isSupervised, type Signer } from '../../signing/signer.js';
import { failMessage } from '../outcomes.js';
import type { TranslateDeps } from './processor-deps.js';
import { messageAtFault, signMessage, type SignSubject } from './sign-message.js';

/*
 * Translate and sign in one job when the channel's signer is a soft key in this process.
 * Why that is safe, and not a setting: a soft key has no owner process, no card to wait for and
 * no serial lane — every process that translates (the primary and each stage worker of
 * `--workers N`) loads the same key, so a sign job would only carry the message to an equivalent
 * process, for a BullMQ job (scripts, event-stream entries) and a spool read per message. The
 * ledger still records `translated`, then `signed`, with the same refs and events. A crash
 * between the two leaves a translated message that the translate job's re-run hands to the sign
 * queue, whose worker signs it or, when it is signed already, only queues its delivery.
 * A card, the E-Port service and the Single Window client keep their sign queue: one owner
 * process, one operation at a time, paused while the card is out.
 */

/** The channel's signer when translate may sign in the same job; undefined: queue a sign job. */
export function inProcessSigner(
  deps: Pick<TranslateDeps, 'config' | 'signers'>,
  ch: ResolvedChannel,
): Signer | undefined {
  const configured = deps.config.signers.find((s) => s.name === ch.signer);
  const signer = deps.signers.get(ch.signer);
  // A soft key whose certificate had expired at start is an UnavailableSigner (supervised): its
  // messages wait in its sign queue like any other; a stage worker process has no signer at all.
  if (configured?.type !== 'soft-key' || !signer || isSupervised(signer)) return undefined;
  return signer.kind === 'client' ? undefined : signer;
}

/**
 * Signs a message the translate stage has just recorded, from the XML in memory (no spool read).
 * A fault of the message fails it as the sign stage would (same code, stage `sign`). A transient
 * fault, or one of the signer (expired certificate), hands the message to the sign queue, which
 * retries and waits for the operator's fix as for every signer; the translation is not redone.
 */
export async function signTranslated(
  deps: TranslateDeps,
  messageId: string,
  subject: SignSubject,
  ch: ResolvedChannel,
  signer: Signer,
  xml: string,
): Promise<void> {
  try {
    await signMessage(deps, messageId, subject, ch, signer, xml);
  } catch (err) {
    const gwErr = toGatewayError(err);
    if (messageAtFault(gwErr)) {
      await failMessage(deps, messageId, gwErr, 'failed', 'sign');
      return;
    }
    deps.log.warn(
      { messageId, signer: signer.name, code: gwErr.code },
      'could not sign now; the sign queue takes the message / 暂无法签名，报文转入签名队列',
    );
    await deps.queues.add('sign', jobIdFor(messageId, 'sign'), { messageId }, ch.signer);
  }
}
