/**
 * Reading the `Data` array of the control's successful replies: certificate number, certificate,
 * validity and signature. Each reader throws a plain Error with the reason; the caller wraps it
 * as GW_ERR_SIGN_SERVICE_REPLY with the method name.
 */
import { X509Certificate } from 'node:crypto';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Strict base64 (PEM armour and line breaks allowed): Buffer.from would silently skip bad characters. */
export function decodeBase64(text: string, what: string): Buffer {
  const body = text.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  if (body.length === 0 || body.length % 4 !== 0 || !BASE64.test(body))
    throw new Error(`${what} is not base64`);
  return Buffer.from(body, 'base64');
}

function stringAt(data: readonly unknown[], index: number, what: string): string {
  const v = data[index];
  if (typeof v !== 'string' || v.trim() === '')
    throw new Error(`Data[${index}] (${what}) is missing or not a string`);
  return v.trim();
}

/** SpcGetCertNo: Data[0] is the certificate number (8 hex digits on RSA cards, 16 on SM2 cards). */
export function certNoFromData(data: readonly unknown[]): string {
  return stringAt(data, 0, 'certificate number');
}

/** SpcGetSignCertAsPEM: Data[0] is the certificate as a PEM body (base64 DER, maybe with armour). */
export function certificateFromData(data: readonly unknown[]): Buffer {
  const der = decodeBase64(stringAt(data, 0, 'certificate'), 'certificate');
  try {
    new X509Certificate(der);
  } catch (err) {
    throw new Error(`certificate does not parse as X.509 (${(err as Error).message})`);
  }
  return der;
}

/** SpcSignDataAsPEM: Data[0] = base64 signature, Data[1] = certificate number of the card that signed. */
export function signatureFromData(data: readonly unknown[]): {
  signature: Buffer;
  certNo?: string;
} {
  const signature = decodeBase64(stringAt(data, 0, 'signature'), 'signature');
  const certNo = typeof data[1] === 'string' && data[1].trim() !== '' ? data[1].trim() : undefined;
  return { signature, ...(certNo !== undefined ? { certNo } : {}) };
}

/**
 * The control writes times as `yyyyMMddHHmmss` (the Single Window page script reads
 * `Data[0].szEndTime` like `20190120195948`). No zone is given; the control runs on a PC in China,
 * so UTC+8 is assumed. Separators (`-`, `/`, `:`, space, `T`) are tolerated.
 */
export function parseEportTime(text: string): Date | undefined {
  const digits = text.replace(/[-/:\sT]/g, '');
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(digits);
  if (!m) return undefined;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The inverse of parseEportTime (UTC+8), for the fake service. */
export function formatEportTime(date: Date): string {
  const t = new Date(date.getTime() + 8 * 3_600_000).toISOString();
  return t.slice(0, 19).replace(/[-:T]/g, '');
}

/** SpcGetValidTimeFromCert: Data[0] = `{ szStartTime, szEndTime }`. */
export function validityFromData(data: readonly unknown[]): { notBefore: Date; notAfter: Date } {
  const v = data[0];
  if (typeof v !== 'object' || v === null) throw new Error('Data[0] (validity) is not an object');
  const { szStartTime, szEndTime } = v as { szStartTime?: unknown; szEndTime?: unknown };
  const notBefore = typeof szStartTime === 'string' ? parseEportTime(szStartTime) : undefined;
  const notAfter = typeof szEndTime === 'string' ? parseEportTime(szEndTime) : undefined;
  if (!notBefore || !notAfter)
    throw new Error('szStartTime/szEndTime are not yyyyMMddHHmmss times');
  return { notBefore, notAfter };
}
