import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGatewayError, type GatewayError } from '../../core/errors.js';
import { packBundle, type BundleFile } from '../../core/document-bundle.js';
import { createTranslator } from '../factory.js';
import { translateAll } from '../translator.js';

const DIR = join(import.meta.dirname, '..', '..', '..', 'samples', 'paperless');
const DEC = 'dec-11-import-paperless.xml';
const EDOC = join(DIR, 'dec-11-import-paperless.edoc');
const decBytes = readFileSync(join(DIR, DEC));
const sampleFiles = (): BundleFile[] =>
  readdirSync(EDOC)
    .filter((f) => f !== 'edoc.json')
    .map((name) => ({ name, bytes: readFileSync(join(EDOC, name)) }));
const sampleManifest = (): BundleFile => ({
  name: 'edoc.json',
  bytes: readFileSync(join(EDOC, 'edoc.json')),
});
const pdf = (s: string): Buffer => Buffer.from(`%PDF-1.4\n% ${s}\n%%EOF\n`);

async function run(
  files: BundleFile[],
  manifest?: unknown,
  dec: Buffer = decBytes,
  options = {},
): Promise<string> {
  const bytes = await packBundle({
    document: { name: DEC, bytes: dec },
    attachments: files,
    ...(manifest !== undefined
      ? { manifest: { name: 'edoc.json', bytes: Buffer.from(JSON.stringify(manifest)) } }
      : {}),
  });
  const [m] = await translateAll(createTranslator('dec-xml', options), bytes, {
    channel: 'dec',
    fileName: DEC,
  });
  return m!.xml;
}

async function problems(
  files: BundleFile[],
  manifest?: unknown,
  dec?: Buffer,
  options = {},
): Promise<GatewayError> {
  const err = await run(files, manifest, dec, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isGatewayError(err)) throw new Error(`expected a GatewayError, got ${String(err)}`);
  return err;
}

