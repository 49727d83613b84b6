/**
 * Outbox file names for receipts. A legacy system ties a receipt back to the file it dropped by
 * the stem, so the stem is kept as written wherever that is safe on Windows and Linux alike.
 */

/** Longest stem kept, in characters (code points). */
export const MAX_STEM_CHARS = 150;
/** Longest stem kept, in UTF-8 bytes: ext4 allows 255 bytes per name and a CJK char takes 3. */
export const MAX_STEM_BYTES = 200;

const FALLBACK_STEM = 'receipt';
// C0 and C1 controls and DEL.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// Path separators and the characters Windows refuses in names (the client host is Windows).
const UNSAFE = /[/\\<>:"|?*]/g;
// Windows device names are reserved even with an extension (CON.xml opens the console).
const DEVICE = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\.|$)/i;

function truncate(stem: string): string {
  let out = '';
  let chars = 0;
  let bytes = 0;
  for (const ch of stem) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (chars === MAX_STEM_CHARS || bytes + size > MAX_STEM_BYTES) break;
    out += ch;
    chars += 1;
    bytes += size;
  }
  return out;
}

/**
 * Makes a stem safe to use as the start of a file name: no path separators or Windows-reserved
 * characters (each becomes `_`), no control characters or unpaired surrogates, no leading dots
 * (no hidden files, no `..`), no trailing dots or spaces (Windows drops them), not a Windows
 * device name, at most 150 characters and 200 UTF-8 bytes. Chinese and other letters are kept.
 * Never returns ''.
 */
export function sanitizeStem(stem: string): string {
  // Lone surrogates (\p{Cs} under /u matches only unpaired ones) cannot be written as UTF-8.
  let s = stem
    .normalize('NFC')
    .replace(/\p{Cs}/gu, '')
    .replace(CONTROL, '')
    .replace(UNSAFE, '_');
  s = s.replace(/^[.\s]+/, '');
  s = truncate(s).replace(/[.\s]+$/, '');
  if (DEVICE.test(s)) s = `_${s}`;
  return s || FALLBACK_STEM;
}

/** Inputs of {@link receiptFileName}. */
export interface ReceiptFileNameParts {
  /** Stem of the file the legacy system dropped (sanitised here). */
  readonly stem: string;
  /** Receipt kind, kebab-case (ParsedReceipt.kind). */
  readonly kind: string;
  /** Sequence number of this receipt for that file, from 1; padded to two digits. */
  readonly seq: number;
  /** Extension without the dot; defaults to xml. */
  readonly ext?: string;
}

/**
 * `${stem}.${kind}.${seq padded to 2}.${ext}`, e.g. `I_20240101_001.dec-result.03.xml`.
 * Throws RangeError on a kind, seq or ext the gateway itself got wrong — those are bugs, not input.
 */
export function receiptFileName({ stem, kind, seq, ext = 'xml' }: ReceiptFileNameParts): string {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(kind))
    throw new RangeError(`receipt kind must be kebab-case: ${kind}`);
  if (!Number.isSafeInteger(seq) || seq < 0)
    throw new RangeError(`receipt seq must be a non-negative integer: ${seq}`);
  if (!/^[A-Za-z0-9]{1,10}$/.test(ext)) throw new RangeError(`bad receipt extension: ${ext}`);
  return `${sanitizeStem(stem)}.${kind}.${String(seq).padStart(2, '0')}.${ext}`;
}

/**
 * The name without its directory and last extension: `C:\\in\\a.b.xml` → `a.b`. A name that is
 * only a leading-dot name (`.hidden`) has no extension and is returned whole.
 */
export function stemOf(fileName: string): string {
  const base = fileName.split(/[/\\]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * The dropped file's stem recovered from a client import-response name:
 * `Successed_{stem}_{timestamp}.xml` or `Failed_{stem}.xml` (the timestamp, 14+ digits, is
 * optional: 金二 responses were seen without it). Undefined for any other name. A stem that
 * itself ends in `_` + 14 or more digits is indistinguishable from one with a timestamp and
 * loses that tail; a matcher should fall back to the name minus prefix and extension.
 */
export function responseSourceStem(fileName: string): string | undefined {
  const m = /^(?:Successed|Failed)_(.+?)(?:_\d{14,})?$/i.exec(stemOf(fileName));
  return m?.[1];
}

/** `yyyyMMddHHmmssSSS` in China Standard Time, the stamp the client puts in response names. */
export function clientStamp(at: Date): string {
  const t = new Date(at.getTime() + 8 * 3_600_000).toISOString();
  return t.slice(0, 23).replace(/[-T:.]/g, '');
}

/** Inputs of {@link clientReceiptFileName}. */
export interface ClientReceiptNameParts extends ReceiptFileNameParts {
  /** The import response said the import failed. */
  readonly negative: boolean;
  /** When the receipt was handled; fixed per receipt, so a re-run writes the same name. */
  readonly at: Date;
}

/**
 * Receipt names in the Single Window client's own layout (channel `layout: imppath`), for a system
 * written against the client: import responses as `Successed_{stem}_{stamp}.xml` or
 * `Failed_{stem}_{stamp}.xml`, other receipts as `Receipt_{stem}_{kind}_{seq}.xml`.
 */
export function clientReceiptFileName(p: ClientReceiptNameParts): string {
  const stem = sanitizeStem(p.stem);
  if (p.kind === 'import-response' || p.kind === 'sas-response')
    return `${p.negative ? 'Failed' : 'Successed'}_${stem}_${clientStamp(p.at)}.${p.ext ?? 'xml'}`;
  return `Receipt_${receiptFileName(p)
    .slice(0, -`.${p.ext ?? 'xml'}`.length)
    .replace(/\./g, '_')}.${p.ext ?? 'xml'}`;
}
