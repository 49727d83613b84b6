import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildHttpApi } from '../../src/gateway/http-api.js';
import { httpApiDeps } from '../../src/queues/http-api-bindings.js';
import { createIntakeHandler } from '../../src/queues/intake-handler.js';
import { FeedWaiter } from '../../src/queues/feed-waiter.js';
import { unclaimedReceiptLines } from '../../src/cli/unclaimed-receipts.js';
import { waitFor } from '../helpers/wait.js';
import { decMessage } from '../helpers/dec-message.js';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';

const sha = (t: string): string => createHash('sha256').update(t).digest('hex');
const TOKENS = {
  poller: 'poller-token-1',
  reader: 'reader-2',
  uploader: 'uploader-3',
  legacy: 'legacy-4',
};
const auth = (t: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[t]}` });
const CLIENT = join(import.meta.dirname, '..', 'helpers', 'receipt-poll-client.mjs');

interface Page {
  receipts: {
    cursor: string;
    messageId: string;
    fileName: string;
    kind: string;
    content?: string;
    receipt?: { statusZh: string; businessKey: string };
  }[];
  next: string;
}

/** Runs the poller process; returns its output lines and how it ended. */
function runClient(
  url: string,
  mode: 'crash' | 'ack' | 'look',
  wait: number,
): Promise<{
  lines: Record<string, unknown>[];
  signal: NodeJS.Signals | null;
  code: number | null;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLIENT, url, TOKENS.poller, 'declaration', mode, String(wait)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        lines: out
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
        signal,
        code,
      });
    });
  });
}

/** Long poll, acknowledgement per client and the receipt forms over the API, on real Redis. */
describe('receipt polling API (real Redis)', () => {
  let t: TestGateway;
  let api: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    const tokens = [
      `{ name: poller, sha256: ${sha(TOKENS.poller)}, scopes: [receipts] }`,
      `{ name: reader, sha256: ${sha(TOKENS.reader)}, scopes: [read-only] }`,
      `{ name: uploader, sha256: ${sha(TOKENS.uploader)}, scopes: [upload] }`,
      `{ name: legacy, sha256: ${sha(TOKENS.legacy)} }`,
    ];
    t = await startTestGateway('poll', testChannel('declaration'), {
      sandbox: { stepMs: 10 },
      extra: `http: { enabled: false, maxEventLoopDelayMs: 0, tokens: [${tokens.join(', ')}] }`,
    });
    api = buildHttpApi(httpApiDeps(t.gateway.deps, createIntakeHandler(t.gateway.deps)));
    await api.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await api?.close();
    await t?.close();
  });

  /** Waits until the message from `file` is closed and every receipt of it is in the feed. */
  async function settled(file: string): Promise<string> {
    const { ledger, receiptFeed } = t.gateway.deps;
    const id = await waitFor(
      file,
      () => ledger.findBySource('declaration', file),
      (v) => v !== null,
      10_000,
    );
    await waitFor(
      `${file} closed`,
      async () => (await ledger.get(id!))?.status,
      (s) => s === 'closed',
      20_000,
    );
    // Closed is the last receipt's status; its write-back lands a moment later.
    await waitFor(
      `${file} receipts in the feed`,
      async () =>
        (await receiptFeed.read('declaration', '0', 1000)).filter(
          (e) => e.messageId === id && e.kind === 'dec-result' && /\.dec-result\./.test(e.fileName),
        ).length,
      (n) => n >= 5,
      20_000,
    );
    let last = -1;
    await waitFor(
      'feed quiet',
      async () => {
        const n = (await receiptFeed.read('declaration', '0', 1000)).length;
        const quiet = n === last;
        last = n;
        await new Promise((r) => setTimeout(r, 300));
        return quiet;
      },
      (q) => q,
      20_000,
    );
    return id!;
  }

  const get = async (
    path: string,
    who: keyof typeof TOKENS = 'poller',
    headers: Record<string, string> = {},
  ) => api.inject({ url: path, headers: { ...auth(who), ...headers } });

  it('a long poll answers as soon as a receipt is written, not at the end of its wait', async () => {
    const startRes = await get('/v1/receipts?channel=declaration&after=0');
    expect(startRes.statusCode, startRes.body).toBe(200);
    const start = startRes.json() as Page;
    expect(start.receipts).toEqual([]);
    const poll = fetch(`${url}/v1/receipts?channel=declaration&after=0&wait=60`, {
      headers: auth('poller'),
    }).then(async (r) => (await r.json()) as Page);
    await new Promise((r) => setTimeout(r, 200));
    writeFileSync(join(t.dir, 'declaration', 'inbox', 'lp.xml'), decMessage('POLLLONG001'));
    // The test's own timeout (30 s) is shorter than the wait (60 s): only a wake-up passes.
    const page = await poll;
    expect(page.receipts.length).toBeGreaterThanOrEqual(1);
    expect(page.receipts[0]!.fileName).toMatch(/^lp\./);
    expect(page.next).toBe(page.receipts.at(-1)!.cursor);
  });

  it('an empty long poll answers after its wait with the same cursor', async () => {
    await settled('lp.xml');
    const latest = await t.gateway.deps.receiptFeed.latest('declaration');
    const res = await get(`/v1/receipts?channel=declaration&after=${latest}&wait=1`);
    expect(res.json()).toEqual({ receipts: [], next: latest });
    expect(res.headers['x-next-cursor']).toBe(latest);
  });

  it('a long poll in flight answers at once when the API shuts down, instead of holding the shutdown', async () => {
    const other = buildHttpApi(httpApiDeps(t.gateway.deps));
    await other.listen({ host: '127.0.0.1', port: 0 });
    const latest = await t.gateway.deps.receiptFeed.latest('declaration');
    const port = (other.server.address() as AddressInfo).port;
    const poll = fetch(
      `http://127.0.0.1:${port}/v1/receipts?channel=declaration&after=${latest}&wait=60`,
      { headers: auth('poller') },
    ).then(async (r) => ({ status: r.status, body: (await r.json()) as Page }));
    await waitFor(
      'poll waiting',
      () => other.inject({ url: '/healthz' }).then(() => true),
      (v) => v,
      5_000,
    );
    await new Promise((r) => setTimeout(r, 300));
    await other.close(); // the test's 30 s timeout is shorter than the 60 s wait
    expect(await poll).toEqual({ status: 200, body: { receipts: [], next: latest } });
  });

  it('wakes a waiting poll through Redis pub/sub when the feed grows', async () => {
    const waiter = new FeedWaiter(
      t.gateway.deps.redis,
      t.gateway.deps.receiptFeed.feedSignal,
      600_000,
    );
    await waiter.start();
    try {
      const w = waiter.wait('other', 600_000);
      expect(waiter.waiting).toBe(1);
      await t.gateway.deps.receiptFeed.append(
        'other',
        { messageId: 'm', fileName: 'f.xml', kind: 'dec-result', receiptRef: 'sha256:00' as never },
        1,
      );
      await w.done; // no timer could end it: only the signal
      expect(waiter.waiting).toBe(0);
      // The same (message, seq) is in the feed once, however often it is appended.
      await t.gateway.deps.receiptFeed.append(
        'other',
        { messageId: 'm', fileName: 'f.xml', kind: 'dec-result', receiptRef: 'sha256:00' as never },
        1,
      );
      expect(await t.gateway.deps.receiptFeed.read('other', '0', 10)).toHaveLength(1);
    } finally {
      await waiter.close();
    }
  });

  it('a client killed between receiving and acknowledging gets the same receipts again; nothing is lost', async () => {
    writeFileSync(join(t.dir, 'declaration', 'inbox', 'crash.xml'), decMessage('POLLCRASH01'));
    const id = await settled('crash.xml');
    const all = (await get('/v1/receipts?channel=declaration&after=0&limit=500')).json() as Page;

    const crashed = await runClient(url, 'crash', 5);
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.lines).toHaveLength(1);
    const first = crashed.lines[0] as { cursors: string[]; files: string[] };
    // Never acknowledged: the server started from the beginning and gave every receipt.
    expect(first.cursors).toEqual(all.receipts.map((r) => r.cursor));
    expect(first.files.filter((f) => f.startsWith('crash.'))).not.toHaveLength(0);

    // Nobody has collected them yet.
    const unclaimedBefore = (
      await get('/v1/receipts/unclaimed?channel=declaration', 'reader')
    ).json() as { receipts: { cursor: string }[] };
    expect(unclaimedBefore.receipts.map((r) => r.cursor)).toEqual(first.cursors);
    const status = await unclaimedReceiptLines(t.gateway.deps);
    expect(status[0]).toMatch(/^receipts not collected through the API/);
    expect(status[1]).toMatch(
      new RegExp(
        `^  declaration +${first.cursors.length} receipt\\(s\\) nobody collected, oldest \\d+ min`,
      ),
    );

    const restarted = await runClient(url, 'ack', 5);
    expect(restarted.code).toBe(0);
    const second = restarted.lines[0] as { cursors: string[]; next: string };
    expect(second.cursors).toEqual(first.cursors);
    expect(restarted.lines[1]).toEqual({
      ack: 200,
      body: { channel: 'declaration', acked: second.next, recorded: first.cursors.length },
    });

    // After the acknowledgement the client resumes after it: nothing twice.
    const third = await runClient(url, 'look', 1);
    expect((third.lines[0] as { cursors: string[] }).cursors).toEqual([]);
    expect(
      (
        (await get('/v1/receipts/unclaimed?channel=declaration', 'reader')).json() as {
          receipts: unknown[];
        }
      ).receipts,
    ).toEqual([]);
    expect(await unclaimedReceiptLines(t.gateway.deps)).toEqual([]);

    // The ledger says who collected which receipt.
    const msg = (await get(`/v1/messages/${id}`, 'reader')).json() as {
      collected: { client: string; fileName: string }[];
      events: { stage: string; text: string }[];
    };
    const crashFiles = first.files.filter((f) => f.startsWith('crash.'));
    expect(msg.collected.map((c) => c.fileName).sort()).toEqual([...crashFiles].sort());
    expect(msg.collected.every((c) => c.client === 'poller')).toBe(true);
    expect(msg.events.filter((e) => e.stage === 'api')).toHaveLength(crashFiles.length);

    // Acknowledging the same cursor again records nothing twice.
    const again = await api.inject({
      method: 'POST',
      url: '/v1/receipts/ack',
      headers: auth('poller'),
      payload: { channel: 'declaration', cursor: second.next },
    });
    expect(again.json()).toEqual({ channel: 'declaration', acked: second.next, recorded: 0 });
  }, 60_000);

  it('offers each receipt as XML, JSON, CSV with Chinese status text, by format= or Accept', async () => {
    const xml = await get('/v1/receipts?channel=declaration&after=0&limit=3', 'poller', {
      accept: 'application/xml',
    });
    expect(xml.headers['content-type']).toMatch(/^application\/xml/);
    expect(xml.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Receipts channel="declaration" next="\d+-\d+">/,
    );
    expect(xml.body).toMatch(
      /<Receipt cursor="\d+-\d+" messageId="[0-9a-f]{32}" fileName="lp\.[^"]+"/,
    );
    expect(xml.body).toContain('POLLLONG001');

    const csv = await get('/v1/receipts?channel=declaration&after=0&format=csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      '游标,文件名,业务编号,统一编号,报关单号,回执种类,状态代码,状态说明,回执内容,网关状态,时间,错误信息',
    );
    expect(
      lines.some((l) =>
        /,POLLLONG001,[A-Z0-9]{18},\d{18},dec-result,R,已结关,报关单已结关,closed,\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},$/.test(
          l,
        ),
      ),
    ).toBe(true);

    const json = (
      await get('/v1/receipts?channel=declaration&after=0', 'poller', {
        accept: 'application/json',
      })
    ).json() as Page;
    expect(
      json.receipts.find((r) => r.kind === 'dec-result' && r.receipt?.statusZh === '已结关')
        ?.receipt?.businessKey,
    ).toBe('POLLLONG001');
    expect(json.receipts[0]!.content).toBeUndefined();

    const raw = (await get('/v1/receipts?channel=declaration&after=0')).json() as Page;
    expect(Buffer.from(raw.receipts[0]!.content!, 'base64').toString('utf8')).toMatch(/^<\?xml/);
    expect((await get('/v1/receipts?channel=declaration&format=mapping')).statusCode).toBe(400);
  });

  it('serves orphan receipts too, an unreadable one included, in every format', async () => {
    const push = await api.inject({
      method: 'POST',
      url: '/v1/receipts/push',
      headers: {
        ...auth('legacy'),
        'content-type': 'application/octet-stream',
        'x-file-name': 'broken.xml',
      },
      payload: Buffer.from('<DEC_RESULT><CHANNEL>R</CHA'),
    });
    expect(push.statusCode).toBe(202);
    const page = await waitFor(
      'orphan in the feed',
      async () => (await get('/v1/receipts?channel=orphans&after=0&format=json')).json() as Page,
      (p) => p.receipts.length > 0,
      20_000,
    );
    expect(page.receipts[0]).toMatchObject({
      kind: 'orphan',
      messageId: '',
      receipt: { statusZh: '回执无法解析', negative: true },
    });
    const xml = await get('/v1/receipts?channel=orphans&after=0&format=xml');
    expect(xml.statusCode).toBe(200);
    expect(xml.body).toContain(
      `<Base64>${Buffer.from('<DEC_RESULT><CHANNEL>R</CHA').toString('base64')}</Base64>`,
    );
    expect((await get('/v1/receipts?channel=orphans&after=0&format=csv')).body).toContain(
      '回执无法解析',
    );
  });

  it("validates every input and enforces each token's scopes", async () => {
    expect((await get('/v1/receipts?channel=declaration&after=nope')).statusCode).toBe(400);
    expect((await get('/v1/receipts?channel=declaration&wait=999')).statusCode).toBe(400);
    expect((await get('/v1/receipts?channel=declaration&color=red')).json()).toMatchObject({
      error: expect.stringMatching(/^invalid request \/ 请求无效/),
    });
    const ack = (who: keyof typeof TOKENS, payload: unknown) =>
      api.inject({
        method: 'POST',
        url: '/v1/receipts/ack',
        headers: auth(who),
        payload: payload as object,
      });
    expect((await ack('poller', { channel: 'declaration' })).statusCode).toBe(400);
    expect(
      (await ack('poller', { channel: 'declaration', cursor: '99999999999999-0' })).json(),
    ).toMatchObject({ error: expect.stringMatching(/past the newest receipt/) });
    expect((await ack('poller', { channel: 'nope', cursor: '0' })).statusCode).toBe(400);
    const big = await api.inject({
      method: 'POST',
      url: '/v1/receipts/ack',
      headers: { ...auth('poller'), 'content-type': 'application/json' },
      payload: JSON.stringify({ channel: 'declaration', cursor: '0', pad: 'x'.repeat(10_000) }),
    });
    expect(big.statusCode).toBe(413);

    expect((await ack('reader', { channel: 'declaration', cursor: '0' })).statusCode).toBe(403);
    expect((await get('/v1/receipts?channel=declaration&after=0', 'reader')).statusCode).toBe(200);
    expect((await get('/v1/receipts?channel=declaration', 'uploader')).statusCode).toBe(403);
    expect((await get('/v1/metrics', 'uploader')).statusCode).toBe(200);
    expect(
      (
        await api.inject({
          method: 'POST',
          url: '/v1/channels/declaration/documents',
          headers: auth('reader'),
          payload: 'x',
        })
      ).statusCode,
    ).toBe(403);
    // A token configured without scopes keeps every scope (and the gateway warns at start).
    expect((await ack('legacy', { channel: 'declaration', cursor: '0' })).statusCode).toBe(200);
    expect((await get('/v1/receipts?channel=declaration', 'legacy')).statusCode).toBe(200);
  });
});
