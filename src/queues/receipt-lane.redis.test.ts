import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import {
  LANE_STALE_MS,
  earlierPagePending,
  enterLane,
  leaveLane,
  type ReceiptLane,
} from './receipt-lane.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';

describe('receipt lanes (real Redis)', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('receipt-lane');
  let n = 0;
  const lane = (): ReceiptLane => ({ redis, prefix, name: `feed-${++n}` });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('lets a page go only when the pages queued before it were tried', async () => {
    const l = lane();
    await enterLane(l, 'page-1');
    await enterLane(l, 'page-2');
    await enterLane(l, 'page-3');
    expect(await earlierPagePending(l, 'page-1')).toBe(false);
    expect(await earlierPagePending(l, 'page-2')).toBe(true);
    expect(await earlierPagePending(l, 'page-3')).toBe(true);
    await leaveLane(l, 'page-2'); // tried out of turn (its wait ran out): page 1 still holds 3
    expect(await earlierPagePending(l, 'page-3')).toBe(true);
    await leaveLane(l, 'page-1');
    expect(await earlierPagePending(l, 'page-3')).toBe(false);
  });

  it('keeps a page in its first place when the same page is queued again', async () => {
    const l = lane();
    await enterLane(l, 'page-a');
    await enterLane(l, 'page-b');
    await enterLane(l, 'page-a');
    expect(await earlierPagePending(l, 'page-a')).toBe(false);
    expect(await earlierPagePending(l, 'page-b')).toBe(true);
  });

  it('keeps lanes of different feeds apart, and a page that left (a retry) waits for nothing', async () => {
    const one = lane();
    const two = lane();
    await enterLane(one, 'p1');
    await enterLane(two, 'p2');
    expect(await earlierPagePending(two, 'p2')).toBe(false);
    await enterLane(one, 'p3');
    await leaveLane(one, 'p3');
    expect(await earlierPagePending(one, 'p3')).toBe(false);
  });

  it('does not let a lost entry (its job never queued) hold up the feed past the bound, and sweeps it', async () => {
    const l = lane();
    const key = `${prefix}:receipt-lane:${l.name}`;
    await redis.zadd(key, Date.now() - LANE_STALE_MS - 1_000, 'lost-page');
    await enterLane(l, 'page-x');
    expect(await earlierPagePending(l, 'page-x')).toBe(false);
    await leaveLane(l, 'page-x');
    expect(await redis.zscore(key, 'lost-page')).toBeNull();
  });

  it('does not let a page read again after it was tried (one finished job, never run again) hold up the next', async () => {
    const l = lane();
    await enterLane(l, 'page-1');
    await leaveLane(l, 'page-1');
    await enterLane(l, 'page-1'); // the same page again: BullMQ keeps the finished job, adds nothing
    await enterLane(l, 'page-2');
    expect(await earlierPagePending(l, 'page-2')).toBe(false);
    expect(await earlierPagePending(l, 'page-1')).toBe(false);
  });
});
