import { describe, expect, it } from 'vitest';
import { SerialLane } from './serial-lane.js';

describe('SerialLane', () => {
  it('runs jobs one at a time in order, and a failure does not stop the queue', async () => {
    const m = new SerialLane();
    const log: string[] = [];
    const job = (name: string, ms: number, fail = false) =>
      m.run(async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      });
    const pending = [job('a', 20), job('b', 5, true), job('c', 1)];
    expect(m.size).toBe(3);
    const results = await Promise.allSettled(pending);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await new Promise((r) => setImmediate(r));
    expect(m.size).toBe(0);
  });
});
