/**
 * Opening the operator card for the signer: the session settings taken from the signer's options,
 * and the log lines for a card that is ready or cannot be opened.
 */
import type { GatewayError } from '../../core/errors.js';
import type { CardLog } from './card-log.js';
import { openCardSession, type CardSession } from './card-session.js';
import type { PcscCardSignerOptions } from './card-signer-options.js';
import type { PcscReader } from './pcsclite-binding.js';
import type { CardProfile } from './profile.js';

export interface CardOpening {
  readonly options: PcscCardSignerOptions;
  readonly profile: CardProfile;
  readonly reader: PcscReader;
  readonly log: CardLog;
}

/** Opens a session on the card in the reader, with the certificate when one is configured. */
export function openSignerCard(
  opening: CardOpening,
  atr: Buffer | undefined,
  certificateDer: Buffer | undefined,
): Promise<CardSession> {
  const { options, reader, log } = opening;
  return openCardSession({
    reader,
    atr,
    profile: opening.profile,
    shareMode: options.shareMode ?? 'exclusive',
    timeoutMs: options.timeoutMs ?? 15_000,
    ...(certificateDer ? { certificateDer } : {}),
    ...(options.certNo !== undefined ? { certNo: options.certNo } : {}),
    ...(options.traceApdus
      ? {
          trace: (line: string) =>
            log.debug({ signer: options.name, reader: reader.name }, `APDU ${line}`),
        }
      : {}),
  });
}

export function logCardReady(opening: CardOpening, session: CardSession): void {
  const cert = session.certificate;
  opening.log.info(
    {
      signer: opening.options.name,
      reader: opening.reader.name,
      card: session.app.label,
      certNo: cert.certNo,
      subject: cert.subject,
      notAfter: cert.notAfter.toISOString(),
    },
    'operator card ready / 操作员卡已就绪',
  );
}

/** A transient failure is retried later (warning); a permanent one makes the card unusable (error). */
export function logOpenFailure(opening: CardOpening, gw: GatewayError): void {
  const ctx = {
    signer: opening.options.name,
    reader: opening.reader.name,
    code: gw.code,
    err: gw.message,
  };
  if (gw.transient)
    opening.log.warn(ctx, 'cannot open the card yet, will retry / 暂时无法打开操作员卡，稍后重试');
  else opening.log.error(ctx, 'card cannot be used / 操作员卡无法使用');
}
