import { describe, expect, it } from 'vitest';
import {
  add,
  compare,
  digitCounts,
  divide,
  formatDecimal,
  mul,
  parseDecimal,
  roundTo,
  sub,
} from './decimal.js';

const d = (s: string) => parseDecimal(s)!;

describe('decimal', () => {
  it('parses plain, signed and exponent forms, and refuses the rest', () => {
    expect(formatDecimal(d('0012.3400'))).toBe('12.34');
    expect(formatDecimal(d('-0.50'))).toBe('-0.5');
    expect(formatDecimal(d('1e3'))).toBe('1000');
    expect(formatDecimal(d('1.5E-2'))).toBe('0.015');
    expect(formatDecimal(d('.5'))).toBe('0.5');
    for (const bad of ['', '-', '1,000', '1.2.3', 'abc', '1e', '12 3'])
      expect(parseDecimal(bad), bad).toBeUndefined();
  });

  it('is exact where doubles are not', () => {
    expect(formatDecimal(add(d('0.1'), d('0.2')))).toBe('0.3');
    expect(formatDecimal(mul(d('12345678901234.12345'), d('1')))).toBe('12345678901234.12345');
    expect(formatDecimal(mul(d('0.36'), d('50000')))).toBe('18000');
    expect(formatDecimal(sub(d('5'), d('7.25')))).toBe('-2.25');
    expect(compare(d('1.10'), d('1.1'))).toBe(0);
    expect(compare(d('-1'), d('0'))).toBe(-1);
  });

  it('rounds half away from zero and formats fixed', () => {
    expect(formatDecimal(roundTo(d('2.345'), 2))).toBe('2.35');
    expect(formatDecimal(roundTo(d('-2.345'), 2))).toBe('-2.35');
    expect(formatDecimal(d('37000'), { decimals: 2, fixed: true })).toBe('37000.00');
    expect(formatDecimal(d('0.004'), { decimals: 2 })).toBe('0');
    expect(formatDecimal(divide(d('10'), d('3'), 3))).toBe('3.333');
    expect(formatDecimal(divide(d('2'), d('3'), 0))).toBe('1');
  });

  it('counts N-format digits', () => {
    expect(digitCounts('0012.34500')).toEqual({ int: 2, frac: 5 });
    expect(digitCounts('0.5')).toEqual({ int: 1, frac: 1 });
    expect(digitCounts('1e5')).toBeUndefined();
  });
});
