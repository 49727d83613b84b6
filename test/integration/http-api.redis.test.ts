import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildHttpApi } from '../../src/gateway/http-api.js';
import { httpApiDeps } from '../../src/queues/http-api-bindings.js';
import { createIntakeHandler } from '../../src/queues/intake-handler.js';
import { waitFor } from '../helpers/wait.js';
import { decMessage } from '../helpers/dec-message.js';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';

const TOKEN = 'poller-secret-令牌';

/** The polling API a legacy system uses instead of the outbox folder. */
describe('HTTP API (real Redis)', () => {
  let t: TestGateway;
  let gateway: TestGateway['gateway'];
  let sandbox: TestGateway['sandbox'];
  let api: FastifyInstance;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    const tokens = `http: { enabled: false, maxEventLoopDelayMs: 0, tokens: [{ name: poller, sha256: ${createHash('sha256').update(TOKEN).digest('hex')} }] }`;
    t = await startTestGateway('api', testChannel('declaration'), {
      sandbox: { stepMs: 10 },
      extra: tokens,
    });
    ({ gateway, sandbox } = t);
    api = buildHttpApi(httpApiDeps(gateway.deps, createIntakeHandler(gateway.deps)));
    writeFileSync(join(t.dir, 'declaration', 'inbox', 'p.xml'), decMessage('APIPOLL0001'));
  });
  afterAll(async () => {
    await api?.close();
    await t?.close();
  });

  it('answers /health without a token and refuses /v1 without a valid one', async () => {
    expect((await api.inject({ url: '/health' })).json()).toEqual({ status: 'ok', redis: 'ok' });
    expect((await api.inject({ url: '/v1/receipts?channel=declaration' })).statusCode).toBe(401);
    expect(
      (
        await api.inject({
          url: '/v1/receipts?channel=declaration',
          headers: { authorization: 'Bearer wrong' },
        })
      ).statusCode,
    ).toBe(401);
    expect((await api.inject({ url: '/v1/receipts?channel=nope', headers: auth })).statusCode).toBe(
      400,
    );
  });

  it('pages through every receipt once with a cursor, in outbox order', async () => {
    const all: { fileName: string; content: string }[] = [];
    let after = '0';
    await waitFor(
      'six receipts through the API',
      async () => {
        const page = (
          await api.inject({
            url: `/v1/receipts?channel=declaration&after=${after}&limit=2`,
            headers: auth,
          })
        ).json() as { receipts: { fileName: string; content: string }[]; next: string };
        all.push(...page.receipts);
        after = page.next;
        return all.length;
      },
      (n) => n >= 6,
      20_000,
    );
    expect(all.map((r) => r.fileName)).toEqual([...new Set(all.map((r) => r.fileName))]);
    expect(
      all.map((r) => r.fileName).filter((f) => /^p\.import-response\.\d{2}\.xml$/.test(f)),
    ).toHaveLength(1);
    expect(
      all.some((r) =>
        Buffer.from(r.content, 'base64').toString('utf8').includes('<CHANNEL>R</CHANNEL>'),
      ),
    ).toBe(true);
    const empty = (
      await api.inject({ url: `/v1/receipts?channel=declaration&after=${after}`, headers: auth })
    ).json() as { receipts: unknown[]; next: string };
    expect(empty).toEqual({ receipts: [], next: after });
  });

  it('takes a document over HTTP like a dropped file: receipts, status, duplicates, bad names', async () => {
    const xml = decMessage('APIUPLOAD01');
    const up = await api.inject({
      method: 'POST',
      url: '/v1/channels/declaration/documents',
      headers: {
        ...auth,
        'content-type': 'application/xml',
        'x-file-name': encodeURIComponent('上传-1.xml'),
      },
      payload: xml,
    });
    expect(up.statusCode).toBe(202);
    const { messageId } = up.json() as { messageId: string };
    await waitFor(
      'uploaded message closed',
      async () => (await gateway.deps.ledger.get(messageId))?.status,
      (s) => s === 'closed',
      20_000,
    );
    const again = await api.inject({
      method: 'POST',
      url: '/v1/channels/declaration/documents',
      headers: { ...auth, 'content-type': 'application/xml' },
      payload: xml,
    });
    expect(again.json()).toEqual({ kind: 'duplicate', messageId });
    expect(sandbox.stats().byClientSeqNo.APIUPLOAD01).toEqual({ submissions: 1, accepted: 1 });
    const bad = await api.inject({
      method: 'POST',
      url: '/v1/channels/declaration/documents',
      headers: { ...auth, 'x-file-name': '..%2Fetc%2Fpasswd' },
      payload: xml,
    });
    expect(bad.statusCode).toBe(400);
    expect(
      (
        await api.inject({
          method: 'POST',
          url: '/v1/channels/nope/documents',
          headers: auth,
          payload: xml,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await api.inject({
          method: 'POST',
          url: '/v1/channels/declaration/documents',
          payload: xml,
        })
      ).statusCode,
    ).toBe(401);
  }, 30_000);

  it('takes receipts pushed by the customs side', async () => {
    const id = (await gateway.deps.ledger.findBySource('declaration', 'p.xml'))!;
    const before = (await gateway.deps.ledger.events(id)).length;
    const pushed = `<?xml version="1.0" encoding="UTF-8"?><DEC_RESULT><CUS_CIQ_NO>X</CUS_CIQ_NO><CLIENT_SEQ_NO>APIPOLL0001</CLIENT_SEQ_NO><CHANNEL>C</CHANNEL><NOTE>查验通知（推送）</NOTE><NOTICE_DATE>2026-11-27T10:00:00</NOTICE_DATE></DEC_RESULT>`;
    const res = await api.inject({
      method: 'POST',
      url: '/v1/receipts/push',
      headers: { ...auth, 'content-type': 'application/xml' },
      payload: pushed,
    });
    expect(res.statusCode).toBe(202);
    await waitFor(
      'pushed receipt recorded',
      async () => (await gateway.deps.ledger.events(id)).length,
      (n) => n > before,
      10_000,
    );
    expect((await gateway.deps.ledger.get(id))!.status).toBe('closed'); // a late 查验 never moves a closed message back
  });

  it('exposes Prometheus metrics to an authenticated scraper', async () => {
    expect((await api.inject({ url: '/v1/metrics' })).statusCode).toBe(401);
    const res = await api.inject({ url: '/v1/metrics', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/eport_queue_jobs\{queue="deliver",state="completed"\} [1-9]/);
    expect(res.body).toMatch(/eport_signer_ready\{signer="k",state="ready"\} 1/);
    expect(res.body).toMatch(
      /eport_certificate_expiry_timestamp_seconds\{signer="k",cert_no="[0-9a-f]+"\} \d{10}/,
    );
    expect(res.body).toMatch(/eport_ledger_messages [1-9]/);
  });

  it('shows a message with its timeline', async () => {
    const id = (await gateway.deps.ledger.findBySource('declaration', 'p.xml'))!;
    const res = (await api.inject({ url: `/v1/messages/${id}`, headers: auth })).json() as {
      status: string;
      businessKey: string;
      events: unknown[];
    };
    expect(res).toMatchObject({ status: 'closed', businessKey: 'APIPOLL0001' });
    expect(res.events.length).toBeGreaterThan(8);
    expect((await api.inject({ url: '/v1/messages/0000', headers: auth })).statusCode).toBe(404);
  });
});
