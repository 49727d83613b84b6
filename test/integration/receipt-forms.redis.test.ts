import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { FastifyInstance } from 'fastify';
import { buildHttpApi } from '../../src/gateway/http-api.js';
import { httpApiDeps } from '../../src/queues/http-api-bindings.js';
import { ROOT } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { decMessage } from '../helpers/dec-message.js';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';

const TOKEN = 'forms-token';

/** Outbox receipts in the channel's form: CSV, and the enterprise's GBK mapping; the API agrees. */
describe('receipt forms in the outbox (real Redis)', () => {
  let t: TestGateway;
  let api: FastifyInstance;

  beforeAll(async () => {
    const channels = [
      testChannel('csvout', 'receiptForm: csv'),
      testChannel(
        'erp',
        `receiptForm: mapping, receiptMapping: "${join(ROOT, 'samples', 'receipt-forms', 'receipt-mapping-gbk.yaml')}"`,
      ),
    ].join('\n');
    const http = `http: { enabled: false, maxEventLoopDelayMs: 0, tokens: [{ name: erp, sha256: ${createHash('sha256').update(TOKEN).digest('hex')} }] }`;
    t = await startTestGateway('forms', channels, { sandbox: { stepMs: 10 }, extra: http });
    api = buildHttpApi(httpApiDeps(t.gateway.deps));
  });
  afterAll(async () => {
    await api?.close();
    await t?.close();
  });

  // Dot files are writes in progress (temp + rename).
  const outboxFiles = (ch: string): string[] =>
    readdirSync(join(t.dir, ch, 'outbox'))
      .filter((f) => !f.startsWith('.'))
      .sort();

  it('writes CSV receipts with Chinese status text', async () => {
    writeFileSync(join(t.dir, 'csvout', 'inbox', 'c1.xml'), decMessage('FORMCSV0001'));
    await waitFor(
      'closing receipt as CSV',
      () => outboxFiles('csvout'),
      (f) =>
        f.some((n) =>
          readFileSync(join(t.dir, 'csvout', 'outbox', n), 'utf8').includes(',R,已结关,'),
        ),
      20_000,
    );
    const files = outboxFiles('csvout');
    expect(
      files.every((f) => /^c1\.(import-response|dec-result)\.\d{2}\.csv$/.test(f)),
      files.join(' '),
    ).toBe(true);
    const first = readFileSync(
      join(
        t.dir,
        'csvout',
        'outbox',
        files.find((f) => f.includes('import-response'))!,
      ),
      'utf8',
    );
    expect(first.split('\r\n')[0]).toBe(
      '业务编号,统一编号,报关单号,回执种类,状态代码,状态说明,回执内容,网关状态,时间,错误信息',
    );
    expect(first.split('\r\n')[1]).toMatch(/^FORMCSV0001,[A-Z0-9]{18},/);
  });

  it('writes receipts in the enterprise mapping, GBK, and serves the same bytes over the API', async () => {
    writeFileSync(join(t.dir, 'erp', 'inbox', 'e1.xml'), decMessage('FORMERP0001'));
    const closing = await waitFor(
      'closing receipt in GBK',
      () =>
        outboxFiles('erp').find((n) =>
          iconv.decode(readFileSync(join(t.dir, 'erp', 'outbox', n)), 'gbk').includes(',已结关,R,'),
        ),
      (f) => f !== undefined,
      20_000,
    );
    expect(closing).toMatch(/^e1\.dec-result\.\d{2}\.txt$/);
    const bytes = readFileSync(join(t.dir, 'erp', 'outbox', closing!));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow(); // really GBK
    const text = iconv.decode(bytes, 'gbk');
    expect(text).toMatch(
      /^单据编号,统一编号,报关单号,回执状态,状态代码,状态说明,回执时间,错误信息,来源\r\nFORMERP0001,[A-Z0-9]{18},\d{18},已结关,R,已结关,\d{14},,EPORT\r\n$/,
    );

    await waitFor(
      'feed has it',
      async () => (await t.gateway.deps.receiptFeed.read('erp', '0', 100)).map((e) => e.fileName),
      (names) => names.includes(closing!),
      10_000,
    );
    const page = (
      await api.inject({
        url: '/v1/receipts?channel=erp&after=0&format=mapping',
        headers: { authorization: `Bearer ${TOKEN}` },
      })
    ).json() as { receipts: { fileName: string; contentType: string; content: string }[] };
    const same = page.receipts.find((r) => r.fileName === closing)!;
    expect(same.contentType).toBe('text/csv; charset=gbk');
    expect(Buffer.from(same.content, 'base64').equals(bytes)).toBe(true);
  });
});
