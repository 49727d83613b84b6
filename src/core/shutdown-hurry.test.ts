import { describe, expect, it } from 'vitest';
import { HURRIED_STEP_MS, ShutdownManager } from './lifecycle.js';

describe('ShutdownManager.hurry', () => {
  it('gives up the step in progress and still closes the later ones', async () => {
    const closed: string[] = [];
    const errors: string[] = [];
    const m = new ShutdownManager((name) => errors.push(name));
    m.add('redis', async () => void closed.push('redis'));
    m.add('workers', () => new Promise<void>(() => {})); // a drain that never ends
    m.add('intake', async () => void closed.push('intake'));
    let started!: () => void;
    const workersStarted = new Promise<void>((r) => (started = r));
    m.add('probe', async () => started()); // closes first (reverse order)
    const done = m.shutdown(60_000);
    await workersStarted;
    await new Promise((r) => setImmediate(r)); // now inside the 'workers' step
    m.hurry();
    await done;
    expect(closed).toEqual(['intake', 'redis']);
    expect(errors).toEqual(['workers']);
  });

  it('bounds each step after hurry() by HURRIED_STEP_MS, not by what is left of the deadline', async () => {
    const errors: unknown[] = [];
    const m = new ShutdownManager((_n, err) => errors.push(err));
    m.add('slow-redis', () => new Promise<void>(() => {}));
    m.add('hurry-now', async () => m.hurry());
    await m.shutdown(600_000);
    expect(String(errors[0])).toContain(`slow-redis did not close within ${HURRIED_STEP_MS} ms`);
  });
});
