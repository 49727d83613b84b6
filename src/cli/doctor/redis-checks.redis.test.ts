import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from '../../../test/helpers/redis.js';
import { checkClockSkew, checkRedisPersistence } from './redis-checks.js';

describe('doctor Redis checks (real Redis; its settings are only read)', () => {
  let redis: Redis;
  beforeAll(() => void (redis = new Redis(TEST_REDIS_URL)));
  afterAll(() => redis.disconnect());

  it('reports AOF as it is, with a fix when it is off', async () => {
    const aof = ((await redis.config('GET', 'appendonly')) as string[])[1];
    const [f] = await checkRedisPersistence(redis);
    if (aof === 'yes')
      expect(f).toMatchObject({ level: 'ok', detail: expect.stringContaining('AOF on') });
    else expect(f).toMatchObject({ level: 'warn', fix: expect.stringContaining('appendonly yes') });
  });

  it('measures this clock against Redis TIME: in step here, a failure with a fix when a minute off', async () => {
    expect(await checkClockSkew(redis)).toMatchObject({ level: 'ok' });
    const late = await checkClockSkew(redis, () => Date.now() + 60_000);
    expect(late).toMatchObject({ level: 'fail', detail: expect.stringMatching(/ahead of Redis/) });
    expect(late.fix).toContain('chrony');
    expect(await checkClockSkew(redis, () => Date.now() - 5_000)).toMatchObject({
      level: 'warn',
      detail: expect.stringMatching(/behind/),
    });
  });
});
