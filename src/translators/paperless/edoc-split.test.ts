import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGatewayError } from '../../core/errors.js';
import { packBundle, type BundleFile } from '../../core/document-bundle.js';
import { createTranslator } from '../factory.js';
import { translateAll } from '../translator.js';

const ENT = join(import.meta.dirname, '..', '..', '..', 'samples', 'enterprise');
const CSV = 'ent-08-export-tools-split.csv'; // 60 items: parts -1 (items 1-50) and -2 (51-60)
const csv = readFileSync(join(ENT, CSV));
/** A PDF of an exact size: the mapping's own EdocRealation entries give EdocSize. */
const pdfOf = (name: string, size: number): BundleFile => {
  const head = Buffer.from('%PDF-1.4\n');
  return { name, bytes: Buffer.concat([head, Buffer.alloc(size - head.length, 0x20)]) };
};
const files = (): BundleFile[] => [
  // Named by the mapping's 随附单据 section, which the split repeats in both parts.
  pdfOf('INV-LZ-EX-2026-0772.pdf', 312004),
  pdfOf('PL-LZ-EX-2026-0772.pdf', 208937),
  pdfOf('BL-0772.pdf', 600),
  pdfOf('CERT-0772.pdf', 700),
  pdfOf('00000004_contract.pdf', 800),
  { name: 'marks.png', bytes: Buffer.from('\x89PNG marks') },
];
const manifest = {
  attachments: [
    { file: 'BL-0772.pdf', code: '00000003' },
    { file: 'CERT-0772.pdf', code: '00000004', items: '49,50,51,60' },
  ],
  originCertificates: [
    {
      agreement: '03',
      proof: 'C',
      number: 'E26000001',
      items: [
        { decGNo: 50, ecoGNo: 1 },
        { decGNo: 51, ecoGNo: 2 },
      ],
    },
  ],
  marks: [{ file: 'marks.png' }],
};

async function parts(mode?: 'every' | 'first', m: unknown = manifest): Promise<string[]> {
  const bytes = await packBundle({
    document: { name: CSV, bytes: csv },
    attachments: files(),
    manifest: { name: 'edoc.json', bytes: Buffer.from(JSON.stringify(m)) },
  });
  const t = createTranslator('enterprise', {
    mapping: join(ENT, 'mapping-zh.yaml'),
    ...(mode ? { paperless: { splitAttachments: mode } } : {}),
  });
  const out = await translateAll(t, bytes, { channel: 'ent', fileName: CSV });
  return out.map((x) => x.xml);
}

const copIds = (xml: string): string[] =>
  [...xml.matchAll(/<EdocCopId>([^<]*)<\/EdocCopId>/g)].map((x) => x[1]!);
const gnoOf = (xml: string, file: string): string | undefined =>
  new RegExp(`<EdocCopId>${file}</EdocCopId>[\\s\\S]*?<GNoStr>([^<]*)</GNoStr>`).exec(xml)?.[1];
const ecoGNos = (xml: string): string[] =>
  [...xml.matchAll(/<EcoRelation>[\s\S]*?<DecGNo>(\d+)<\/DecGNo>/g)].map((x) => x[1]!);

describe('attachments of a file split into linked declarations (ClientSeqNo -1/-2)', () => {
  it('default (every): each part carries the untied files and the marks; item-tied files and origin pairs go to the parts holding the items, renumbered', async () => {
    const [p1, p2] = await parts();
    expect(p1).toContain('<ClientSeqNo>EPGW202601090108-1</ClientSeqNo>');
    expect(p2).toContain('<ClientSeqNo>EPGW202601090108-2</ClientSeqNo>');
    for (const p of [p1!, p2!]) {
      expect(copIds(p)).toEqual(
        expect.arrayContaining([
          'INV-LZ-EX-2026-0772.pdf',
          'PL-LZ-EX-2026-0772.pdf',
          'BL-0772.pdf',
          '00000004_contract.pdf',
          'CERT-0772.pdf',
        ]),
      );
      expect(p).toContain('<AttachName>marks.png</AttachName>');
    }
    // Items 49,50 are part 1's; 51 and 60 are part 2's items 1 and 10.
    expect(gnoOf(p1!, 'CERT-0772.pdf')).toBe('49,50');
    expect(gnoOf(p2!, 'CERT-0772.pdf')).toBe('1,10');
    expect(ecoGNos(p1!)).toEqual(['50']);
    expect(ecoGNos(p2!)).toEqual(['1']);
  });

  it('first: the untied files and the marks go with part -1 only; part -2 keeps its item-tied file and the mapping entries', async () => {
    const [p1, p2] = await parts('first');
    expect(copIds(p1!)).toContain('BL-0772.pdf');
    expect(copIds(p1!)).toContain('00000004_contract.pdf');
    expect(p1).toContain('<DecMarkLob>');
    expect(copIds(p2!).sort()).toEqual([
      'CERT-0772.pdf',
      'INV-LZ-EX-2026-0772.pdf',
      'PL-LZ-EX-2026-0772.pdf',
    ]);
    expect(p2).not.toContain('<DecMarkLob>');
    expect(gnoOf(p2!, 'CERT-0772.pdf')).toBe('1,10');
  });

  it('item numbers beyond the whole file and a missing listed file are reported once, with the file and the rule', async () => {
    const err = await parts('every', {
      ...manifest,
      attachments: [
        ...manifest.attachments,
        { file: 'LIC.pdf', code: '00000004', items: '61' },
        { file: 'gone.pdf', code: '00000003' },
      ],
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isGatewayError(err)) throw new Error('expected a GatewayError');
    expect(err.code).toBe('GW_ERR_EDOC_ATTACHMENT');
    expect(err.details.map((d) => `${d.where}|${d.rule}`).sort()).toEqual([
      `${CSV} → LIC.pdf|edoc-items`,
      `${CSV} → gone.pdf|edoc-file-missing`,
    ]);
  });
});
