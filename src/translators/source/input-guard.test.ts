import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatewayError, MAX_ERROR_DETAILS } from '../../core/errors.js';
import { decMessage } from '../../../test/helpers/dec-message.js';
import { xlsxWithCells, xlsxWithSheet } from '../../../test/helpers/zip-build.js';
import { loadCodeTables } from '../codes/code-tables.js';
import { DecXmlTranslator } from '../dec-xml/dec-xml-translator.js';
import { EnterpriseTranslator } from '../enterprise/enterprise-translator.js';
import { loadMapping } from '../mapping/load.js';
import { translateAll, type Translator } from '../translator.js';

const codes = loadCodeTables();
const enterprise = (): Translator =>
  new EnterpriseTranslator({ mapping: loadMapping('samples/enterprise/mapping-zh.yaml'), codes });
const ctx = (fileName: string) => ({ channel: 'c', fileName });

async function refusal(t: Translator, bytes: Buffer, fileName: string): Promise<GatewayError> {
  const err = await translateAll(t, bytes, ctx(fileName)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  return err as GatewayError;
}

describe('input limits are enforced on the raw bytes, before a parser builds anything', () => {
  it('refuses a 19 MB DecMessage whose NoteS is one long field, naming the line and the limit', async () => {
    const xml = Buffer.from(decMessage('NOTES-1', { note: 'x'.repeat(19 * 1024 * 1024) }));
    const heapBefore = process.memoryUsage().heapUsed;
    const err = await refusal(
      new DecXmlTranslator({ validate: true, codes }),
      xml,
      'long-note.xml',
    );
    expect(err.code).toBe('GW_ERR_INPUT_LIMIT');
    expect(err.details[0]!.where).toMatch(/long-note\.xml, line 2/);
    expect(err.details[0]!.en).toMatch(/8192/);
    // The refusal does not hold a copy of the document (a parse keeps hundreds of MB alive).
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses an over-long JSON string and an over-long CSV field', async () => {
    const json = Buffer.from(`{"head":{"备注":"${'y'.repeat(20_000)}"},"items":[]}`);
    expect((await refusal(enterprise(), json, 'a.json')).code).toBe('GW_ERR_INPUT_LIMIT');
    const csv = Buffer.from(`记录类型,备注\nH,${'z'.repeat(20_000)}\n`);
    expect((await refusal(enterprise(), csv, 'a.csv')).code).toBe('GW_ERR_INPUT_LIMIT');
  });

  it('refuses nesting deeper than the parsers should recurse, in XML and JSON', async () => {
    const deepXml = Buffer.from(
      `<?xml version="1.0"?>\n<DecMessage xmlns="http://www.chinaport.gov.cn/dec">${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</DecMessage>`,
    );
    expect(
      (await refusal(new DecXmlTranslator({ codes }), deepXml, 'deep.xml')).details[0]!.rule,
    ).toBe('max-depth');
    const deepJson = Buffer.from(
      `{"head":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)},"items":[]}`,
    );
    expect((await refusal(enterprise(), deepJson, 'deep.json')).details[0]!.rule).toBe('max-depth');
  });

  it('refuses a CSV with more rows than the limit', async () => {
    const csv = Buffer.from(`记录类型,商品名称\n${'I,螺丝\n'.repeat(60_000)}`);
    const err = await refusal(enterprise(), csv, 'rows.csv');
    expect(err.code).toBe('GW_ERR_INPUT_LIMIT');
    expect(err.details[0]!.rule).toBe('max-rows');
  });

  it('refuses a workbook with more cells than the limit from its unpacked sheets, before exceljs loads it', async () => {
    const err = await refusal(enterprise(), xlsxWithCells(30_000, 10), 'cells.xlsx');
    expect(err.code).toBe('GW_ERR_INPUT_LIMIT');
    expect(err.details[0]!.rule).toBe('max-cells');
  });

  it('refuses a zip bomb whose headers understate what a sheet inflates to', async () => {
    const bomb = xlsxWithSheet(Buffer.alloc(64 * 1024 * 1024, 0x20), (e) => ({
      ...e,
      declaredSize: 1000,
    }));
    const err = await refusal(enterprise(), bomb, 'bomb.xlsx');
    expect(err.code).toBe('GW_ERR_INPUT_LIMIT');
    expect(err.details[0]!.rule).toBe('unzipped-size');
  });

  it('still translates the real samples', async () => {
    for (const f of [
      'ent-03-import-instrument.xlsx',
      'ent-01-import-components-utf8-bom.csv',
      'ent-02-export-apparel.json',
    ]) {
      const t = f.endsWith('.json')
        ? new EnterpriseTranslator({
            mapping: loadMapping('samples/enterprise/mapping-json.yaml'),
            codes,
          })
        : enterprise();
      const msgs = await translateAll(t, readFileSync(`samples/enterprise/${f}`), ctx(f));
      expect(msgs.length).toBeGreaterThan(0);
    }
  });
});

describe('error receipts are capped', () => {
  it('keeps the first problems and counts the rest', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({
      where: `row ${i}`,
      zh: '错',
      en: 'bad',
    }));
    const err = new GatewayError('GW_ERR_VALIDATION', many);
    expect(err.details).toHaveLength(MAX_ERROR_DETAILS + 1);
    expect(err.details.at(-1)!.en).toMatch(/4900 more problems/);
  });
});
