import { afterAll, beforeAll } from 'vitest';
import { Redis } from 'ioredis';
import { Ledger } from './ledger.js';
import { defineLedgerContractTests } from '../../test/contract/ledger.contract.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(() => redis.disconnect());

defineLedgerContractTests('Redis', async () => {
  // A prefix of its own per test: every test starts from an empty ledger.
  const prefix = uniquePrefix('ledger-contract');
  return { ledger: new Ledger(redis, prefix), close: () => dropPrefix(redis, prefix) };
});
