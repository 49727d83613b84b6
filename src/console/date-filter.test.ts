import { describe, expect, it } from 'vitest';
import { chinaDayStart, dateRange, inDateRange } from './date-filter.js';

describe('messages date filter (China time days)', () => {
  it('starts a day at 00:00 China time, which is 16:00 UTC the day before', () => {
    expect(chinaDayStart('2026-03-05')).toBe(Date.parse('2026-03-04T16:00:00Z'));
  });

  it('rejects what is not a real yyyy-mm-dd day', () => {
    for (const bad of ['', '2026-3-5', '2026-02-30', '2026-13-01', '05/03/2026', 'x'])
      expect(chinaDayStart(bad)).toBeUndefined();
    expect(chinaDayStart(undefined)).toBeUndefined();
  });

  it('keeps both end days whole and nothing outside them', () => {
    const r = dateRange('2026-03-05', '2026-03-06');
    expect(inDateRange(Date.parse('2026-03-04T15:59:59.999Z'), r)).toBe(false);
    expect(inDateRange(Date.parse('2026-03-04T16:00:00Z'), r)).toBe(true);
    expect(inDateRange(Date.parse('2026-03-06T15:59:59.999Z'), r)).toBe(true);
    expect(inDateRange(Date.parse('2026-03-06T16:00:00Z'), r)).toBe(false);
  });

  it('leaves a side open when it is absent or invalid', () => {
    const onlyFrom = dateRange('2026-03-05', 'nonsense');
    expect(onlyFrom.end).toBeUndefined();
    expect(inDateRange(Date.parse('2030-01-01T00:00:00Z'), onlyFrom)).toBe(true);
    expect(inDateRange(Date.parse('2026-03-04T12:00:00Z'), onlyFrom)).toBe(false);
    const onlyTo = dateRange(undefined, '2026-03-05');
    expect(inDateRange(Date.parse('2000-01-01T00:00:00Z'), onlyTo)).toBe(true);
    expect(inDateRange(Date.parse('2026-03-05T16:00:00Z'), onlyTo)).toBe(false);
    expect(dateRange()).toEqual({});
  });
});
