/** Builds receipt records and the final ParsedReceipt from what a family reader extracted. */
import { codeInfo } from './codes.js';
import type {
  ParsedReceipt,
  ReceiptFamily,
  ReceiptKeys,
  ReceiptKind,
  ReceiptRecord,
} from './receipt.js';
import { isTerminal } from './status.js';

/** What a family reader pulls out of one status statement. */
export interface RawRecord {
  readonly keys: Record<string, string | undefined>;
  readonly code?: string | undefined;
  readonly text?: string | undefined;
  readonly noticeTime?: string | undefined;
}

function cleanKeys(keys: Record<string, string | undefined>): ReceiptKeys {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(keys)) if (v) out[k] = v;
  return out as ReceiptKeys;
}

/** Turns a raw record into a typed one, deriving status from the family's code table. */
export function toRecord(family: ReceiptFamily, kind: ReceiptKind, raw: RawRecord): ReceiptRecord {
  const code = raw.code?.trim() ?? '';
  const info = codeInfo(family, code, kind);
  // A receipt we cannot read a status from still proves the message reached the other side.
  const status = info?.status ?? 'sent';
  return {
    keys: cleanKeys(raw.keys),
    code,
    text: raw.text?.trim() ?? '',
    ...(raw.noticeTime ? { noticeTime: raw.noticeTime } : {}),
    status,
    terminal: isTerminal(status),
    negative: info?.negative ?? false,
  };
}

/** Extra top-level fields a reader may set. */
export interface ReceiptExtras {
  readonly originalType?: string | undefined;
}

/**
 * Assembles a ParsedReceipt: the first record on top, and the distinct records listed when
 * there is more than one (exact duplicates, as in the official CEB samples, collapse).
 */
export function toReceipt(
  family: ReceiptFamily,
  kind: ReceiptKind,
  messageType: string,
  raws: readonly RawRecord[],
  extras: ReceiptExtras = {},
): ParsedReceipt {
  const seen = new Set<string>();
  const records: ReceiptRecord[] = [];
  for (const raw of raws.length ? raws : [{ keys: {} }]) {
    const rec = toRecord(family, kind, raw);
    const id = JSON.stringify(rec);
    if (!seen.has(id)) {
      seen.add(id);
      records.push(rec);
    }
  }
  const [first] = records as [ReceiptRecord, ...ReceiptRecord[]];
  return {
    family,
    kind,
    messageType,
    ...(extras.originalType ? { originalType: extras.originalType } : {}),
    ...first,
    ...(records.length > 1 ? { records } : {}),
  };
}

/** A receipt whose root the gateway does not know: kept, so it can still be written back. */
export function unknownReceipt(messageType: string): ParsedReceipt {
  return toReceipt('unknown', 'unknown', messageType, []);
}
