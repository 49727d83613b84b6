import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryCursorRedis } from '../../test/helpers/memory-redis.js';
import { HttpPullReceiptSource } from './http-pull-source.js';
import { waitUntil } from '../../test/helpers/wait.js';

let server: Server | undefined;
let sent = 0;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
  sent = 0;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/feed`;
}

describe('HTTP receipt feed bounds', () => {
  it('refuses a response larger than maxBytes without reading it all', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (sent < 300 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.write('{"receipts":[');
      pump();
    });
    const source = new HttpPullReceiptSource(
      {
        name: 'feed',
        url,
        intervalMs: 1000,
        redis: memoryCursorRedis(),
        cursorKey: 'cursor',
        bounds: { maxBytes: 1024 * 1024, timeoutMs: 20_000 },
      },
      pino({ level: 'silent' }),
    );
    const err = await source.pollOnce(async () => {}).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('GW_ERR_FEED_TOO_LARGE');
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('gives up on a trickling feed after the total timeout and says so in the log', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 100);
      res.on('close', () => clearInterval(timer));
    });
    const lines: { level: number; msg: string; err?: { code?: string } }[] = [];
    const log = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const source = new HttpPullReceiptSource(
      {
        name: 'feed',
        url,
        intervalMs: 60_000,
        redis: memoryCursorRedis(),
        cursorKey: 'cursor',
        bounds: { maxBytes: 1024 * 1024, timeoutMs: 800 },
      },
      log,
    );
    await source.start(async () => {});
    try {
      await waitUntil(() => lines.some((l) => l.level === 40), 10_000);
    } finally {
      await source.close();
    }
    const warn = lines.find((l) => l.level === 40)!;
    expect(warn.err?.code).toBe('GW_ERR_FEED_TIMEOUT');
  });
});
