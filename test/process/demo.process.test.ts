import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  appendFileSync,
  copyFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { BIN, ROOT, spawnEport, type Spawned } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';

const SAMPLES = join(ROOT, 'samples', 'declaration');
const sampleFiles = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.xml'))
  .sort();
const stem = (f: string) => f.replace(/\.xml$/, '');
const ls = (d: string) =>
  readdirSync(d)
    .filter((f) => !f.startsWith('.'))
    .sort();

/**
 * Spawns `eport demo --seed` as a user would and drives it through its folders: the bundled
 * samples come back with their full receipt sequence, bad files go to failed with a receipt that
 * says why, a duplicate is reported and not sent again, a file still being written waits.
 */
describe('eport demo (spawned, real Redis, real sandbox)', () => {
  const prefix = uniquePrefix('demo');
  const dir = mkdtempSync(join(tmpdir(), 'eport-demo-'));
  const decl = (sub: string) => join(dir, 'declaration', sub);
  let demo: Spawned;
  const redis = new Redis(TEST_REDIS_URL);

  beforeAll(async () => {
    demo = spawnEport(['demo', '--dir', dir, '--seed', '--step-ms', '60'], {
      REDIS_URL: TEST_REDIS_URL,
      EPORT_REDIS_PREFIX: prefix,
    });
    await waitFor(
      'demo banner',
      () => demo.output(),
      (o) => o.includes('seeded'),
      30_000,
    );
  }, 40_000);

  afterAll(async () => {
    demo.child.kill('SIGKILL');
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  /** The CHANNEL sequence the sandbox walks for a sample, by the marker in its NoteS. */
  const expectedChannels = (f: string): string[] => {
    const xml = readFileSync(join(SAMPLES, f), 'latin1');
    if (xml.includes('SANDBOX:REJECT')) return ['7', 'L', 'E'];
    if (xml.includes('SANDBOX:INSPECT')) return ['7', 'L', 'J', 'C', 'P', 'R'];
    return ['7', 'L', 'J', 'P', 'R'];
  };
  const rejected = sampleFiles.filter((f) => expectedChannels(f).includes('E'));

  it('writes the import response and the whole CHANNEL sequence for every sample, in order', async () => {
    expect(sampleFiles.length).toBeGreaterThanOrEqual(5);
    const outbox = await waitFor(
      'receipts for every sample',
      () => ls(decl('outbox')),
      (files) =>
        sampleFiles.every(
          (f) =>
            files.filter((o) => o.startsWith(`${stem(f)}.`)).length >=
            1 + expectedChannels(f).length,
        ),
      60_000,
    );
    for (const f of sampleFiles) {
      const mine = outbox.filter((o) => o.startsWith(`${stem(f)}.`));
      expect(mine.filter((o) => o.includes('.import-response.'))).toHaveLength(1);
      const results = mine.filter((o) => o.includes('.dec-result.')).sort();
      const channels = results.map(
        (o) => /<CHANNEL>(\w)<\/CHANNEL>/.exec(readFileSync(join(decl('outbox'), o), 'utf8'))?.[1],
      );
      expect(channels).toEqual(expectedChannels(f));
      const response = readFileSync(
        join(
          decl('outbox'),
          mine.find((o) => o.includes('.import-response.'))!,
        ),
        'utf8',
      );
      expect(response).toMatch(/<ResponseCode>0<\/ResponseCode>/);
    }
  }, 70_000);

  it('moves accepted files to sent and files customs rejected (退单) to failed', async () => {
    expect(rejected.length).toBeGreaterThan(0);
    await waitFor(
      'rejected samples in failed',
      () => ls(decl('failed')),
      (f) => rejected.every((r) => f.includes(r)),
      10_000,
    );
    expect(ls(decl('sent'))).toEqual(sampleFiles.filter((f) => !rejected.includes(f)));
    expect(ls(decl('inbox'))).toEqual([]);
  });

  it('runs the ERP (CSV mapping, 60 items split in two), 转关 and cross-border (CEB311) channels too', async () => {
    const out = (c: string) => ls(join(dir, c, 'outbox'));
    await waitFor(
      'both parts of the split ERP file answered',
      () => out('erp'),
      (o) =>
        [1, 2].every((p) =>
          o.some((n) => n.startsWith(`ent-08-export-tools-split-${p}.import-response.`)),
        ),
      60_000,
    );
    await waitFor(
      'CEB312 returns',
      () => out('cross-border'),
      (o) => o.filter((n) => n.includes('.ceb-return.')).length === 2,
      30_000,
    );
    expect(ls(join(dir, 'erp', 'failed'))).toEqual([]);
    // The 转关 sample comes back with its TRN_RESULT next to the import response and DEC_RESULTs.
    await waitFor(
      'transit TRN_RESULT',
      () => out('transit'),
      (o) => o.some((n) => n.startsWith('trn-01-import-transit-sections.trn-result.')),
      30_000,
    );
    expect(ls(join(dir, 'transit', 'failed'))).toEqual([]);
  }, 70_000);

  it('runs the 舱单 channels (MT1101, MT4101 装载舱单, MT5201 理货报告): each answered by MT9999', async () => {
    for (const [type, file] of [
      ['mt1101', 'mt1101-sea'],
      ['mt4101', 'mt4101-sea'],
      ['mt5201', 'mt5201-air-tally'],
    ]) {
      const out = await waitFor(
        `manifest-${type} MT9999`,
        () => ls(join(dir, `manifest-${type}`, 'outbox')),
        (o) => o.some((f) => f.includes('.mt9999.')),
        30_000,
      );
      expect(out.every((f) => f.startsWith(`${file}.mt9999.`))).toBe(true);
      expect(ls(join(dir, `manifest-${type}`, 'failed'))).toEqual([]);
    }
  }, 130_000);

  it('runs the four 金二 channels: each sample answered by CommonResponeMessage and its audit receipt', async () => {
    for (const [type, file] of [
      ['inv101', 'inv101-bonded-import'],
      ['sas101', 'sas101-application'],
      ['sas111', 'sas111-stock-in'],
      ['sas121', 'sas121-passport'],
    ]) {
      const out = await waitFor(
        `jin2-${type} receipts`,
        () => ls(join(dir, `jin2-${type}`, 'outbox')),
        (o) => o.length === 2,
        30_000,
      );
      expect(out.map((f) => f.replace(/\.0[12]\./, '.0n.'))).toEqual([
        `${file}.sas-receipt.0n.xml`,
        `${file}.sas-response.0n.xml`,
      ]);
    }
  }, 130_000);

  it('delivers the sw-client channel through the simulated Single Window client (ImpPath) with the same receipt naming', async () => {
    const out = await waitFor(
      'sw-client receipts',
      () => ls(join(dir, 'sw-client', 'outbox')),
      (o) =>
        o.some((n) => n.includes('.import-response.')) &&
        o.filter((n) => n.includes('.dec-result.')).length === 5,
      60_000,
    );
    expect(
      out.every((n) =>
        /^dec-01-import-components-utf8\.(import-response|dec-result)\.0\d\.xml$/.test(n),
      ),
    ).toBe(true);
    for (const box of ['OutBox', 'InBox', 'SentBox', 'FailBox'])
      expect(existsSync(join(dir, 'imppath', 'Deccus001', box))).toBe(true);
    expect(
      ls(join(dir, 'imppath', 'Deccus001', 'SentBox')).filter((n) => n.endsWith('.xml')),
    ).toEqual(['SWCDEMO00000000001.xml']);
    expect(ls(join(dir, 'sw-client', 'sent'))).toEqual(['dec-01-import-components-utf8.xml']);
  });

  it('delivers the paperless declaration as one zip with its attachments, and the agency agreement through the Acd folder', async () => {
    const paperless = await waitFor(
      'paperless receipts',
      () => ls(join(dir, 'paperless', 'outbox')),
      (o) =>
        o.some((n) => n.includes('.import-response.')) &&
        o.filter((n) => n.includes('.dec-result.')).length === 5,
      60_000,
    );
    expect(
      paperless.every((n) =>
        /^dec-11-import-paperless\.(import-response|dec-result)\.0\d\.xml$/.test(n),
      ),
    ).toBe(true);
    expect(
      ls(join(dir, 'imppath', 'Deccus001', 'SentBox')).filter((n) => n.endsWith('.zip')),
    ).toEqual(['EPGW20260120000111.zip']);
    expect(ls(join(dir, 'paperless', 'sent'))).toEqual([
      'dec-11-import-paperless.edoc',
      'dec-11-import-paperless.xml',
    ]);
    const agency = await waitFor(
      'agency receipts',
      () => ls(join(dir, 'agency', 'outbox')),
      (o) => o.length >= 2,
      60_000,
    );
    expect(agency).toEqual(['agr-01-add.agr-confirm.02.xml', 'agr-01-add.agr-response.01.xml']);
    expect(ls(join(dir, 'imppath', 'Acd', 'SentBox'))).toEqual(['AGR-EPGW-20260120-0001.xml']);
  });

  it('takes a 修撤单 from `eport amend` for a demo declaration, answered by HzApprovalResult', async () => {
    const config = join(dir, 'eport.yaml');
    // The declaration must have its 统一编号 first (the first test waits for its receipts).
    await waitFor(
      'the 统一编号 of EPGW20260105000101',
      () =>
        execFileSync(process.execPath, [BIN, 'status', 'EPGW20260105000101', '--config', config], {
          encoding: 'utf8',
        }),
      (o) => /seqNo\s+I\d+/.test(o),
      30_000,
    );
    const out = execFileSync(
      process.execPath,
      [
        BIN,
        'amend',
        'EPGW20260105000101',
        '--field',
        'GrossWet=6102.5',
        '--reason',
        '毛重更正',
        '--config',
        config,
      ],
      { encoding: 'utf8' },
    );
    expect(out).toMatch(/accepted on channel amend/);
    const answer = await waitFor(
      'the HzApprovalResult',
      () => ls(join(dir, 'amend', 'outbox')),
      (o) => o.some((f) => f.includes('.hz-approval.')),
      30_000,
    );
    expect(answer).toHaveLength(1);
    const status = await waitFor(
      'the 修撤状态 已修改',
      () =>
        execFileSync(process.execPath, [BIN, 'status', 'EPGW20260105000101', '--config', config], {
          encoding: 'utf8',
        }),
      (o) => /amendStatus\s+modified 已修改/.test(o),
      30_000,
    );
    expect(status).toMatch(/amendStatus\s+modified 已修改/);
  }, 120_000);

  it('lists queue depths and recent messages through `eport status`', () => {
    const out = execFileSync(
      process.execPath,
      [BIN, 'status', '--config', join(dir, 'eport.yaml')],
      { encoding: 'utf8' },
    );
    expect(out).toMatch(/^\s+deliver\s+\d+\s+\d+\s+\d+\s+\d+$/m);
    expect(out).toMatch(/^\s+sign-demo-key\s+/m);
    expect(out).toMatch(/message\(s\) in the ledger/);
  });

  it('reports a closed declaration through `eport status FILE`', () => {
    const out = execFileSync(
      process.execPath,
      [BIN, 'status', '--config', join(dir, 'eport.yaml'), sampleFiles[0]!],
      { encoding: 'utf8' },
    );
    expect(out).toMatch(/\[closed\]/);
    expect(out).toMatch(/timeline/);
  });

  it('sends malformed, empty and wrong files to failed with an error receipt saying what and where', async () => {
    writeFileSync(
      decl('inbox/broken.xml'),
      '<?xml version="1.0"?>\n<DecMessage xmlns="http://www.chinaport.gov.cn/dec">\n<DecHead>\n</DecMessage>',
    );
    writeFileSync(decl('inbox/empty.xml'), '');
    writeFileSync(
      decl('inbox/manifest.xml'),
      '<Manifest xmlns="urn:Declaration:datamodel:standard:CN:MT1101:1"/>',
    );
    writeFileSync(
      decl('inbox/noseq.xml'),
      '<DecMessage xmlns="http://www.chinaport.gov.cn/dec"><DecHead/><DecSign/></DecMessage>',
    );
    const bad = ['broken.xml', 'empty.xml', 'manifest.xml', 'noseq.xml'];
    await waitFor(
      'failed files',
      () => ls(decl('failed')),
      (f) => bad.every((b) => f.includes(b)),
      20_000,
    );
    expect(ls(decl('failed'))).toEqual([...bad, ...rejected].sort());
    const errors = await waitFor(
      'error receipts',
      () => ls(decl('outbox')).filter((f) => f.includes('.error.')),
      (f) => f.length === 4,
      10_000,
    );
    const read = (s: string) =>
      readFileSync(
        join(
          decl('outbox'),
          errors.find((e) => e.startsWith(`${s}.`))!,
        ),
        'utf8',
      );
    expect(read('broken')).toMatch(/GW_ERR_XML_MALFORMED[\s\S]*broken\.xml, line \d+/);
    expect(read('empty')).toContain('GW_ERR_INTAKE_EMPTY');
    expect(read('manifest')).toContain('GW_ERR_TRANSLATE_ROOT');
    expect(read('noseq')).toMatch(/ClientSeqNo[\s\S]*客户端唯一编号/);
    // The demo prints the gateway's own receipts by kind, code and status, not as "unknown".
    const printed = await waitFor(
      'error receipts printed',
      () => demo.output(),
      (o) => errors.every((e) => o.includes(e)),
      5_000,
    );
    for (const e of errors)
      expect(printed).toMatch(
        new RegExp(`📄 ${e.replace(/\./g, '\\.')}  error GW_ERR_\\w+ \\[failed\\] \\S`),
      );
    expect(printed).not.toMatch(/📄 \S+  unknown/);
  }, 30_000);

  it('reports an identical re-drop as a duplicate and does not send it again', async () => {
    const first = sampleFiles.find((f) => !rejected.includes(f))!;
    copyFileSync(join(SAMPLES, first), decl('inbox/again.xml'));
    const dup = await waitFor(
      'duplicate receipt',
      () => ls(decl('outbox')).filter((f) => f.startsWith('again.')),
      (f) => f.length === 1,
      15_000,
    );
    // A receipt of the first message: the next number after that message's receipts, as the README shows.
    const seq = String(
      ls(decl('outbox')).filter((o) => o.startsWith(`${stem(first)}.`)).length + 1,
    ).padStart(2, '0');
    expect(dup[0]).toBe(`again.duplicate.${seq}.xml`);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(
      `| \`copy.duplicate.${seq}.xml\` |`,
    );
    expect(
      await waitFor(
        'duplicate printed',
        () => demo.output(),
        (o) => o.includes(dup[0]!),
        5_000,
      ),
    ).toMatch(
      new RegExp(`📄 again\\.duplicate\\.${seq}\\.xml  duplicate GW_DUPLICATE \\[closed\\] `),
    );
    expect(readFileSync(join(decl('outbox'), dup[0]!), 'utf8')).toContain(first);
    await new Promise((r) => setTimeout(r, 500));
    expect(ls(decl('outbox')).filter((f) => f.startsWith('again.'))).toHaveLength(1);
    expect(ls(decl('sent'))).toContain('again.xml');
  }, 20_000);

  it('waits for a file that is still being written', async () => {
    const xml = readFileSync(join(SAMPLES, sampleFiles[1]!), 'utf8').replace(
      /<ClientSeqNo>([^<]+)<\/ClientSeqNo>/,
      (_, k: string) => `<ClientSeqNo>SLOW${k.slice(4)}</ClientSeqNo>`,
    );
    const f = decl('inbox/slow.xml');
    // The demo's stableMs is 500 ms: a writer that adds a chunk every 200 ms is never taken early.
    const chunks = xml.match(/[\s\S]{1,2500}/g)!;
    writeFileSync(f, chunks[0]!);
    for (const c of chunks.slice(1)) {
      await new Promise((r) => setTimeout(r, 200));
      expect(ls(decl('sent'))).not.toContain('slow.xml');
      appendFileSync(f, c);
    }
    const mine = await waitFor(
      'slow file receipts',
      () => ls(decl('outbox')).filter((o) => o.startsWith('slow.')),
      (o) => o.length >= 2,
      20_000,
    );
    expect(mine.some((o) => o.includes('.import-response.'))).toBe(true);
    expect(ls(decl('failed'))).not.toContain('slow.xml');
  }, 30_000);

  it('stops cleanly on SIGTERM', async () => {
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
    expect(demo.output()).toContain('demo stopped');
  }, 30_000);
});
