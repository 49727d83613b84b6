import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { RedisLease } from './lease.js';
import { LeasedPoller } from '../core/leased-poller.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';
import { waitUntil } from '../../test/helpers/wait.js';

describe('RedisLease (real Redis)', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('lease');
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('lets one node hold it, renews it for the holder, and hands over on release or expiry', async () => {
    const a = new RedisLease(redis, `${prefix}:inbox`, 300, 'node-a');
    const b = new RedisLease(redis, `${prefix}:inbox`, 300, 'node-b');
    expect(await a.holds()).toBe(true);
    expect(await b.holds()).toBe(false);
    expect(await a.holds()).toBe(true);
    await b.release(); // not the holder: changes nothing
    expect(await b.holds()).toBe(false);
    await a.release();
    expect(await b.holds()).toBe(true);
    await new Promise((r) => setTimeout(r, 400)); // b dies without releasing
    expect(await a.holds()).toBe(true);
  });

  it('gives two leased pollers on one inbox one owner; the other takes over when the owner dies', async () => {
    const key = `${prefix}:poll`;
    const seen = { a: 0, b: 0 };
    // a can die: its lease is never released, as after a kill -9.
    const leaseA = new RedisLease(redis, key, 300, 'node-a');
    const dying = { holds: () => leaseA.holds(), release: async () => {} };
    const make = (node: string, lease: RedisLease | typeof dying) =>
      new LeasedPoller({
        fields: { node },
        intervalMs: 20,
        log: pino({ level: 'silent' }),
        lease,
        text: { failed: 'x', recovered: 'y' },
      });
    const a = make('a', dying);
    const b = make('b', new RedisLease(redis, key, 300, 'node-b'));
    a.start(async () => void seen.a++);
    await waitUntil(() => seen.a > 0, 2000);
    b.start(async () => void seen.b++);
    await waitUntil(() => seen.a > 10, 4000);
    expect(seen.b).toBe(0);
    await a.close(); // a dies: its lease runs out, then b takes over
    expect(await redis.get(key)).toBe('node-a');
    await waitUntil(() => seen.b > 0, 4000);
    expect(await redis.get(key)).toBe('node-b');
    await b.close();
    expect(await redis.get(key)).toBeNull();
  });
});
