import { MemoryInbox } from '../helpers/memory-intake.js';
import type { IntakeSource } from '../../src/gateway/intake.js';
import { defineIntakeSourceContractTests } from './intake-source.contract.js';
import { MemoryReceiptFeed } from '../helpers/memory-receipt-source.js';
import type { ReceiptSource } from '../../src/receipts/receipt-source.js';
import { defineReceiptSourceContractTests } from './receipt-source.contract.js';
import { MemoryReceiptSink } from '../helpers/memory-receipt-sink.js';
import { defineReceiptSinkContractTests } from './receipt-sink.contract.js';
import { MemoryLedger } from '../helpers/memory-ledger.js';
import { defineLedgerContractTests } from './ledger.contract.js';
import { MemoryStageQueues } from '../helpers/memory-stage-queues.js';
import { defineStageQueuesContractTests } from './stage-queues.contract.js';
import { MemoryLeases } from '../helpers/memory-lease.js';
import { defineLeaseContractTests } from './lease.contract.js';
import { MemoryDeliveryControl } from '../helpers/memory-delivery-control.js';
import { defineDeliveryControlContractTests } from './delivery-control.contract.js';
import { MemoryCircuitBreakers } from '../helpers/memory-circuit-breakers.js';
import { defineCircuitBreakerContractTests } from './circuit-breaker.contract.js';

/** The in-memory fakes keep their ports' contracts, like the adapters they stand in for. */
defineIntakeSourceContractTests('in-memory fake', async () => {
  const inbox = new MemoryInbox();
  const made: IntakeSource[] = [];
  const make = (): IntakeSource => {
    const s = inbox.source('declaration');
    made.push(s);
    return s;
  };
  return {
    source: make(),
    put: async (name, bytes) => inbox.put(name, bytes),
    begin: async (name, bytes) => {
      const half = Math.floor(bytes.length / 2);
      inbox.begin(name, bytes.subarray(0, half));
      return { complete: async () => inbox.complete(name, bytes.subarray(half)) };
    },
    held: async () => inbox.held(),
    archived: async () => inbox.archivedNames(),
    restart: async () => make(),
    close: async () => {
      for (const s of made) await s.close();
    },
  };
});

defineReceiptSourceContractTests('in-memory fake feed', async () => {
  const feed = new MemoryReceiptFeed();
  const made: ReceiptSource[] = [];
  const make = (): ReceiptSource => {
    const s = feed.source();
    made.push(s);
    return s;
  };
  return {
    source: make(),
    offer: async (fileName, bytes) => feed.offer(fileName, bytes),
    remaining: async () => feed.remaining(),
    restart: async () => make(),
    close: async () => {
      for (const s of made) await s.close();
    },
  };
});

defineReceiptSinkContractTests('in-memory fake sink', async () => {
  const sink = new MemoryReceiptSink();
  return {
    sink,
    dir: (label) => `/memory/${label}`,
    read: async (dir, fileName) => sink.read(dir, fileName),
    list: async (dir) => sink.list(dir),
    close: async () => {},
  };
});

defineLedgerContractTests('in-memory fake', async () => ({
  ledger: new MemoryLedger(),
  close: async () => {},
}));

defineStageQueuesContractTests('in-memory fake', async () => {
  const queues = new MemoryStageQueues(['k1', 'k2']);
  return {
    queues,
    waiting: async (stage, signer) =>
      queues.waiting(stage, signer).map((j) => ({ id: j.id, data: j.data })),
    close: async () => {},
  };
});

defineLeaseContractTests('in-memory fake', async () => {
  let now = 0;
  const leases = new MemoryLeases(() => now);
  return {
    lease: (key, owner, ttlMs) => leases.lease(key, owner, ttlMs),
    pass: async (ms) => void (now += ms),
    close: async () => {},
  };
});

defineDeliveryControlContractTests('in-memory fake', async () => {
  const ledger = new MemoryLedger();
  return { control: new MemoryDeliveryControl(ledger), ledger, close: async () => {} };
});

defineCircuitBreakerContractTests('in-memory fake', async (settings) => {
  const breakers = new MemoryCircuitBreakers(settings);
  return { nodeA: breakers, nodeB: breakers, close: async () => {} };
});
