import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from './server.js';
import {
  createTestIdentity,
  signEnveloped,
  type TestIdentity,
} from '../../test/helpers/sandbox.js';
import { parseReceipt } from '../receipts/parse.js';

const SAMPLES = join(import.meta.dirname, '..', '..', 'samples');
const request = (): string =>
  readFileSync(join(SAMPLES, 'acd', 'expected', 'agr-01-add.xml'), 'utf8');

let id: TestIdentity;
const open: SandboxHandle[] = [];
const dirs: string[] = [];
beforeAll(() => {
  id = createTestIdentity();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((sb) => sb.close()));
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`not reached: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('sandbox: 代理报关委托 and declaration packages', () => {
  it('HTTP: a signed ImportAgrRequest is answered with ImportAgrResponse (ConsignNo), then the confirmation appears on the feed', async () => {
    const sb = await startSandbox({ stepMs: 5 });
    open.push(sb);
    const res = await fetch(`${sb.url}/dec/submit`, {
      method: 'POST',
      body: signEnveloped(request(), id),
      headers: { 'content-type': 'application/xml' },
    });
    expect(res.status).toBe(200);
    const answer = parseReceipt(Buffer.from(await res.text()), 'response.xml');
    expect(answer).toMatchObject({ kind: 'agr-response', status: 'imported', code: '0' });
    const consignNo = answer.keys.consignNo!;
    const page = await until(
      async () =>
        (await fetch(`${sb.url}/receipts?after=0`)).json() as Promise<{
          receipts: { fileName: string; content: string }[];
        }>,
      (p) => p.receipts.length >= 1,
    );
    const confirm = parseReceipt(
      Buffer.from(page.receipts[0]!.content, 'base64'),
      page.receipts[0]!.fileName,
    );
    expect(confirm).toMatchObject({
      kind: 'agr-confirm',
      code: 'S',
      status: 'closed',
      keys: { consignNo },
    });
  });

  it('markers: SANDBOX:CODE1 answers success with ResponseCode 1; SANDBOX:REJECT fails without ConsignNo', async () => {
    const sb = await startSandbox({ stepMs: 5 });
    open.push(sb);
    const post = async (note: string) => {
      const body = signEnveloped(
        request().replace('<OtherNote/>', `<OtherNote>${note}</OtherNote>`),
        id,
      );
      return parseReceipt(
        Buffer.from(await (await fetch(`${sb.url}/dec/submit`, { method: 'POST', body })).text()),
      );
    };
    expect(await post('SANDBOX:CODE1')).toMatchObject({ code: '1', status: 'imported' });
    const rejected = await post('SANDBOX:REJECT');
    expect(rejected).toMatchObject({ code: '1', status: 'rejected' });
    expect(rejected.keys.consignNo).toBeUndefined();
  });

  it('the simulated client takes an Acd request and a good package, and refuses a package whose EdocCopId names no file', async () => {
    const imp = await mkdtemp(join(tmpdir(), 'eport-sim-'));
    dirs.push(imp);
    const sb = await startSandbox({ stepMs: 5, impPath: imp, clientModules: ['Deccus001', 'Acd'] });
    open.push(sb);
    await writeFile(join(imp, 'Acd', 'OutBox', 'AGR1.xml'), request());
    await until(
      () => readdir(join(imp, 'Acd', 'InBox')),
      (n) =>
        n.some((f) => f.startsWith('Successed_AGR1_')) &&
        n.some((f) => f.startsWith('Receipt_ACD_')),
    );

    const dec = readFileSync(join(SAMPLES, 'paperless', 'expected', 'dec-11-import-paperless.xml'));
    const pdfs = ['INV-LF-2026-0111.pdf', 'BL-DEMO-0111.pdf', '00000002_PL-LF-2026-0111.pdf'];
    const good = new JSZip();
    good.file('P1.xml', dec);
    for (const f of pdfs)
      good.file(f, readFileSync(join(SAMPLES, 'paperless', 'dec-11-import-paperless.edoc', f)));
    await writeFile(
      join(imp, 'Deccus001', 'OutBox', 'P1.zip'),
      await good.generateAsync({ type: 'nodebuffer' }),
    );
    await until(
      () => readdir(join(imp, 'Deccus001', 'SentBox')),
      (n) => n.includes('P1.zip'),
    );

    const bad = new JSZip();
    bad.file('P2.xml', dec.toString('utf8').replace('EPGW20260120000111', 'EPGW20260120000112'));
    for (const f of pdfs.slice(1))
      bad.file(f, readFileSync(join(SAMPLES, 'paperless', 'dec-11-import-paperless.edoc', f)));
    bad.file('extra.pdf', '%PDF-1.4\n');
    await mkdir(join(imp, 'Deccus001', 'FailBox'), { recursive: true });
    await writeFile(
      join(imp, 'Deccus001', 'OutBox', 'P2.zip'),
      await bad.generateAsync({ type: 'nodebuffer' }),
    );
    const failed = await until(
      () => readdir(join(imp, 'Deccus001', 'FailBox')),
      (n) => n.includes('P2.zip.reason.txt'),
    );
    expect(failed.sort()).toEqual(['P2.zip', 'P2.zip.reason.txt']);
    expect(readFileSync(join(imp, 'Deccus001', 'FailBox', 'P2.zip.reason.txt'), 'utf8')).toContain(
      'EdocCopId INV-LF-2026-0111.pdf is not in the zip',
    );
    expect(sb.client!.stats()).toMatchObject({ packages: 1, refused: 1 });
  });
});
