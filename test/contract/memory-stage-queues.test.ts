import { MemoryStageQueues } from '../helpers/memory-stage-queues.js';
import { defineStageQueuesContractTests } from './stage-queues.contract.js';

defineStageQueuesContractTests('in-memory fake', async () => {
  const queues = new MemoryStageQueues(['k1', 'k2']);
  return {
    queues,
    waiting: async (stage, signer) =>
      queues.waiting(stage, signer).map((j) => ({ id: j.id, data: j.data })),
    close: async () => {},
  };
});
