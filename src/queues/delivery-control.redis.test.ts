import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { DeliveryControl } from './delivery-control.js';
import { Ledger } from './ledger.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';

/**
 * What only the Redis delivery control has: the operator's side that no stage uses (replay
 * numbering, the channel's own log). The claim, holds and releases are in the contract suite
 * (delivery-control.contract.redis.test.ts), which the in-memory fake runs too.
 */
describe('DeliveryControl (real Redis)', () => {
  const prefix = uniquePrefix('control');
  let redis: Redis;
  let ledger: Ledger;
  let control: DeliveryControl;
  const base = {
    channel: 'dec',
    sourceName: 'a.xml',
    docRef: `sha256:${'a'.repeat(64)}` as const,
    createdAt: 1_000,
  };

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    ledger = new Ledger(redis, prefix);
    control = new DeliveryControl(redis, prefix);
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('keeps a channel hold with its reason and logs it and its release in the channel log', async () => {
    expect(await control.holdChannel('dec', 'ops', 'customs maintenance')).toBe(true);
    expect(await control.channelHoldOf('dec')).toMatchObject({
      channel: 'dec',
      by: 'ops',
      reason: 'customs maintenance',
    });
    await control.releaseChannel('dec', 'ops');
    expect(await control.channelHoldOf('dec')).toBeUndefined();
    expect((await control.channelEventsOf('dec')).map((e) => e.text)).toEqual([
      'channel held by ops: customs maintenance / 通道暂停发送',
      'channel released by ops / 通道恢复发送',
    ]);
  });

  it('numbers replays of delivered messages only, with the reason in the timeline', async () => {
    await ledger.create({ ...base, id: 'r1', sourceName: 'r1.xml' });
    expect(await control.replay('r1', 'ops', 'lost at customs')).toBe('not-sent');
    await ledger.set('r1', { deliveredAt: 7 });
    expect(await control.replay('r1', 'ops', 'lost at customs')).toBe(1);
    expect(await control.replay('r1', 'ops', 'again')).toBe('pending'); // #1 has not gone out yet
    await ledger.set('r1', { replaysDone: 1 });
    expect(await control.replay('r1', 'ops', 'again')).toBe(2);
    expect(await control.replay('nope', 'ops', 'x')).toBe('missing');
    expect((await ledger.events('r1')).map((e) => e.text)).toContain(
      'replay #1 requested by ops: lost at customs / 操作员要求重放',
    );
  });
});
