import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';

const ENT = join(ROOT, 'samples', 'enterprise');
const ls = (d: string) =>
  readdirSync(d)
    .filter((f) => !f.startsWith('.'))
    .sort();

/**
 * Every bundled enterprise sample (CSV, Excel, JSON, ERP XML; UTF-8, GBK, GB18030) dropped into a
 * channel with its mapping becomes exactly the expected declaration, is signed, accepted by the
 * sandbox, and answered in the outbox; the 60-item file becomes two linked declarations.
 */
describe('enterprise files through the daemon (real Redis, real sandbox)', () => {
  let t: TestGateway;
  let gateway: TestGateway['gateway'];
  let sandbox: TestGateway['sandbox'];
  let dir: string;
  const channels = { zh: ['csv', 'xlsx'], json: ['json'], xml: ['xml'] } as const;

  beforeAll(async () => {
    const mapped = (mapping: string, extra = '') =>
      `translator: enterprise, translation: { mapping: "${join(ENT, mapping)}" }${extra}`;
    t = await startTestGateway(
      'ent',
      [
        testChannel('zh', mapped('mapping-zh.yaml')),
        testChannel('json', mapped('mapping-json.yaml', ', gatewayReceipts: json')),
        testChannel('xml', mapped('mapping-xml.yaml')),
      ].join('\n'),
    );
    ({ gateway, sandbox, dir } = t);
  });
  afterAll(async () => t?.close());

  it('turns each sample into the expected declaration and brings its receipts back', async () => {
    const inputs = readdirSync(ENT).filter((f) => /^ent-\d+/.test(f) && !f.endsWith('.yaml'));
    const target = (f: string) =>
      Object.entries(channels).find(([, exts]) =>
        (exts as readonly string[]).includes(f.split('.').pop()!),
      )![0];
    for (const f of inputs) copyFileSync(join(ENT, f), join(dir, target(f), 'inbox', f));
    const declarations = inputs.length + 1; // ent-08 splits in two
    await waitFor(
      'every declaration accepted',
      () => sandbox.stats().accepted,
      (n) => n === declarations,
      30_000,
    );

    for (const f of inputs) {
      const stem = f.replace(/\.[^.]+$/, '');
      const ch = target(f);
      const rec = (await gateway.deps.ledger.get(
        (await gateway.deps.ledger.findBySource(ch, f))!,
      ))!;
      const parts = rec.parts ? rec.parts.split(',') : [rec.id];
      expect(parts).toHaveLength(f.includes('split') ? 2 : 1);
      for (const [i, id] of parts.entries()) {
        const msg = (await gateway.deps.ledger.get(id))!;
        const expected = readFileSync(
          join(ENT, 'expected', parts.length > 1 ? `${stem}-${i + 1}.xml` : `${stem}.xml`),
          'utf8',
        );
        expect((await gateway.deps.spool.get(msg.messageRef!)).toString('utf8'), f).toBe(expected);
      }
      const outStem = parts.length > 1 ? `${stem}-1` : stem;
      await waitFor(
        `${f} import response`,
        () => ls(join(dir, target(f), 'outbox')),
        (o) => o.some((n) => n.startsWith(`${outStem}.import-response.`)),
        10_000,
      );
    }
    // ent-07 carries SANDBOX:REJECT in its remark: once customs' 退单 arrives, and only then, its
    // file moves to failed/; every other file stays in sent/.
    const rejected = inputs.filter((f) =>
      iconv.decode(readFileSync(join(ENT, f)), 'gb18030').includes('SANDBOX:REJECT'),
    );
    expect(rejected).toEqual(['ent-07-import-laptops-gb18030.csv']);
    await waitFor(
      'the rejected file in failed/',
      () => ls(join(dir, 'zh', 'failed')),
      (l) => l.length === 1,
      20_000,
    );
    expect(ls(join(dir, 'zh', 'failed'))).toEqual(rejected);
    expect(ls(join(dir, 'zh', 'sent'))).not.toContain(rejected[0]);
  }, 60_000);

  it('answers a bad enterprise file with an error receipt naming row, column and rule', async () => {
    const csv = readFileSync(join(ENT, 'ent-01-import-components-utf8-bom.csv'), 'utf8').replace(
      ',8542319000,',
      ',854231,',
    );
    writeFileSync(join(dir, 'zh', 'inbox', 'bad-hs.csv'), csv);
    const files = await waitFor(
      'error receipt',
      () => ls(join(dir, 'zh', 'outbox')),
      (o) => o.some((f) => f.startsWith('bad-hs.error.')),
      10_000,
    );
    const receipt = readFileSync(
      join(
        dir,
        'zh',
        'outbox',
        files.find((f) => f.startsWith('bad-hs.error.'))!,
      ),
      'utf8',
    );
    expect(receipt).toMatch(/GW_ERR_VALIDATION|GW_ERR_TRANSLATE/);
    expect(receipt).toMatch(/CodeTS/);
    expect(receipt).toMatch(/row \d+|第 ?\d+ ?行/);
    expect(receipt).toMatch(/<Rule>[a-z0-9-]+<\/Rule>/);
    expect(receipt).toContain('<FieldZh>商品编号</FieldZh>');
    expect(ls(join(dir, 'zh', 'failed'))).toContain('bad-hs.csv');
  }, 20_000);

  it('writes error receipts as JSON on a channel that asks for it, with every problem of the file', async () => {
    const json = JSON.parse(
      readFileSync(join(ENT, 'ent-02-export-apparel.json'), 'utf8'),
    ) as Record<string, unknown>;
    writeFileSync(join(dir, 'json', 'inbox', 'bad.json'), JSON.stringify({ ...json, items: [] }));
    const files = await waitFor(
      'json error receipt',
      () => ls(join(dir, 'json', 'outbox')),
      (o) => o.includes('bad.error.01.json'),
      10_000,
    );
    expect(files).toContain('bad.error.01.json');
    const receipt = JSON.parse(
      readFileSync(join(dir, 'json', 'outbox', 'bad.error.01.json'), 'utf8'),
    ) as {
      kind: string;
      code: string;
      sourceFile: string;
      details: { rule?: string; zh: string; en: string }[];
    };
    expect(receipt).toMatchObject({ kind: 'error', sourceFile: 'bad.json' });
    expect(receipt.code).toMatch(/^GW_ERR_/);
    expect(receipt.details.length).toBeGreaterThan(0);
    expect(receipt.details.every((d) => d.zh && d.en)).toBe(true);
  }, 20_000);
});
