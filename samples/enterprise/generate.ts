/**
 * Regenerates the enterprise-format inputs in this folder from the sample declarations in
 * ../declaration (the same invented companies and goods), and the DecMessage each must translate
 * to (expected/*.xml, rendered by ../declaration/render.ts, independent of the translator).
 *
 *   node --import tsx samples/enterprise/generate.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import {
  expected,
  json,
  recordsCsv,
  sectionsCsv,
  splitParts,
  splitSample,
  xlsx,
  xml,
  zhSections,
  SAMPLES,
  type Sample,
} from './formats.js';

const here = dirname(fileURLToPath(import.meta.url));
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

async function main(): Promise<void> {
  mkdirSync(join(here, 'expected'), { recursive: true });
  const [s1, s2, s3, s4, s5, s6, s7] = SAMPLES as [
    Sample,
    Sample,
    Sample,
    Sample,
    Sample,
    Sample,
    Sample,
  ];
  const files: [string, Buffer, Sample[]][] = [
    [
      'ent-01-import-components-utf8-bom.csv',
      Buffer.concat([BOM, Buffer.from(recordsCsv(zhSections(s1, { thousands: true })), 'utf8')]),
      [s1],
    ],
    ['ent-02-export-apparel.json', Buffer.from(json(s2), 'utf8'), [s2]],
    ['ent-03-import-instrument.xlsx', await xlsx(s3, { weightUnit: '克' }), [s3]],
    [
      'ent-04-import-food-gbk.csv',
      iconv.encode(recordsCsv(zhSections(s4, { weightUnit: '吨' })), 'gbk'),
      [s4],
    ],
    [
      'ent-05-export-tools-gbk-sections.csv',
      iconv.encode(sectionsCsv(zhSections(s5)), 'gbk'),
      [s5],
    ],
    ['ent-06-export-ceramics-gbk.xml', iconv.encode(xml(s6, 'GBK'), 'gbk'), [s6]],
    [
      'ent-07-import-laptops-gb18030.csv',
      iconv.encode(recordsCsv(zhSections(s7)), 'gb18030'),
      [s7],
    ],
  ];
  const split = splitSample();
  files.push([
    'ent-08-export-tools-split.csv',
    Buffer.from(sectionsCsv(zhSections(split)), 'utf8'),
    splitParts(split),
  ]);
  for (const [name, bytes, outs] of files) {
    writeFileSync(join(here, name), bytes);
    const base = name.replace(/\.[a-z]+$/, '');
    outs.forEach((s, k) =>
      writeFileSync(
        join(here, 'expected', outs.length === 1 ? `${base}.xml` : `${base}-${k + 1}.xml`),
        expected(s),
      ),
    );
    console.log(`wrote ${name} -> ${outs.map((s) => s.sign.clientSeqNo).join(', ')}`);
  }
}

await main();
