import { describe, expect, it } from 'vitest';
import { mayRetry, retryDelay } from './retry-policy.js';
import { parseSchedule } from '../config/duration.js';

describe('retry policy', () => {
  const delays = parseSchedule('1s, 2m, 10m*3');

  it('follows the schedule, the last entry repeating', () => {
    expect(delays).toEqual([1000, 120_000, 600_000, 600_000, 600_000]);
    expect([1, 2, 3, 9].map((n) => retryDelay(delays, 0, n))).toEqual([
      1000, 120_000, 600_000, 600_000,
    ]);
  });

  it('varies within ±jitter and honours Retry-After', () => {
    expect(retryDelay(delays, 0.2, 1, undefined, () => 0)).toBe(800);
    expect(retryDelay(delays, 0.2, 1, undefined, () => 1)).toBe(1200);
    expect(retryDelay(delays, 0.2, 1, 5000, () => 0.5)).toBe(5000);
  });

  it('stops after the schedule or the maximum age', () => {
    expect(mayRetry(delays, 5, 0, 10_000)).toBe(true);
    expect(mayRetry(delays, 6, 0, 10_000)).toBe(false);
    expect(mayRetry(delays, 1, 10_000, 10_000)).toBe(false);
  });
});
