import { afterAll, beforeAll } from 'vitest';
import { Redis } from 'ioredis';
import { CircuitBreakers } from './circuit-breaker.js';
import { defineCircuitBreakerContractTests } from '../../test/contract/circuit-breaker.contract.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';

let a: Redis;
let b: Redis;
beforeAll(() => {
  // Two connections stand for two gateway nodes on one Redis.
  a = new Redis(TEST_REDIS_URL);
  b = new Redis(TEST_REDIS_URL);
});
afterAll(() => {
  a.disconnect();
  b.disconnect();
});

defineCircuitBreakerContractTests('Redis, two nodes', async (settings) => {
  const prefix = uniquePrefix('breaker-contract');
  return {
    nodeA: new CircuitBreakers(a, prefix, settings),
    nodeB: new CircuitBreakers(b, prefix, settings),
    close: () => dropPrefix(a, prefix),
  };
});
