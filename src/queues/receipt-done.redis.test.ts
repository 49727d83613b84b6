import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { GatewayConfig } from '../config/resolve.js';
import { markReceiptDone, receiptKey, receiptsDone } from './receipt-done.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';

describe('finished-receipt marks (real Redis)', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('rdone');
  const config = {
    redis: { prefix },
    retention: { jobsMs: 3_600_000 },
  } as unknown as GatewayConfig;
  const deps = { redis, config };
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('tells finished receipts of a batch from the others, and keeps a mark as long as completed jobs', async () => {
    const ref = `sha256:${'1'.repeat(64)}` as const;
    const a = receiptKey({ receiptRef: ref });
    // The same bytes answering one send are another receipt than the same bytes from the feed.
    const b = receiptKey({ receiptRef: ref, forMessage: 'm2' });
    expect(a).not.toBe(b);
    expect(await receiptsDone(deps, [a, b])).toEqual([false, false]);
    await markReceiptDone(deps, b);
    expect(await receiptsDone(deps, [a, b])).toEqual([false, true]);
    const ttl = await redis.pttl(`${prefix}:receipt-done:${b}`);
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    expect(await receiptsDone(deps, [])).toEqual([]);
  });
});
