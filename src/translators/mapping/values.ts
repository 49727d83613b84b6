import { parseDecimal, type Decimal } from '../decimal.js';

/**
 * How enterprise files write numbers and dates, turned into what a declaration wants.
 * Anything not recognised is left as written, so the validator can name it precisely.
 */

/**
 * A number as enterprises write it: full-width digits, a leading +, spaces, or thousands
 * separators in the 1,234,567.89 pattern (never a bare comma, which could be a decimal comma).
 */
export function readNumber(raw: string): Decimal | undefined {
  let s = raw.normalize('NFKC').replace(/\s+/g, '').replace(/^\+/, '');
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return parseDecimal(s);
}

const pad = (n: string): string => n.padStart(2, '0');

/**
 * Dates as yyyyMMdd (or yyyyMMddHHmmss): accepts 20260104, 2026-01-04, 2026/1/4, 2026.1.4,
 * 2026年1月4日, each optionally followed by a time (Excel date cells arrive as 2026-01-04 or
 * 2026-01-04 13:05:00 from the reader).
 */
export function readDate(raw: string, kind: 'date' | 'datetime'): string | undefined {
  const s = raw.normalize('NFKC').trim();
  let m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$/.exec(s);
  if (!m)
    m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(
      s,
    );
  if (!m) return undefined;
  const day = `${m[1]}${pad(m[2]!)}${pad(m[3]!)}`;
  if (kind === 'date') return day;
  return `${day}${pad(m[4] ?? '0')}${pad(m[5] ?? '0')}${pad(m[6] ?? '0')}`;
}
