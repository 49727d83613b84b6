import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterEach, describe, expect, it } from 'vitest';
import { decMessage } from '../helpers/dec-message.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { waitFor } from '../helpers/wait.js';

const SAMPLES = join(import.meta.dirname, '..', '..', 'samples');
/** The import response and the five DEC_RESULT of a normal declaration. */
const PER_DECLARATION = 6;

let t: TestGateway | undefined;
let imp: string | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  if (imp) await rm(imp, { recursive: true, force: true });
});

const visible = (dir: string): Promise<string[]> =>
  readdir(dir).then(
    (n) => n.filter((x) => !x.startsWith('.')).sort(),
    () => [],
  );

describe('通关无纸化 and 代理报关委托 through the daemon, the sw-client route and the simulated client', () => {
  it('an agency agreement gets its ConsignNo and confirmation; a declaration with attachments naming it goes as one zip and walks to 结关; a bad attachment fails both files together', async () => {
    imp = await mkdtemp(join(tmpdir(), 'eport-imppath-'));
    t = await startTestGateway(
      'swc-paperless',
      [
        `  - { name: dec, dir: ./dec, intake: [{ type: folder, pattern: "*.xml", stableMs: 0, pollMs: 30ms, attachments: true }], signer: client, transport: t, module: DECCUS001 }`,
        `  - { name: acd, dir: ./acd, messageType: ImportAgrRequest, translator: acd, intake: [{ type: folder, pattern: "*.json", stableMs: 0, pollMs: 30ms }], signer: client, transport: t }`,
      ].join('\n'),
      {
        sandbox: { impPath: imp, clientModules: ['Deccus001', 'Acd'], stepMs: 5 },
        transports: `[{ name: t, type: sw-client, impPath: "${imp}", pollMs: 50ms, stableMs: 0ms, receiptsAfter: delete }]`,
        receiptSources: '[]',
      },
    );

    // 1. 代理报关委托: ImportAgrRequest to Acd, ImportAgrResponse with ConsignNo, then the confirmation.
    await writeFile(
      join(t.dir, 'acd', 'inbox', 'agr-01-add.json'),
      await readFile(join(SAMPLES, 'acd', 'agr-01-add.json')),
    );
    const acdOut = join(t.dir, 'acd', 'outbox');
    const acdFiles = await waitFor(
      'agreement receipts',
      () => visible(acdOut),
      (n) => n.length >= 2,
      60_000,
    );
    expect(acdFiles).toEqual(['agr-01-add.agr-confirm.02.xml', 'agr-01-add.agr-response.01.xml']);
    const response = await readFile(join(acdOut, 'agr-01-add.agr-response.01.xml'), 'utf8');
    const consignNo = /<ConsignNo>(\d+)<\/ConsignNo>/.exec(response)?.[1];
    expect(consignNo).toMatch(/^000\d{14}$/);
    expect(await readFile(join(acdOut, 'agr-01-add.agr-confirm.02.xml'), 'utf8')).toContain(
      `<CONSIGN_NO>${consignNo}</CONSIGN_NO>`,
    );
    expect(await visible(join(imp, 'Acd', 'SentBox'))).toEqual(['AGR-EPGW-20260120-0001.xml']);

    // 2. 通关无纸化: the declaration with an attachment folder whose manifest links the agreement.
    const inbox = join(t.dir, 'dec', 'inbox');
    const edoc = join(inbox, 'EPGW0000000000201.edoc');
    await mkdir(edoc);
    await cp(
      join(SAMPLES, 'paperless', 'dec-11-import-paperless.edoc', 'INV-LF-2026-0111.pdf'),
      join(edoc, 'INV-LF-2026-0111.pdf'),
    );
    await cp(
      join(SAMPLES, 'paperless', 'dec-11-import-paperless.edoc', '00000002_PL-LF-2026-0111.pdf'),
      join(edoc, '00000002_PL-LF-2026-0111.pdf'),
    );
    await writeFile(
      join(edoc, 'edoc.json'),
      JSON.stringify({
        attachments: [{ file: 'INV-LF-2026-0111.pdf', code: '发票', items: '1,2' }],
        agencyAgreement: consignNo,
      }),
    );
    await writeFile(
      join(inbox, 'EPGW0000000000201.xml'),
      decMessage('EPGW0000000000201', { items: 3 }),
    );

    const decOut = join(t.dir, 'dec', 'outbox');
    const decFiles = await waitFor(
      'declaration receipts',
      () => visible(decOut),
      (n) => n.length >= PER_DECLARATION,
      60_000,
    );
    expect(decFiles.filter((f) => f.startsWith('EPGW0000000000201.import-response.'))).toHaveLength(
      1,
    );
    expect(decFiles.filter((f) => f.includes('.dec-result.'))).toHaveLength(5);
    expect(await visible(join(imp, 'Deccus001', 'SentBox'))).toEqual(['EPGW0000000000201.zip']);
    const zip = await JSZip.loadAsync(
      await readFile(join(imp, 'Deccus001', 'SentBox', 'EPGW0000000000201.zip')),
    );
    expect(Object.keys(zip.files).sort()).toEqual([
      '00000002_PL-LF-2026-0111.pdf',
      'EPGW0000000000201.xml',
      'INV-LF-2026-0111.pdf',
    ]);
    const xml = await zip.file('EPGW0000000000201.xml')!.async('string');
    expect(xml).toContain(`<EdocID>${consignNo}</EdocID>`);
    expect(xml).toMatch(/<EdocID>220000000001IM\d{18}\.pdf<\/EdocID>/);
    expect(await visible(join(t.dir, 'dec', 'sent'))).toEqual([
      'EPGW0000000000201.edoc',
      'EPGW0000000000201.xml',
    ]);
    expect(await visible(join(t.dir, 'dec', 'sent', 'EPGW0000000000201.edoc'))).toEqual([
      '00000002_PL-LF-2026-0111.pdf',
      'INV-LF-2026-0111.pdf',
      'edoc.json',
    ]);

    // 3. A bad attachment: an error receipt naming the file and the rule; declaration and folder to failed/.
    const bad = join(inbox, 'EPGW0000000000202.edoc');
    await mkdir(bad);
    await writeFile(join(bad, '发票_scan.pdf'), 'this is a JPEG really');
    await writeFile(
      join(inbox, 'EPGW0000000000202.xml'),
      decMessage('EPGW0000000000202', { items: 1 }),
    );
    const errFile = await waitFor(
      'error receipt',
      () => visible(decOut),
      (n) => n.some((f) => f.startsWith('EPGW0000000000202.error.')),
      60_000,
    );
    const error = await readFile(
      join(
        decOut,
        errFile.find((f) => f.startsWith('EPGW0000000000202.error.'))!,
      ),
      'utf8',
    );
    expect(error).toContain('GW_ERR_EDOC_ATTACHMENT');
    expect(error).toContain('EPGW0000000000202.xml → 发票_scan.pdf');
    expect(error).toContain('edoc-not-pdf');
    await waitFor(
      'failed archive',
      () => visible(join(t!.dir, 'dec', 'failed')),
      (n) => n.length === 2,
      10_000,
    );
    expect(await visible(join(t.dir, 'dec', 'failed'))).toEqual([
      'EPGW0000000000202.edoc',
      'EPGW0000000000202.xml',
    ]);
    expect(await visible(join(imp, 'Deccus001', 'FailBox'))).toEqual([]);
    expect(t.sandbox.client!.stats()).toMatchObject({ packages: 1, refused: 0 });
  }, 120_000);

  it('a CSV that splits into two linked declarations: each part goes as its own zip with the untied files, the item-tied one in both parts, renumbered', async () => {
    imp = await mkdtemp(join(tmpdir(), 'eport-imppath-'));
    const mapping = join(SAMPLES, 'enterprise', 'mapping-zh.yaml');
    t = await startTestGateway(
      'swc-paperless-split',
      `  - { name: ent, dir: ./ent, translator: enterprise, translation: { mapping: "${mapping}" }, intake: [{ type: folder, pattern: "*.csv", stableMs: 0, pollMs: 30ms, attachments: true }], signer: client, transport: t, module: DECCUS001 }`,
      {
        sandbox: { impPath: imp, clientModules: ['Deccus001'], stepMs: 5 },
        transports: `[{ name: t, type: sw-client, impPath: "${imp}", pollMs: 50ms, stableMs: 0ms, receiptsAfter: delete }]`,
        receiptSources: '[]',
      },
    );
    const inbox = join(t.dir, 'ent', 'inbox');
    const edoc = join(inbox, 'ent-08.edoc');
    await mkdir(edoc);
    const pdfOf = (size: number): Buffer =>
      Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(size - 9, 0x20)]);
    // The mapping's 随附单据 section names these two, with their sizes, in both parts.
    await writeFile(join(edoc, 'INV-LZ-EX-2026-0772.pdf'), pdfOf(312004));
    await writeFile(join(edoc, 'PL-LZ-EX-2026-0772.pdf'), pdfOf(208937));
    await writeFile(join(edoc, 'BL-0772.pdf'), pdfOf(600));
    await writeFile(join(edoc, 'CERT-0772.pdf'), pdfOf(700));
    await writeFile(
      join(edoc, 'edoc.json'),
      JSON.stringify({
        attachments: [
          { file: 'BL-0772.pdf', code: '00000003' },
          { file: 'CERT-0772.pdf', code: '00000004', items: '49,51' },
        ],
      }),
    );
    await cp(
      join(SAMPLES, 'enterprise', 'ent-08-export-tools-split.csv'),
      join(inbox, 'ent-08.csv'),
    );

    const sentBox = join(imp, 'Deccus001', 'SentBox');
    const zips = await waitFor(
      'both parts handed over',
      () => visible(sentBox),
      (n) => n.length >= 2,
      60_000,
    );
    expect(zips).toEqual(['EPGW202601090108-1.zip', 'EPGW202601090108-2.zip']);
    for (const [n, gno] of [
      ['1', '49'],
      ['2', '1'],
    ] as const) {
      const zip = await JSZip.loadAsync(await readFile(join(sentBox, `EPGW202601090108-${n}.zip`)));
      expect(Object.keys(zip.files).sort()).toEqual([
        'BL-0772.pdf',
        'CERT-0772.pdf',
        `EPGW202601090108-${n}.xml`,
        'INV-LZ-EX-2026-0772.pdf',
        'PL-LZ-EX-2026-0772.pdf',
      ]);
      const xml = await zip.file(`EPGW202601090108-${n}.xml`)!.async('string');
      expect(xml).toContain(`<ClientSeqNo>EPGW202601090108-${n}</ClientSeqNo>`);
      expect(xml).toMatch(
        new RegExp(`<EdocCopId>CERT-0772.pdf</EdocCopId>[\\s\\S]*?<GNoStr>${gno}</GNoStr>`),
      );
    }
    expect(await visible(join(t.dir, 'ent', 'sent'))).toEqual(['ent-08.csv', 'ent-08.edoc']);
    expect(t.sandbox.client!.stats()).toMatchObject({ packages: 2, refused: 0 });
  }, 120_000);
});
