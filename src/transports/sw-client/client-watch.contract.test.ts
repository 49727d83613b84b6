import { mkdir, mkdtemp, readdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import {
  defineReceiptSourceContractTests,
  type ReceiptSourceHarness,
} from '../../../test/contract/receipt-source.contract.js';
import { removeTree } from '../../../test/helpers/inbox-folders.js';
import type { ReceiptSource } from '../../receipts/receipt-source.js';
import { SwClientWatch } from './client-watch.js';
import { SwClientTransport } from './sw-client-transport.js';

const log = pino({ level: 'silent' });
const MODULE = 'Deccus001';

/** The few Redis commands the watch keeps its "already reported" sets with, in memory. */
function memorySetRedis(): Redis {
  const strings = new Map<string, string>();
  const sets = new Map<string, Set<string>>();
  const set = (k: string): Set<string> => sets.get(k) ?? sets.set(k, new Set()).get(k)!;
  const store = {
    set: async (k: string, v: string, nx?: string) => {
      if (nx === 'NX' && strings.has(k)) return null;
      strings.set(k, v);
      return 'OK';
    },
    sadd: async (k: string, ...m: string[]) =>
      m.filter((x) => !set(k).has(x) && set(k).add(x)).length,
    srem: async (k: string, ...m: string[]) => m.filter((x) => set(k).delete(x)).length,
    smembers: async (k: string) => [...set(k)],
  };
  return store as unknown as Redis;
}

/**
 * The Single Window client watch as a receipt source: receipts are files the client writes into
 * a module's InBox (written beside it and renamed in); once stored they are moved to HDNBox (or
 * deleted). Its Redis sets live in memory and survive a "restart".
 */
async function watchHarness(after: 'move' | 'delete'): Promise<ReceiptSourceHarness> {
  const root = await mkdtemp(join(tmpdir(), 'eport-watch-contract-'));
  for (const box of ['OutBox', 'InBox', 'SentBox', 'FailBox'])
    await mkdir(join(root, MODULE, box), { recursive: true });
  const inBox = join(root, MODULE, 'InBox');
  const transport = new SwClientTransport({ name: 'client', impPath: root });
  const redis = memorySetRedis();
  const made: ReceiptSource[] = [];
  const make = (): ReceiptSource => {
    const watch = new SwClientWatch({
      name: 'client',
      transport,
      modules: [MODULE],
      subscriptions: [],
      pollMs: 10,
      // Receipts arrive whole (renamed in), so no window is needed to see them complete.
      stableMs: 0,
      pickupTimeoutMs: 3_600_000,
      receiptsAfter: after,
      redis,
      keyPrefix: 'contract',
      log,
    });
    made.push(watch);
    return watch;
  };
  return {
    source: make(),
    offer: async (fileName, bytes) => {
      const tmp = join(root, `${fileName}.writing`);
      await writeFile(tmp, bytes);
      await rename(tmp, join(inBox, fileName));
    },
    remaining: async () => readdir(inBox),
    restart: async () => make(),
    close: async () => {
      for (const watch of made) await watch.close();
      await transport.close();
      await removeTree(root);
    },
  };
}

defineReceiptSourceContractTests('sw-client watch, receipts moved to HDNBox', () =>
  watchHarness('move'),
);
defineReceiptSourceContractTests('sw-client watch, receipts deleted', () => watchHarness('delete'));
