/**
 * Exact decimal arithmetic on BigInt for amounts and quantities. Declarations carry N19,5 values
 * (up to 14 integer digits and 5 decimals), more than a double holds exactly, and the totals rule
 * compares products that floating point would get subtly wrong. Written for this project.
 */

/** `units / 10^scale`, scale >= 0. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const TEN = 10n;
const pow10 = (n: number): bigint => TEN ** BigInt(n);

/** Parses `-12.345`, `1e3`, `+0.5`; undefined for anything else (no thousands separators here). */
export function parseDecimal(text: string): Decimal | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const frac = m[3] ?? '';
  let units = BigInt(`${m[2] || '0'}${frac}`);
  let scale = frac.length - Number(m[4] ?? 0);
  if (scale < 0) {
    units *= pow10(-scale);
    scale = 0;
  }
  return { units: m[1] === '-' ? -units : units, scale };
}

/** A JS number (mapping factors) as a decimal, via its shortest round-trip text. */
export function decimalOf(n: number): Decimal {
  const d = parseDecimal(String(n));
  if (!d) throw new RangeError(`not a finite number: ${n}`);
  return d;
}

function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const s = Math.max(a.scale, b.scale);
  return [a.units * pow10(s - a.scale), b.units * pow10(s - b.scale), s];
}

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = aligned(a, b);
  return { units: x + y, scale };
}

export function sub(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = aligned(a, b);
  return { units: x - y, scale };
}

export function mul(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function abs(a: Decimal): Decimal {
  return a.units < 0n ? { units: -a.units, scale: a.scale } : a;
}

export const ZERO: Decimal = { units: 0n, scale: 0 };

/** Rounds half away from zero to `digits` decimals. */
export function roundTo(a: Decimal, digits: number): Decimal {
  if (a.scale <= digits) return { units: a.units * pow10(digits - a.scale), scale: digits };
  const div = pow10(a.scale - digits);
  const neg = a.units < 0n;
  const u = neg ? -a.units : a.units;
  let q = u / div;
  if ((u % div) * 2n >= div) q += 1n;
  return { units: neg ? -q : q, scale: digits };
}

/** a / b rounded half away from zero to `digits` decimals; b must not be zero. */
export function divide(a: Decimal, b: Decimal, digits: number): Decimal {
  // a/b = (a.units / 10^a.scale) / (b.units / 10^b.scale); scale the numerator so the quotient has digits+1 decimals.
  const extra = digits + 1;
  const num = a.units * pow10(b.scale + extra);
  const den = b.units * pow10(a.scale);
  return roundTo({ units: num / den, scale: extra }, digits);
}

/** Plain text: trailing zeros dropped, or exactly `decimals` places when `fixed`. Never an exponent. */
export function formatDecimal(
  a: Decimal,
  opts: { decimals?: number; fixed?: boolean } = {},
): string {
  const d = opts.decimals !== undefined ? roundTo(a, opts.decimals) : a;
  const neg = d.units < 0n;
  const digits = (neg ? -d.units : d.units).toString().padStart(d.scale + 1, '0');
  let int = digits.slice(0, digits.length - d.scale);
  let frac = digits.slice(digits.length - d.scale);
  if (!opts.fixed) frac = frac.replace(/0+$/, '');
  int = int.replace(/^0+(?=\d)/, '');
  const body = frac ? `${int}.${frac}` : int;
  return neg && /[1-9]/.test(body) ? `-${body}` : body;
}

/** Integer and fraction digit counts of a plain decimal text (for N19,5 checks). */
export function digitCounts(text: string): { int: number; frac: number } | undefined {
  const m = /^-?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  return { int: m[1]!.replace(/^0+(?=\d)/, '').length, frac: (m[2] ?? '').length };
}
