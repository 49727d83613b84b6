/**
 * The card work behind one signature: present the PIN when the card needs it, have the card sign
 * the DigestInfo, and check the signature against the certificate before it is returned.
 * The caller holds the signer's serial lane, so each VERIFY is followed by its own signature.
 */
import { verify as cryptoVerify } from 'node:crypto';
import { GatewayError } from '../../core/errors.js';
import { pinLowError, pinWrongError } from './card-errors.js';
import type { CardSession } from './card-session.js';
import { digestInfoFor, type RsaHash } from './digest-info.js';
import type { CardProfile } from './profile.js';
import { CardStatusError } from './status-words.js';

export interface CardSignSteps {
  readonly profile: CardProfile;
  /** The encoded PIN (the profile's format), read when it is presented: an operator may replace it. */
  readonly pin: () => Buffer;
  readonly where: () => string;
  /** Records that the PIN must not be presented again; returns the error to throw. */
  readonly stopForPin: (err: GatewayError, triesLeft: number | undefined) => GatewayError;
  /** The PIN counter as the card reported it: before the PIN is presented, and in a refusal. */
  readonly sawPinTries?: (tries: number | undefined) => void;
}

/** Signs `data` on the card (PIN first when needed) and verifies the result with the certificate. */
export async function signOnCard(
  steps: CardSignSteps,
  session: CardSession,
  hash: RsaHash,
  data: Buffer,
): Promise<Buffer> {
  const digestInfo = digestInfoFor(hash, data);
  if (!(session.app.pinValidForMultipleSignatures && session.pinVerified))
    await presentPin(steps, session);
  const signature = await steps.profile.sign(session.apdu, digestInfo, session.modulusBytes);
  if (!session.app.pinValidForMultipleSignatures) session.pinVerified = false;
  if (!cryptoVerify(hash, data, session.publicKey, signature)) {
    const cert = session.certificate;
    throw new GatewayError('GW_ERR_SIGN_KEY', {
      where: steps.where(),
      zh: `卡片生成的签名无法用证书（证书号 ${cert.certNo}）验证：证书与卡内密钥不符`,
      en: `the card's signature does not verify with the certificate (no. ${cert.certNo}): certificate and card key do not match`,
      fixZh: '检查签名器配置的证书，或换用正确的卡',
      fixEn: 'check the configured certificate, or insert the right card',
    });
  }
  return signature;
}

/** Reads the counter first, refuses at one try left, presents the PIN once. */
async function presentPin(steps: CardSignSteps, session: CardSession): Promise<void> {
  const tries = await steps.profile.readPinTries(session.apdu);
  if (tries !== undefined) steps.sawPinTries?.(tries);
  if (tries !== undefined && tries <= 1) {
    throw steps.stopForPin(
      tries === 0 ? pinWrongError(steps.where(), 0) : pinLowError(steps.where(), tries),
      tries,
    );
  }
  try {
    await steps.profile.verifyPin(session.apdu, steps.pin());
  } catch (err) {
    // Wrong PIN, blocked, or a PIN the card rejects as malformed: retrying could only burn tries.
    if (
      err instanceof CardStatusError &&
      ['wrong-pin', 'pin-blocked', 'wrong-data', 'wrong-length'].includes(err.reason)
    ) {
      const left = err.reason === 'pin-blocked' ? 0 : err.retriesLeft;
      steps.sawPinTries?.(left);
      throw steps.stopForPin(pinWrongError(steps.where(), left), left);
    }
    throw err;
  }
  session.pinVerified = true;
}
