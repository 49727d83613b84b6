import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { HttpPullReceiptSource } from './http-pull-source.js';
import type { InboundReceipt } from './receipt-source.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';
import { waitFor } from '../../test/helpers/wait.js';

type Entry = { seq: number; fileName?: unknown; content?: unknown };

/**
 * Issue 12, data loss 5 and 6: a feed that starts again is noticed and read from the start; a
 * bad entry is parked with an alert and the feed goes on. A real HTTP feed on loopback.
 */
describe('HTTP pull receipt source against a feed that restarts or holds bad entries (real Redis)', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('feedsrc');
  let server: Server | undefined;
  let source: HttpPullReceiptSource | undefined;
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });

  afterEach(async () => {
    await source?.close();
    server?.close();
    source = server = undefined;
    lines.length = 0;
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  /** A feed in the gateway's pull format: receipts with seq > after; `feedId` optional. */
  async function feed(entries: () => Entry[], feedId?: () => string): Promise<string> {
    server = createServer((req, res) => {
      const after = Number(new URL(req.url!, 'http://x').searchParams.get('after') ?? '0');
      const page = entries()
        .filter((e) => e.seq > after)
        .slice(0, 3);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          receipts: page,
          next: page.at(-1)?.seq ?? after,
          ...(feedId ? { feedId: feedId() } : {}),
        }),
      );
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/receipts`;
  }
  const receipt = (seq: number): Entry => ({
    seq,
    fileName: `r${seq}.xml`,
    content: Buffer.from(`<r n="${seq}"/>`).toString('base64'),
  });

  async function run(url: string, cursorKey: string) {
    const got: InboundReceipt[] = [];
    source = new HttpPullReceiptSource(
      { name: 'feed', url, intervalMs: 20, redis, cursorKey },
      log,
    );
    await source.start(async (rs) => void got.push(...rs));
    return got;
  }

  it('rewinds, with a warning, a cursor above everything a restarted feed holds', async () => {
    const key = `${prefix}:cursor:restarted`;
    await redis.set(key, '30');
    const url = await feed(() => [1, 2, 3, 4, 5].map(receipt));
    const got = await run(url, key);
    await waitFor(
      'the new feed read from its start',
      () => got.length,
      (n) => n === 5,
      10_000,
    );
    expect(got.map((r) => r.fileName)).toEqual(['r1.xml', 'r2.xml', 'r3.xml', 'r4.xml', 'r5.xml']);
    expect(lines.some((l) => l.level === 40 && /rewind/.test(l.msg))).toBe(true);
    expect(await redis.get(key)).toBe('5');
  });

  it('rewinds when the feed says it is another feed than the one the cursor belongs to', async () => {
    const key = `${prefix}:cursor:epoch`;
    let id = 'run-1';
    let entries = [1, 2, 3].map(receipt);
    const url = await feed(
      () => entries,
      () => id,
    );
    const got = await run(url, key);
    await waitFor(
      'first run read',
      () => got.length,
      (n) => n === 3,
      10_000,
    );
    id = 'run-2';
    entries = [1, 2, 3, 4, 5, 6].map((n) => ({ ...receipt(n), fileName: `second-${n}.xml` }));
    await waitFor(
      'second run read whole',
      () => got.filter((r) => r.fileName.startsWith('second-')).length,
      (n) => n === 6,
      10_000,
    );
    expect(lines.some((l) => l.level === 40 && /rewind/.test(l.msg))).toBe(true);
  });

  it('parks entries without content or file name with an alert and reads the receipts behind them', async () => {
    const key = `${prefix}:cursor:bad`;
    const url = await feed(() => [
      receipt(1),
      { seq: 2, fileName: 'null.xml', content: null },
      { seq: 3, content: receipt(3).content },
      { seq: 4, fileName: 7, content: 'not base64 ✗' },
      receipt(5),
      receipt(6),
    ]);
    const got = await run(url, key);
    await waitFor(
      'the good receipts behind the bad ones',
      () => got.filter((r) => /^r\d\.xml$/.test(r.fileName)).length,
      (n) => n === 3,
      10_000,
    );
    expect(await redis.get(key)).toBe('6');
    const parked = got.filter((r) => r.fileName.startsWith('feed-entry-'));
    expect(parked.map((r) => r.fileName)).toEqual([
      'feed-entry-2.json',
      'feed-entry-3.json',
      'feed-entry-4.json',
    ]);
    expect(JSON.parse(parked[0]!.bytes.toString('utf8'))).toMatchObject({ seq: 2, content: null });
    expect(lines.filter((l) => l.level >= 50 && /bad feed entry/.test(l.msg))).toHaveLength(3);
  });

  it('hands each page over in one call, bad entries included, and moves the cursor only once it resolved', async () => {
    const key = `${prefix}:cursor:pages`;
    const url = await feed(() => [
      receipt(1),
      { seq: 2, fileName: 'x.xml' },
      receipt(3),
      receipt(4),
    ]);
    source = new HttpPullReceiptSource(
      { name: 'feed', url, intervalMs: 20, redis, cursorKey: key },
      log,
    );
    const calls: string[][] = [];
    let fail = true;
    const onReceipts = async (rs: readonly InboundReceipt[]): Promise<void> => {
      calls.push(rs.map((r) => r.fileName));
      if (fail) throw new Error('receipt store down');
    };
    await expect(source.pollOnce(onReceipts)).rejects.toThrow('receipt store down');
    expect(await redis.get(key)).toBeNull();
    fail = false;
    expect(await source.pollOnce(onReceipts)).toBe(3);
    expect(await source.pollOnce(onReceipts)).toBe(1);
    expect(calls).toEqual([
      ['r1.xml', 'feed-entry-2.json', 'r3.xml'],
      ['r1.xml', 'feed-entry-2.json', 'r3.xml'],
      ['r4.xml'],
    ]);
    expect(await redis.get(key)).toBe('4');
  });

  it('fails the poll of an answer that is no feed page (receipts not a list) and keeps the cursor', async () => {
    const key = `${prefix}:cursor:malformed`;
    await redis.set(key, '4');
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ receipts: 'maintenance', next: 99 }));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    source = new HttpPullReceiptSource(
      {
        name: 'feed',
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/receipts`,
        intervalMs: 20,
        redis,
        cursorKey: key,
      },
      log,
    );
    const got: InboundReceipt[] = [];
    await expect(source.pollOnce(async (rs) => void got.push(...rs))).rejects.toMatchObject({
      code: 'GW_ERR_FEED_MALFORMED',
      kind: 'transient',
    });
    expect(await redis.get(key)).toBe('4');
    expect(got).toEqual([]);
  });
});
