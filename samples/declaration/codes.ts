/**
 * Check-digit arithmetic for the sample generator: 统一社会信用代码 (GB 32100-2015), 组织机构代码
 * (GB 11714-1997) and ISO 6346 container numbers. Written for this project.
 */

/** The 31 characters a 统一社会信用代码 may use (no I, O, S, V, Z). */
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Weights 3^i mod 31 for positions 1..17. */
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The 18th character of a 统一社会信用代码 given the first 17. */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17) throw new Error(`USCC body must be 17 characters: ${first17}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(first17[i] ?? '');
    if (v < 0) throw new Error(`character not allowed in a USCC: ${first17[i]}`);
    sum += v * (USCC_WEIGHTS[i] ?? 0);
  }
  return USCC_CHARS[(31 - (sum % 31)) % 31] ?? '0';
}

/** The 9th character of a 组织机构代码 given the first 8 (digits or capital letters). */
export function orgCodeCheckChar(first8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = first8[i] ?? '';
    const v = /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55;
    sum += v * (weights[i] ?? 0);
  }
  const r = 11 - (sum % 11);
  return r === 10 ? 'X' : r === 11 ? '0' : String(r);
}

/**
 * A full 统一社会信用代码: 9 (工商) + 1 (企业) + 6-digit 行政区划 + 组织机构代码 (8 + check) + check.
 */
export function uscc(regionCode: string, orgBody8: string): string {
  const org = `${orgBody8}${orgCodeCheckChar(orgBody8)}`;
  const first17 = `91${regionCode}${org}`;
  return `${first17}${usccCheckChar(first17)}`;
}

/** True when an 18-character code has a valid check character. */
export function isValidUscc(code: string): boolean {
  return /^[0-9A-HJ-NP-RTUW-Y]{18}$/.test(code) && usccCheckChar(code.slice(0, 17)) === code[17];
}

/** ISO 6346 letter values: A=10 upwards, skipping multiples of 11. */
function iso6346Value(c: string): number {
  if (/\d/.test(c)) return Number(c);
  let v = 10;
  for (let code = 65; code < c.charCodeAt(0); code++) {
    v++;
    if (v % 11 === 0) v++;
  }
  return v;
}

/** A container number: 3-letter owner + category U + 6-digit serial + check digit. */
export function containerNo(owner3: string, serial6: string): string {
  const body = `${owner3}U${serial6}`;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += iso6346Value(body[i] ?? '0') * 2 ** i;
  return `${body}${(sum % 11) % 10}`;
}
