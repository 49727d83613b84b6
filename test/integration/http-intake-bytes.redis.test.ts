import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { FastifyInstance } from 'fastify';
import { buildHttpApi } from '../../src/gateway/http-api.js';
import { httpApiDeps } from '../../src/queues/http-api-bindings.js';
import { createIntakeHandler } from '../../src/queues/intake-handler.js';
import { ROOT } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { decMessage } from '../helpers/dec-message.js';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';

const TOKEN = 'upload-secret-令牌';
const CEB = join(ROOT, 'samples', 'ceb');

/**
 * Issue 12, data loss 2 and 3, time bounds 3: an upload is the bytes that came, whatever the
 * Content-Type; a nameless upload gets a name of its own; slow or bad requests cost nothing.
 */
describe('HTTP intake takes raw bytes and names every upload uniquely (real Redis)', () => {
  let t: TestGateway;
  let api: FastifyInstance;
  let port = 0;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    const hash = createHash('sha256').update(TOKEN).digest('hex');
    const extra = `http: { enabled: false, requestTimeoutMs: 1s, tokens: [{ name: erp, sha256: ${hash} }] }`;
    t = await startTestGateway(
      'httpraw',
      [
        testChannel('declaration'),
        testChannel(
          'orders',
          `translator: ceb, translation: { mapping: "${join(CEB, 'ceb311-order.yaml')}" }`,
        ),
      ].join('\n'),
      { sandbox: { stepMs: 2 }, extra },
    );
    api = buildHttpApi(httpApiDeps(t.gateway.deps, createIntakeHandler(t.gateway.deps)));
    await api.listen({ host: '127.0.0.1', port: 0 });
    port = (api.server.address() as AddressInfo).port;
    // Right after start the load sampler may not have a sample yet (it then sheds load for a second).
    await waitFor(
      'the load sampler',
      () => api.isUnderPressure(),
      (p) => !p,
      10_000,
    );
  });
  afterAll(async () => {
    await api?.close();
    await t?.close();
  });

  const upload = (channel: string, body: Buffer | string, headers: Record<string, string>) =>
    api.inject({
      method: 'POST',
      url: `/v1/channels/${channel}/documents`,
      headers: { ...auth, ...headers },
      payload: body,
    });
  const docOf = async (messageId: string) => {
    const rec = (await t.gateway.deps.ledger.get(messageId))!;
    return { rec, bytes: await t.gateway.deps.spool.get(rec.docRef) };
  };

  it('keeps a JSON body byte for byte: big integers and long decimals reach customs as written', async () => {
    const json = readFileSync(join(CEB, 'ceb311-order.json'), 'utf8')
      .replace('"SO20261127001"', '20261127123456789012')
      .replace('"税费": "11.9"', '"税费": 11.90000000000000000');
    const up = await upload('orders', json, {
      'content-type': 'application/json',
      'x-file-name': 'big.json',
    });
    expect(up.statusCode).toBe(202);
    const { messageId } = up.json() as { messageId: string };
    expect((await docOf(messageId)).bytes.toString('utf8')).toBe(json);
    const rec = await waitFor(
      'order signed',
      async () => t.gateway.deps.ledger.get(messageId),
      (r) => !!r?.messageRef || r?.status === 'failed',
      20_000,
    );
    const message = (await t.gateway.deps.spool.get(rec!.messageRef!)).toString('utf8');
    expect(message).toContain('<ceb:orderNo>20261127123456789012</ceb:orderNo>');
    expect(message).not.toContain('20261127123456790000');
  }, 30_000);

  it('refuses invalid UTF-8 sent as text/plain exactly as it refuses the same bytes as a file', async () => {
    const bytes = Buffer.concat([
      Buffer.from(decMessage('BADUTF80001').replace('张三', 'XX'), 'utf8'),
    ]);
    const bad = Buffer.from(bytes);
    bad[bytes.indexOf('XX')] = 0xff; // not UTF-8
    const up = await upload('declaration', bad, {
      'content-type': 'text/plain; charset=utf-8',
      'x-file-name': 'bad-utf8.xml',
    });
    const { messageId } = up.json() as { messageId: string };
    expect((await docOf(messageId)).bytes.equals(bad)).toBe(true);
    await waitFor(
      'refused',
      async () => (await t.gateway.deps.ledger.get(messageId))?.status,
      (s) => s === 'failed',
      20_000,
    );
    expect(t.sandbox.stats().byClientSeqNo.BADUTF80001).toBeUndefined();
  }, 30_000);

  it('keeps a GBK declaration sent as text/plain in GBK', async () => {
    const xml = decMessage('GBKTEXT0001').replace('encoding="UTF-8"', 'encoding="GBK"');
    const gbk = iconv.encode(xml, 'gbk');
    const up = await upload('declaration', gbk, {
      'content-type': 'text/plain',
      'x-file-name': 'gbk.xml',
    });
    const { messageId } = up.json() as { messageId: string };
    expect((await docOf(messageId)).bytes.equals(gbk)).toBe(true);
    await waitFor(
      'closed',
      async () => (await t.gateway.deps.ledger.get(messageId))?.status,
      (s) => s === 'closed',
      20_000,
    );
  }, 30_000);

  it('names concurrent uploads without X-File-Name after their message id: no receipt overwritten', async () => {
    const n = 20;
    const ups = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        upload('declaration', decMessage(`NONAME${String(i).padStart(5, '0')}`), {
          'content-type': 'application/xml',
        }),
      ),
    );
    const ids = ups.map((u) => (u.json() as { messageId: string }).messageId);
    const names = await Promise.all(
      ids.map(async (id) => (await t.gateway.deps.ledger.get(id))!.sourceName),
    );
    expect(new Set(names).size).toBe(n);
    names.forEach((name, i) => expect(name).toContain(ids[i]!.slice(0, 16)));
    const outbox = join(t.dir, 'declaration', 'outbox');
    const mine = () =>
      readdirSync(outbox).filter((f) =>
        names.some((nm) => f.startsWith(nm.replace(/\.xml$/, '.'))),
      );
    await waitFor(
      'every receipt of every upload',
      () => mine().length,
      (c) => c === n * 6,
      40_000,
    );
  }, 60_000);

  it('answers 400, not 500, to a receipt cursor that is not one', async () => {
    for (const after of ['abc', '1-2-3', '-1', '99999999999999999999999-0', 'Infinity']) {
      const res = await api.inject({
        url: `/v1/receipts?channel=declaration&after=${encodeURIComponent(after)}`,
        headers: auth,
      });
      expect(res.statusCode, after).toBe(400);
      expect(res.json().error).toMatch(/after/);
    }
  });

  it('closes a request whose body never finishes, and an unauthenticated one at once', async () => {
    const hold = (authorization: string | undefined) =>
      new Promise<{ closedAfterMs: number; response: string }>((resolve) => {
        const started = Date.now();
        const s = connect(port, '127.0.0.1');
        let response = '';
        s.on('data', (d) => (response += d.toString()));
        s.on('error', () => {});
        s.on('close', () => resolve({ closedAfterMs: Date.now() - started, response }));
        s.write(
          `POST /v1/channels/declaration/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\nContent-Length: 100000\r\n` +
            `${authorization ? `Authorization: ${authorization}\r\n` : ''}\r\n<Dec`,
        );
        const drip = setInterval(() => s.write('x'), 200);
        s.on('close', () => clearInterval(drip));
        setTimeout(() => s.destroy(), 15_000).unref();
      });
    const [authed, anonymous] = await Promise.all([hold(`Bearer ${TOKEN}`), hold(undefined)]);
    expect(authed.closedAfterMs).toBeLessThan(10_000); // requestTimeoutMs is 1 s; the client would drip for 15 s
    expect(anonymous.response).toContain('401');
    expect(anonymous.closedAfterMs).toBeLessThan(10_000);
  }, 30_000);
});
