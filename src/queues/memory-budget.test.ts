import { describe, expect, it } from 'vitest';
import { MemoryBudget, parseCostOf } from './memory-budget.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('MemoryBudget', () => {
  it('lets work in while its cost fits, holds the rest until something is released', async () => {
    const budget = new MemoryBudget(100);
    const a = await budget.acquire(60);
    let bIn = false;
    const b = budget.acquire(60).then((release) => {
      bIn = true;
      return release;
    });
    await tick();
    expect(bIn).toBe(false);
    expect(budget.inFlight).toBe(60);
    a();
    (await b)();
    expect(bIn).toBe(true);
    expect(budget.inFlight).toBe(0);
  });

  it('lets one oversized piece in alone, so nothing waits forever', async () => {
    const budget = new MemoryBudget(100);
    const big = await budget.acquire(1000);
    let smallIn = false;
    const small = budget.acquire(1).then((r) => ((smallIn = true), r));
    await tick();
    expect(smallIn).toBe(false);
    big();
    (await small)();
    expect(smallIn).toBe(true);
  });

  it('serves waiters in order, and a release is idempotent', async () => {
    const budget = new MemoryBudget(10);
    const first = await budget.acquire(10);
    const order: number[] = [];
    const w1 = budget.acquire(10).then((r) => (order.push(1), r));
    const w2 = budget.acquire(1).then((r) => (order.push(2), r));
    first();
    first();
    (await w1)();
    (await w2)();
    expect(order).toEqual([1, 2]);
    expect(budget.inFlight).toBe(0);
  });

  it('estimates a workbook dearer than text of the same size', () => {
    const zip = Buffer.from([0x50, 0x4b, 3, 4, 0, 0]);
    const xml = Buffer.from('<a>x</a>');
    expect(parseCostOf(zip) / zip.length).toBeGreaterThan(parseCostOf(xml) / xml.length);
  });
});
