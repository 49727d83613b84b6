import type { Logger } from '../core/logger.js';
import type { Signer } from './signer.js';

/** Days before expiry at which operators are warned. */
export const EXPIRY_WARNINGS = [30, 7, 1] as const;

export interface CertificateStatus {
  readonly signer: string;
  readonly certNo: string;
  readonly subject: string;
  readonly notAfter: Date;
  readonly daysLeft: number;
  /** 'ok', or the warning threshold reached (30, 7, 1 days), or 'expired'. */
  readonly level: 'ok' | 30 | 7 | 1 | 'expired';
}

export async function certificateStatus(
  signer: Signer,
  now = new Date(),
): Promise<CertificateStatus> {
  const cert = await signer.certificate();
  const daysLeft = Math.floor((cert.notAfter.getTime() - now.getTime()) / 86_400_000);
  const level =
    cert.notAfter <= now
      ? 'expired'
      : ([...EXPIRY_WARNINGS].reverse().find((d) => daysLeft < d) ?? 'ok');
  return {
    signer: signer.name,
    certNo: cert.certNo,
    subject: cert.subject,
    notAfter: cert.notAfter,
    daysLeft,
    level,
  };
}

/**
 * Checks every signer's certificate at start and then daily, and logs a warning at 30, 7 and
 * 1 days before expiry (an error once expired), so nobody learns of it from a customs rejection.
 */
export function watchCertificates(
  signers: Iterable<Signer>,
  log: Logger,
  intervalMs = 86_400_000,
): () => void {
  const list = [...signers];
  const check = async (): Promise<void> => {
    for (const s of list) {
      try {
        const st = await certificateStatus(s);
        const fields = {
          signer: st.signer,
          certNo: st.certNo,
          notAfter: st.notAfter.toISOString(),
          daysLeft: st.daysLeft,
        };
        if (st.level === 'expired')
          log.error(fields, 'signing certificate has expired / 签名证书已过期');
        else if (st.level !== 'ok')
          log.warn(
            fields,
            `signing certificate expires in ${st.daysLeft} day(s) / 签名证书将于 ${st.daysLeft} 天内过期`,
          );
        else log.info(fields, 'signing certificate valid / 签名证书有效');
      } catch (err) {
        log.warn({ err, signer: s.name }, 'cannot read the signing certificate / 无法读取签名证书');
      }
    }
  };
  void check();
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
