import { afterAll, beforeAll } from 'vitest';
import { Redis } from 'ioredis';
import { DeliveryControl } from './delivery-control.js';
import { Ledger } from './ledger.js';
import { defineDeliveryControlContractTests } from '../../test/contract/delivery-control.contract.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(() => redis.disconnect());

defineDeliveryControlContractTests('Redis', async () => {
  const prefix = uniquePrefix('control-contract');
  return {
    control: new DeliveryControl(redis, prefix),
    ledger: new Ledger(redis, prefix),
    close: () => dropPrefix(redis, prefix),
  };
});
