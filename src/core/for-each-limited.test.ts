import { describe, expect, it } from 'vitest';
import { forEachLimited } from './for-each-limited.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('forEachLimited', () => {
  it('never has more than the limit in flight and runs every item once', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await tick();
      seen.push(n);
      inFlight--;
    });
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('starts nothing after stop, and waits for the ones in flight', async () => {
    let stopped = false;
    const done: number[] = [];
    await forEachLimited(
      [1, 2, 3, 4, 5],
      2,
      async (n) => {
        if (n === 2) stopped = true;
        await tick();
        done.push(n);
      },
      () => stopped,
    );
    expect(done.sort()).toEqual([1, 2]);
  });

  it('rethrows the first failure once the others settled, and starts no more', async () => {
    const done: number[] = [];
    await expect(
      forEachLimited([1, 2, 3, 4], 2, async (n) => {
        await tick();
        if (n === 1) throw new Error('one');
        done.push(n);
      }),
    ).rejects.toThrow('one');
    expect(done).toEqual([2]);
  });
});
