import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../core/errors.js';
import { loadCodeTables } from '../codes/code-tables.js';
import { valueOf, recordsOf, singleOf } from '../model/record.js';
import { readCsv } from '../source/csv-reader.js';
import { evaluateMapping } from './evaluate.js';
import { parseMapping } from './load.js';
import { readDate, readNumber } from './values.js';
import { formatDecimal } from '../decimal.js';

const codes = loadCodeTables();
const errorOf = (f: () => unknown): GatewayError => {
  try {
    f();
  } catch (e) {
    return e as GatewayError;
  }
  throw new Error('expected an error');
};

const YAML = `
mappingVersion: 1
input: { csv: { recordTypeColumn: T, sections: { H: head, I: items } } }
valueMaps: { yn: { 是: "1", 否: "0" } }
blocks:
  DecHead:
    from: head
    fields:
      IEFlag: { column: 方向, map: { 进: I, 出: E } }
      TradeMode: { column: 方式, lookup: trade-modes }
      NoteS: { template: "{备注}/{方式}" }
      MarkNo: { column: 唛头, default: N/M }
      NoOtherPack: { column: 包装, map: yn }
      NetWt: { sum: "@NetWt", decimals: 3 }
      TradeName: { column: 名称, upper: true }
  DecList:
    from: items
    fields:
      GNo: { seq: true }
      GQty: 数量
      DeclPrice: 单价
      DeclTotal: { multiply: [DeclPrice, GQty], decimals: 2, fixed: true }
      GUnit: { column: 单位, map: { 件数: "011" }, passthrough: true }
      "@NetWt": { column: 净重, unit: { column: 重量单位, factors: { 克: 0.001, 千克: 1 } } }
      TradeCurr: { headColumn: 币制, lookup: currencies }
      IEDate: { const: "x" }
  DecSign:
    fields:
      ClientSeqNo: { ref: DecHead.TradeName }
`.replace('      IEDate: { const: "x" }\n', '');

const CSV =
  'T,方向,方式,备注,唛头,包装,名称,币制,数量,单价,单位,净重,重量单位\n' +
  'H,进,一般贸易,样品,,否,acme,美元,,,,,\n' +
  'I,,,,,,,,"1,000",0.125,件数,1500,克\n' +
  'I,,,,,,,,3,2.5,035,2,千克\n';

describe('mapping', () => {
  it('applies sources and transforms: map, lookup, template, default, seq, multiply, sum, unit, headColumn, ref, upper', () => {
    const loaded = parseMapping(YAML, 'm.yaml');
    const doc = readCsv(Buffer.from(CSV), {
      file: 'in.csv',
      encoding: 'auto',
      maxCellChars: 100,
      csv: loaded.mapping.input.csv,
      xlsx: loaded.mapping.input.xlsx,
      json: loaded.mapping.input.json,
      xml: loaded.mapping.input.xml,
    });
    const { model, problems } = evaluateMapping({ doc, loaded, codes });
    expect(problems).toEqual([]);
    const h = singleOf(model, 'DecHead');
    expect(
      ['IEFlag', 'TradeMode', 'NoteS', 'MarkNo', 'NoOtherPack', 'NetWt', 'TradeName'].map((f) =>
        valueOf(h, f),
      ),
    ).toEqual(['I', '0110', '样品/一般贸易', 'N/M', '0', '3.5', 'ACME']);
    const items = recordsOf(model, 'DecList');
    expect(
      items.map((r) => [
        valueOf(r, 'GNo'),
        valueOf(r, 'GQty'),
        valueOf(r, 'DeclTotal'),
        valueOf(r, 'GUnit'),
        valueOf(r, '@NetWt'),
        valueOf(r, 'TradeCurr'),
      ]),
    ).toEqual([
      ['1', '1000', '125.00', '011', '1.5', 'USD'],
      ['2', '3', '7.50', '035', '2', 'USD'],
    ]);
    expect(valueOf(singleOf(model, 'DecSign'), 'ClientSeqNo')).toBe('ACME');
    // Positions point into the enterprise file; constants into the mapping.
    expect(h.fields.get('TradeMode')!.origin).toEqual({
      file: 'in.csv',
      row: 2,
      column: 'C',
      columnName: '方式',
    });
  });

  it('refuses a bad mapping with every structural problem and its path', () => {
    const e = errorOf(() =>
      parseMapping(
        `mappingVersion: 1
blocks:
  DecHead: { from: head, fields: { IEFlag: { column: a, const: I }, Bogus: x } }
  DecList: { from: items, fields: { GQty: q } }
  DecSign: { fields: { ClientSeqNo: s } }
split: { mode: sometimes }
`,
        'bad.yaml',
      ),
    );
    expect(e.code).toBe('GW_ERR_MAPPING_CONFIG');
    const text = e.details.map((d) => `${d.where}: ${d.en}`).join('\n');
    expect(text).toContain('bad.yaml, blocks.DecHead.fields.IEFlag');
    expect(text).toContain('exactly one of');
    expect(text).toContain('DecHead has no element Bogus');
    expect(text).toContain('split.mode');
  });

  it('refuses dangling references, all at once', () => {
    const e = errorOf(() =>
      parseMapping(
        `mappingVersion: 1
blocks:
  DecHead: { from: head, fields: { TradeMode: { column: b, map: nope }, NetWt: { sum: "@Nothing" } } }
  DecList: { from: items, fields: { GQty: { ref: DecHead.Missing } } }
  DecSign: { fields: { OperType: { const: C } } }
`,
        'bad.yaml',
      ),
    );
    const text = e.details.map((d) => `${d.where}: ${d.en}`).join('\n');
    expect(text).toContain('valueMaps has no entry "nope"');
    expect(text).toContain('sum refers to DecList.@Nothing');
    expect(text).toContain('refers to DecHead.Missing');
    expect(text).toContain('ClientSeqNo must be mapped');
  });

  it('refuses invalid YAML and duplicate keys', () => {
    expect(errorOf(() => parseMapping('a: [', 'x.yaml')).code).toBe('GW_ERR_MAPPING_CONFIG');
    expect(
      errorOf(() => parseMapping('mappingVersion: 1\nmappingVersion: 1\n', 'x.yaml')).code,
    ).toBe('GW_ERR_MAPPING_CONFIG');
  });
});

describe('value readers', () => {
  it('numbers as enterprises write them', () => {
    expect(formatDecimal(readNumber('1,234,567.50')!)).toBe('1234567.5');
    expect(formatDecimal(readNumber('＋１２.５')!)).toBe('12.5');
    expect(readNumber('1,5')).toBeUndefined();
    expect(readNumber('12 kg')).toBeUndefined();
  });

  it('dates as enterprises write them', () => {
    expect(
      ['20260104', '2026-01-04', '2026/1/4', '2026.1.4', '2026年1月4日', '2026-01-04 13:05:00'].map(
        (s) => readDate(s, 'date'),
      ),
    ).toEqual(Array(6).fill('20260104'));
    expect(readDate('2026-01-04T13:05', 'datetime')).toBe('20260104130500');
    expect(readDate('04/01/2026', 'date')).toBeUndefined();
  });
});
