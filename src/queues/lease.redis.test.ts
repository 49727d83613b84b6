import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisLease } from './lease.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';

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
});
