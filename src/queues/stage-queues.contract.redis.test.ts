import { defineStageQueuesContractTests } from '../../test/contract/stage-queues.contract.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';
import { Redis } from 'ioredis';
import { StageQueues } from './stage-queues.js';
import { bullmqConnection } from './redis-connection.js';

defineStageQueuesContractTests('BullMQ', async () => {
  const prefix = uniquePrefix('stage-queues-contract');
  const queues = new StageQueues(bullmqConnection(TEST_REDIS_URL), prefix, 3, ['k1', 'k2']);
  return {
    queues,
    waiting: async (stage, signer) =>
      (await queues.queue(stage, signer).getWaiting()).map((j) => ({
        id: j.id!,
        data: j.data as never,
      })),
    close: async () => {
      await queues.close();
      const redis = new Redis(TEST_REDIS_URL);
      await dropPrefix(redis, prefix);
      redis.disconnect();
    },
  };
});
