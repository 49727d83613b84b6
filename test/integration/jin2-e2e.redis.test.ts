import JSZip from 'jszip';
import { afterEach, describe, expect, it } from 'vitest';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReceipt } from '../../src/receipts/parse.js';
import { verifyEnveloping } from '../../src/signing/xmldsig-enveloping-verify.js';
import { ROOT } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';

const J2 = join(ROOT, 'samples', 'jin2');
const ls = (d: string): string[] => {
  try {
    return readdirSync(d)
      .filter((f) => !f.startsWith('.'))
      .sort();
  } catch {
    return [];
  }
};
const mapped = (mapping: string): string =>
  `translator: jin2, translation: { mapping: "${join(J2, mapping)}" }`;

let t: TestGateway | undefined;
let imp: string | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  if (imp) rmSync(imp, { recursive: true, force: true });
  imp = undefined;
});

async function record(gw: TestGateway, channel: string, file: string) {
  const id = await gw.gateway.deps.ledger.findBySource(channel, file);
  return (await gw.gateway.deps.ledger.get(id!))!;
}

describe('金二 加贸/保税 messages through the daemon (real Redis, sandbox)', () => {
  it('INV101, SAS101, SAS111 and SAS121 from CSV, JSON and Excel: signed in the enveloping Signature/Object/Package form, sent over HTTP, CommonResponeMessage and audit receipt correlated', async () => {
    const files = [
      ['inv', 'inv101-bonded-import.yaml', 'inv101-bonded-import.csv', 'INV101'],
      ['apply', 'sas101-application.yaml', 'sas101-application.csv', 'SAS101'],
      ['stock', 'sas111-stock-in.yaml', 'sas111-stock-in.json', 'SAS111'],
      ['pass', 'sas121-passport.yaml', 'sas121-passport.xlsx', 'SAS121'],
    ] as const;
    t = await startTestGateway(
      'jin2',
      files.map(([ch, m]) => testChannel(ch, mapped(m))).join('\n'),
      { trustSigner: true },
    );
    const gw = t;
    const certDer = Buffer.from(
      readFileSync(join(gw.dir, 'k.pem'), 'utf8')
        .split('-----BEGIN CERTIFICATE-----')[1]!
        .replace(/-----[^-]+-----|\s/g, ''),
      'base64',
    );
    for (const [ch, , input] of files)
      copyFileSync(join(J2, input), join(gw.dir, ch, 'inbox', input));
    for (const [ch, , input, type] of files) {
      const stem = input.replace(/\.\w+$/, '');
      const out = await waitFor(
        `${type} receipts`,
        () => Promise.resolve(ls(join(gw.dir, ch, 'outbox'))),
        (f) => f.length === 2,
        30_000,
      );
      // The response (HTTP answer) and the audit receipt (feed) may be written back in either order.
      expect(out.map((f) => f.replace(/\.0[12]\./, '.0n.'))).toEqual([
        `${stem}.sas-receipt.0n.xml`,
        `${stem}.sas-response.0n.xml`,
      ]);
      const rec = await record(gw, ch, input);
      expect(rec).toMatchObject({ status: 'audited', messageType: type });
      expect(rec.seqNo).toMatch(/^20\d{16}$/);
      expect((await gw.gateway.deps.spool.get(rec.messageRef!)).toString('utf8')).toBe(
        readFileSync(join(J2, 'expected', `${stem}.xml`), 'utf8'),
      );
      // Over HTTP the default is the customs-side form: KeyName only, the sandbox trusts the key.
      const signed = (await gw.gateway.deps.spool.get(rec.signedRef!)).toString('utf8');
      expect(signed).toMatch(
        /^<\?xml[^>]*>\n<Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#"><SignedInfo>/,
      );
      expect(signed).toContain('<Reference URI="#Package">');
      expect(signed).toContain('<Object Id="Package"><Package');
      expect(verifyEnveloping(signed, { trustedCertDer: certDer })).toMatchObject({ ok: true });
      const receipt = parseReceipt(
        readFileSync(
          join(
            gw.dir,
            ch,
            'outbox',
            out.find((f) => f.includes('.sas-receipt.'))!,
          ),
        ),
        'r.xml',
      );
      expect(receipt.keys.seqNo).toBe(rec.seqNo);
    }
    expect(gw.sandbox.stats().accepted).toBe(4);
  }, 90_000);

  it('分送集报: three 出入库单 go first, their numbers from the SAS211 receipts link them to one 核注清单 (SasCentDclStock)', async () => {
    t = await startTestGateway(
      'jin2-cent',
      [
        testChannel('stock', mapped('sas111-stock-in.yaml')),
        testChannel('central', mapped('inv101-centralized.yaml')),
      ].join('\n'),
      { trustSigner: true },
    );
    const gw = t;
    const base = JSON.parse(readFileSync(join(J2, 'sas111-stock-in.json'), 'utf8')) as {
      出入库单: Record<string, string>;
    };
    for (const n of [1, 2, 3]) {
      base.出入库单['我方编号'] = `CK-OUT-${n}`;
      base.出入库单['出入库类型'] = 'E';
      writeFileSync(join(gw.dir, 'stock', 'inbox', `out-${n}.json`), JSON.stringify(base));
    }
    await waitFor(
      'three SAS211',
      () =>
        Promise.resolve(
          ls(join(gw.dir, 'stock', 'outbox')).filter((f) => f.includes('sas-receipt')),
        ),
      (f) => f.length === 3,
      30_000,
    );
    const stockNos = ls(join(gw.dir, 'stock', 'outbox'))
      .filter((f) => f.includes('sas-receipt'))
      .map(
        (f) => parseReceipt(readFileSync(join(gw.dir, 'stock', 'outbox', f)), f).keys.businessId!,
      );
    expect(stockNos.every((n) => /^CK3111\d{12}$/.test(n))).toBe(true);

    const inv = JSON.parse(readFileSync(join(J2, 'inv101-centralized.json'), 'utf8')) as {
      stocks: { 出入库单编号: string }[];
    };
    inv.stocks = stockNos.map((n) => ({ 出入库单编号: n }));
    writeFileSync(join(gw.dir, 'central', 'inbox', 'week48.json'), JSON.stringify(inv));
    await waitFor(
      'INV201',
      () => Promise.resolve(ls(join(gw.dir, 'central', 'outbox'))),
      (f) => f.length === 2,
      30_000,
    );
    const rec = await record(gw, 'central', 'week48.json');
    expect(rec).toMatchObject({
      status: 'audited',
      messageType: 'INV101',
      businessKey: 'JB20261130001',
    });
    const xml = (await gw.gateway.deps.spool.get(rec.messageRef!)).toString('utf8');
    expect([...xml.matchAll(/<sasStockNo>(\w+)<\/sasStockNo>/g)].map((m) => m[1])).toEqual(
      stockNos,
    );
    const inv201 = parseReceipt(
      readFileSync(
        join(
          gw.dir,
          'central',
          'outbox',
          ls(join(gw.dir, 'central', 'outbox')).find((f) => f.includes('.sas-receipt.'))!,
        ),
      ),
      'r.xml',
    );
    expect(inv201).toMatchObject({
      messageType: 'INV201',
      status: 'audited',
      keys: { etpsPreentNo: 'JB20261130001' },
    });
  }, 90_000);

  it('a 退单 (manageResult 3) ends the message rejected with the source in failed', async () => {
    t = await startTestGateway(
      'jin2-rej',
      testChannel('inv', mapped('inv101-bonded-import.yaml')),
      { trustSigner: true },
    );
    const gw = t;
    writeFileSync(
      join(gw.dir, 'inv', 'inbox', 'bad.csv'),
      readFileSync(join(J2, 'inv101-bonded-import.csv'), 'utf8').replace(
        '保税物流进区',
        'SANDBOX:REJECT',
      ),
    );
    await waitFor(
      'source in failed',
      () => Promise.resolve(ls(join(gw.dir, 'inv', 'failed'))),
      (f) => f.includes('bad.csv'),
      30_000,
    );
    expect(await record(gw, 'inv', 'bad.csv')).toMatchObject({ status: 'rejected' });
    // The write-back of the 退单 receipt may follow the move to failed by a moment.
    await waitFor(
      'the INV201 退单 written back',
      () => Promise.resolve(ls(join(gw.dir, 'inv', 'outbox'))),
      (f) => f.some((n) => /^bad\.sas-receipt\.0[12]\.xml$/.test(n)),
      10_000,
    );
  }, 60_000);

  it('through the Single Window client route: the file lands in Sas/OutBox, Successed_ and the SAS221 come back by Sas/InBox', async () => {
    imp = mkdtempSync(join(tmpdir(), 'eport-imppath-'));
    t = await startTestGateway(
      'jin2-swc',
      `  - { name: pass, dir: ./pass, intake: [{ type: folder, pattern: "*", stableMs: 0, pollMs: 30ms }], signer: client, transport: c, ${mapped('sas121-passport.yaml')} }`,
      {
        sandbox: { impPath: imp, clientModules: ['Sas'], stepMs: 5 },
        transports: `[{ name: c, type: sw-client, impPath: "${imp}", pollMs: 50ms, stableMs: 0ms }]`,
        receiptSources: '[]',
      },
    );
    const gw = t;
    copyFileSync(join(J2, 'sas121-passport.xlsx'), join(gw.dir, 'pass', 'inbox', 'pass.xlsx'));
    await waitFor(
      'receipts',
      () => Promise.resolve(ls(join(gw.dir, 'pass', 'outbox'))),
      (f) => f.length === 2,
      30_000,
    );
    const rec = await record(gw, 'pass', 'pass.xlsx');
    expect(rec).toMatchObject({
      status: 'audited',
      messageType: 'SAS121',
      businessKey: 'HF20261130001',
    });
    // 金二 goes to Sas/OutBox zipped (zipModules default): <stem>.zip holding <stem>.xml alone.
    expect(ls(join(imp, 'Sas', 'SentBox'))).toEqual(['HF20261130001.zip']);
    const zip = await JSZip.loadAsync(
      readFileSync(join(imp, 'Sas', 'SentBox', 'HF20261130001.zip')),
    );
    expect(Object.keys(zip.files)).toEqual(['HF20261130001.xml']);
    // The client signs: what it took is the unsigned message the translator made.
    expect(await zip.file('HF20261130001.xml')!.async('string')).toBe(
      readFileSync(join(J2, 'expected', 'sas121-passport.xml'), 'utf8'),
    );
  }, 60_000);
});
