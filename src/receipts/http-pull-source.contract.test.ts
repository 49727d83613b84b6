import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import {
  defineReceiptSourceContractTests,
  type ReceiptSourceHarness,
} from '../../test/contract/receipt-source.contract.js';
import { memoryCursorRedis } from '../../test/helpers/memory-redis.js';
import { HttpPullReceiptSource } from './http-pull-source.js';
import type { ReceiptSource } from './receipt-source.js';

const log = pino({ level: 'silent' });
const CURSOR = 'contract:cursor';

/**
 * The HTTP pull source against a feed on a loopback server, in the gateway's pull format
 * (`GET ?after=N` answers the entries after N, two at a time). The cursor lives in an in-memory
 * stand-in for Redis that survives a "restart"; what remains is what lies past the cursor.
 */
async function httpHarness(): Promise<ReceiptSourceHarness> {
  const entries: { seq: number; fileName: string; content: string }[] = [];
  const server: Server = createServer((req, res) => {
    const after = Number(new URL(req.url!, 'http://x').searchParams.get('after') ?? '0');
    const page = entries.filter((e) => e.seq > after).slice(0, 2);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ receipts: page, next: page.at(-1)?.seq ?? after }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/receipts/feed`;
  const redis = memoryCursorRedis();
  const made: ReceiptSource[] = [];
  const make = (): ReceiptSource => {
    const s = new HttpPullReceiptSource(
      { name: 'customs-feed', url, intervalMs: 20, redis, cursorKey: CURSOR },
      log,
    );
    made.push(s);
    return s;
  };
  return {
    source: make(),
    offer: async (fileName, bytes) =>
      void entries.push({
        seq: entries.length + 1,
        fileName,
        content: bytes.toString('base64'),
      }),
    remaining: async () => {
      const cursor = Number((await redis.get(CURSOR)) ?? '0');
      return entries.filter((e) => e.seq > cursor).map((e) => e.fileName);
    },
    restart: async () => make(),
    close: async () => {
      for (const s of made) await s.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

defineReceiptSourceContractTests('http-pull (loopback feed)', httpHarness);