describe('paperless translator (通关无纸化)', () => {
  it('golden: the sample declaration with its attachment folder and manifest becomes exactly the expected DecMessage', async () => {
    const bytes = await packBundle({
      document: { name: DEC, bytes: decBytes },
      manifest: sampleManifest(),
      attachments: sampleFiles(),
    });
    const [m] = await translateAll(createTranslator('dec-xml'), bytes, {
      channel: 'dec',
      fileName: DEC,
    });
    const expectedPath = join(DIR, 'expected', DEC);
    if (process.env.UPDATE_GOLDEN) writeFileSync(expectedPath, m!.xml);
    expect(m!.xml).toBe(readFileSync(expectedPath, 'utf8'));
    expect(m!.businessKey).toBe('EPGW20260120000111');
  });

  it('EdocID follows 申报口岸 + 类别代码 + IM + 18-digit serial + .pdf, EdocCopId is the file name, EdocSize its bytes', async () => {
    const xml = await run([{ name: '00000004_contract.pdf', bytes: pdf('c') }]);
    expect(xml).toMatch(
      /<EdocID>224800000004IM\d{18}\.pdf<\/EdocID>\s*<EdocCode>00000004<\/EdocCode>\s*<EdocFomatType>US<\/EdocFomatType>\s*<OpNote\/>\s*<EdocCopId>00000004_contract\.pdf<\/EdocCopId>/,
    );
    expect(xml).toContain(`<EdocSize>${pdf('c').length}</EdocSize>`);
    expect(xml).toContain('<EdocOwnerCode>3122260M31</EdocOwnerCode>');
    // Same input, same EdocID: a re-run after a crash makes the same message.
    expect(await run([{ name: '00000004_contract.pdf', bytes: pdf('c') }])).toBe(xml);
  });

  it('a plain document (no attachments) passes through byte for byte', async () => {
    const [m] = await translateAll(createTranslator('dec-xml'), decBytes, {
      channel: 'dec',
      fileName: DEC,
    });
    expect(m!.xml).toBe(decBytes.toString('utf8'));
  });

  it('EcoRelation follows the spec text: CertType Y+协定代码, EcoCertNo C/D+number; the CargoWise form is converted', async () => {
    const xml = await run([], {
      originCertificates: [
        { certType: 'Y', ecoCertNo: '<03>C99887766', items: [{ decGNo: 3, ecoGNo: 1 }] },
      ],
    });
    expect(xml).toMatch(
      /<EcoRelation>\s*<CertType>Y03<\/CertType>\s*<EcoCertNo>C99887766<\/EcoCertNo>\s*<DecGNo>3<\/DecGNo>\s*<EcoGNo>1<\/EcoGNo>\s*<ExtendFiled\/>\s*<\/EcoRelation>/,
    );
  });

  it('bad attachments: every problem at once, each naming the file and the rule, in Chinese and English', async () => {
    const big = Buffer.concat([pdf('big'), Buffer.alloc(2048)]);
    const err = await problems(
      [
        { name: 'notes.pdf', bytes: Buffer.from('hello, not a pdf') },
        { name: '发票_big.pdf', bytes: big },
        { name: 'mystery.pdf', bytes: pdf('m') },
        { name: 'Inv.pdf', bytes: pdf('i') },
        { name: 'INV.PDF', bytes: pdf('I') },
      ],
      {
        attachments: [
          { file: 'notes.pdf', code: '00000002' },
          { file: 'missing.pdf', code: '00000001' },
          { file: 'Inv.pdf', code: '旅游签证', items: '1,9' },
          { file: 'INV.PDF', code: '00000001', items: 'x' },
        ],
        originCertificates: [
          { agreement: '3', proof: 'C', number: '1', items: [{ decGNo: 7, ecoGNo: 1 }] },
        ],
      },
      decBytes,
      { paperless: { maxAttachmentBytes: 1000 } },
    );
    expect(err.code).toBe('GW_ERR_EDOC_ATTACHMENT');
    const byRule = (rule: string) => err.details.filter((d) => d.rule === rule);
    expect(byRule('edoc-not-pdf')[0]).toMatchObject({
      where: `${DEC} → notes.pdf`,
      zh: expect.stringContaining('不是 PDF'),
      en: expect.stringContaining('not a PDF'),
    });
    expect(byRule('edoc-too-large')[0]).toMatchObject({
      where: `${DEC} → 发票_big.pdf`,
      en: `the file has ${big.length} bytes, more than the limit of 1000`,
    });
    expect(byRule('edoc-file-missing')[0]!.where).toBe(`${DEC} → missing.pdf`);
    expect(
      byRule('edoc-code')
        .map((d) => d.where)
        .sort(),
    ).toEqual([`${DEC} → Inv.pdf`, `${DEC} → mystery.pdf`]);
    expect(byRule('edoc-code').find((d) => d.where?.endsWith('Inv.pdf'))!.zh).toContain(
      '“旅游签证”不在随附单据代码表中',
    );
    expect(byRule('edoc-name-case')[0]).toMatchObject({
      where: `${DEC} → Inv.pdf`,
      en: 'differs from INV.PDF only in letter case; the client on Windows takes them for one file',
    });
    expect(byRule('edoc-items').map((d) => d.en)).toEqual([
      'item number "x" is not a positive whole number',
    ]);
    expect(byRule('eco-agreement')[0]!.en).toBe('agreement code "3" must be 2 digits');
    expect(byRule('eco-items')[0]!.en).toBe('declaration item 7 is not within 1..4');
    for (const d of err.details) expect(d.zh && d.en && d.rule).toBeTruthy();
  });

  it('item numbers beyond the declaration are refused with the item count', async () => {
    const err = await problems([{ name: '00000001_a.pdf', bytes: pdf('a') }], {
      attachments: [{ file: '00000001_a.pdf', code: '00000001', items: [1, 5] }],
    });
    expect(err.details).toEqual([
      expect.objectContaining({
        rule: 'edoc-items',
        en: "item number 5 is beyond the declaration's 4 items",
        zh: '商品序号 5 超出报关单的商品项数 4',
      }),
    ]);
  });

  it('a manifest that is not JSON, or has unknown fields, is refused with its path', async () => {
    const bytes = await packBundle({
      document: { name: DEC, bytes: decBytes },
      manifest: { name: 'edoc.json', bytes: Buffer.from('{ nope') },
      attachments: [],
    });
    const err = await translateAll(createTranslator('dec-xml'), bytes, {
      channel: 'dec',
      fileName: DEC,
    }).catch((e: GatewayError) => e);
    expect(err).toMatchObject({
      code: 'GW_ERR_EDOC_ATTACHMENT',
      details: [expect.objectContaining({ where: 'edoc.json', rule: 'edoc-manifest-json' })],
    });
    const bad = await problems([], {
      attachments: [{ file: 'a.pdf', code: '00000001', colour: 'red' }],
    });
    expect(bad.details[0]).toMatchObject({
      where: 'edoc.json, $.attachments.0',
      rule: 'edoc-manifest',
    });
  });

  it('an EdocRealation already in the declaration must name a file that came with it; an empty EdocSize is filled, a wrong one refused', async () => {
    const withEdoc = Buffer.from(
      decBytes
        .toString('utf8')
        .replace(
          '</DecMessage>',
          '  <EdocRealation><EdocID>X1</EdocID><EdocCode>00000001</EdocCode><EdocFomatType>US</EdocFomatType><OpNote/><EdocCopId>inv.pdf</EdocCopId><EdocOwnerCode/><SignUnit/><SignTime/><EdocOwnerName/><EdocSize/><GNoStr/></EdocRealation>\n</DecMessage>',
        ),
    );
    const xml = await run([{ name: 'inv.pdf', bytes: pdf('inv') }], undefined, withEdoc);
    expect(xml).toContain(
      `<EdocCopId>inv.pdf</EdocCopId><EdocOwnerCode/><SignUnit/><SignTime/><EdocOwnerName/><EdocSize>${pdf('inv').length}</EdocSize>`,
    );
    const missing = await problems([], undefined, withEdoc);
    expect(missing.details[0]).toMatchObject({
      rule: 'edoc-file-missing',
      where: `${DEC}, EdocRealation/EdocCopId inv.pdf`,
    });
    const wrongSize = Buffer.from(
      withEdoc.toString('utf8').replace('<EdocSize/>', '<EdocSize>5</EdocSize>'),
    );
    const sized = await problems([{ name: 'inv.pdf', bytes: pdf('inv') }], undefined, wrongSize);
    expect(sized.details[0]).toMatchObject({
      rule: 'edoc-size',
      en: `EdocSize says 5, the file has ${pdf('inv').length} bytes`,
    });
  });
});
