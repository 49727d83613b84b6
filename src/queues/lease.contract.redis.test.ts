import { afterAll, beforeAll } from 'vitest';
import { Redis } from 'ioredis';
import { RedisLease } from './lease.js';
import { defineLeaseContractTests } from '../../test/contract/lease.contract.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(() => redis.disconnect());

defineLeaseContractTests('Redis', async () => {
  const prefix = uniquePrefix('lease-contract');
  return {
    lease: (key, owner, ttlMs) => new RedisLease(redis, `${prefix}:lease:${key}`, ttlMs, owner),
    pass: (ms) => new Promise((r) => setTimeout(r, ms)),
    close: () => dropPrefix(redis, prefix),
  };
});
