import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGatewayError, type ErrorCode } from '../core/errors.js';
import { loadCodeTables } from './codes/code-tables.js';
import { DecXmlTranslator } from './dec-xml/dec-xml-translator.js';
import { EnterpriseTranslator } from './enterprise/enterprise-translator.js';
import { loadMapping, type LoadedMapping } from './mapping/load.js';
import type { TranslateProblem } from './source/problems.js';
import type { TextEncodingSetting } from './source/text-encoding.js';
import { translateAll, type Translator } from './translator.js';

/**
 * The bad-input corpus (test/fixtures/bad-inputs, made by its generate.ts): every file with the
 * error code it must get and, where the translator can know it, the rule, the target field and
 * the position in the enterprise's own file.
 */
const root = join(import.meta.dirname, '..', '..');
const dir = join(root, 'test', 'fixtures', 'bad-inputs');
const codes = loadCodeTables();
const mappings = new Map<string, LoadedMapping>();
const mapping = (name: string): LoadedMapping => {
  let m = mappings.get(name);
  if (!m) {
    m = loadMapping(join(root, 'samples', 'enterprise', name));
    mappings.set(name, m);
  }
  return m;
};

type Via = 'zh' | 'json' | 'xml' | 'dec';

interface Case {
  readonly file: string;
  readonly via: Via;
  readonly code: ErrorCode;
  readonly rule?: string;
  readonly field?: string;
  /** Fragments the problem's `where` must contain (file position). */
  readonly where?: readonly string[];
  readonly encoding?: TextEncodingSetting;
  readonly format?: 'csv';
}

const c = (
  file: string,
  via: Via,
  code: ErrorCode,
  rule?: string,
  field?: string,
  where?: string[],
  extra: Partial<Case> = {},
): Case => ({
  file,
  via,
  code,
  ...(rule !== undefined ? { rule } : {}),
  ...(field !== undefined ? { field } : {}),
  ...(where !== undefined ? { where } : {}),
  ...extra,
});

const CASES: readonly Case[] = [
  c(
    'bad-01-gbk-read-as-utf8.csv',
    'zh',
    'GW_ERR_INPUT_ENCODING',
    'encoding-invalid',
    undefined,
    ['line 1:1'],
    { encoding: 'UTF-8' },
  ),
  c(
    'bad-02-utf8-configured-gbk.csv',
    'zh',
    'GW_ERR_INPUT_ENCODING',
    'encoding-mismatch',
    undefined,
    undefined,
    { encoding: 'GBK' },
  ),
  c('bad-03-latin1.csv', 'zh', 'GW_ERR_INPUT_ENCODING', 'encoding-invalid', undefined, [
    'line 1:201',
  ]),
  c('bad-04-utf16.csv', 'zh', 'GW_ERR_INPUT_ENCODING', 'encoding-utf16'),
  c('bad-05-truncated-utf8.csv', 'zh', 'GW_ERR_INPUT_ENCODING', 'encoding-truncated', undefined, [
    'line 9',
  ]),
  c('bad-06-truncated-in-quote.csv', 'zh', 'GW_ERR_INPUT_FORMAT', 'csv-truncated', undefined, [
    'line 4',
  ]),
  c('bad-07-truncated-row.csv', 'zh', 'GW_ERR_INPUT_FORMAT', 'csv-row-length', undefined, [
    'row 5',
  ]),
  c('bad-08-missing-column.csv', 'zh', 'GW_ERR_INPUT_COLUMNS', 'missing-column', 'DecList.CodeTS', [
    'row 1',
    '商品编号',
  ]),
  c(
    'bad-09-no-record-type.csv',
    'zh',
    'GW_ERR_INPUT_COLUMNS',
    'csv-record-type-column',
    undefined,
    ['row 1'],
  ),
  c('bad-10-unknown-record-type.csv', 'zh', 'GW_ERR_INPUT_FORMAT', 'csv-record-type', undefined, [
    'row 7',
    'column A (记录类型)',
  ]),
  c('bad-11-bad-trade-mode.csv', 'zh', 'GW_ERR_TRANSLATE_MAPPING', 'lookup', 'DecHead.TradeMode', [
    'row 2',
    '(监管方式)',
  ]),
  c('bad-12-bad-currency.csv', 'zh', 'GW_ERR_TRANSLATE_MAPPING', 'lookup', 'DecList[1].TradeCurr', [
    'row 3',
    '(币制)',
  ]),
  c('bad-13-bad-unit.csv', 'zh', 'GW_ERR_TRANSLATE_MAPPING', 'lookup', 'DecList[2].GUnit', [
    'row 4',
    '(成交单位)',
  ]),
  c('bad-14-bad-ie-flag.csv', 'zh', 'GW_ERR_TRANSLATE_MAPPING', 'value-map', 'DecHead.IEFlag', [
    'row 2',
    'column B (进出口)',
  ]),
  c('bad-15-negative-quantity.csv', 'zh', 'GW_ERR_VALIDATION', 'negative', 'DecList[1].GQty', [
    'row 3',
    '(成交数量)',
  ]),
  c('bad-16-zero-price.csv', 'zh', 'GW_ERR_VALIDATION', 'positive', 'DecList[1].DeclPrice', [
    'row 3',
    '(单价)',
  ]),
  c(
    'bad-17-too-many-decimals.csv',
    'zh',
    'GW_ERR_VALIDATION',
    'number-format',
    'DecList[1].DeclPrice',
    ['row 3'],
  ),
  c('bad-18-not-a-number.csv', 'zh', 'GW_ERR_VALIDATION', 'number', 'DecList[1].GQty', ['row 3']),
  c('bad-19-gross-below-net.csv', 'zh', 'GW_ERR_VALIDATION', 'gross-net', 'DecHead.GrossWet', [
    'row 2',
    '(毛重)',
  ]),
  c(
    'bad-20-totals-mismatch.csv',
    'zh',
    'GW_ERR_VALIDATION',
    'total-mismatch',
    'DecList[2].DeclTotal',
    ['row 4', '(总价)'],
  ),
  c('bad-21-bad-uscc-check.csv', 'zh', 'GW_ERR_VALIDATION', 'uscc-check', 'DecHead.TradeCoScc', [
    'row 2',
    '(收发货人信用代码)',
  ]),
  c('bad-22-short-uscc.csv', 'zh', 'GW_ERR_VALIDATION', 'uscc-length', 'DecHead.AgentCodeScc', [
    'row 2',
    '(申报单位信用代码)',
  ]),
  c(
    'bad-23-bad-container-check.csv',
    'zh',
    'GW_ERR_VALIDATION',
    'container-check',
    'Container[1].ContainerId',
    ['row 7', '(集装箱号)'],
  ),
  c(
    'bad-24-bad-container-shape.csv',
    'zh',
    'GW_ERR_VALIDATION',
    'container-format',
    'Container[2].ContainerId',
    ['row 8'],
  ),
  c('bad-25-short-hs-code.csv', 'zh', 'GW_ERR_VALIDATION', 'hs-code', 'DecList[3].CodeTS', [
    'row 5',
    '(商品编号)',
  ]),
  c('bad-26-missing-agent-code.csv', 'zh', 'GW_ERR_VALIDATION', 'required', 'DecHead.AgentCode', [
    'row 2',
    '(申报单位代码)',
  ]),
  c('bad-27-impossible-date.csv', 'zh', 'GW_ERR_VALIDATION', 'date', 'DecHead.IEDate', [
    'row 2',
    '(进出口日期)',
  ]),
  c('bad-28-trade-levy-mismatch.csv', 'zh', 'GW_ERR_VALIDATION', 'trade-levy', 'DecHead.CutMode', [
    'row 2',
    '(征免性质)',
  ]),
  c('bad-29-two-heads.csv', 'zh', 'GW_ERR_TRANSLATE_MAPPING', 'section-records', 'DecHead', [
    'row 3',
  ]),
  c('bad-30-no-items.csv', 'zh', 'GW_ERR_VALIDATION', 'no-items'),
  c(
    'bad-31-unknown-weight-unit.csv',
    'zh',
    'GW_ERR_TRANSLATE_MAPPING',
    'unit',
    'DecList[1].@NetWt',
    ['row 3', '(重量单位)'],
  ),
  c('bad-32-huge-cell.csv', 'zh', 'GW_ERR_INPUT_FORMAT', 'huge-cell', undefined, [
    'row 2',
    '(备注)',
  ]),
  c(
    'bad-33-line-break-in-name.csv',
    'zh',
    'GW_ERR_VALIDATION',
    'control-chars',
    'DecList[1].GName',
    ['row 3', '(商品名称)'],
  ),
  c(
    'bad-34-container-unknown-item.csv',
    'zh',
    'GW_ERR_VALIDATION',
    'container-goods',
    'Container[2].GoodsNo',
    ['row 8'],
  ),
  c('bad-35-net-weight-sum.csv', 'zh', 'GW_ERR_VALIDATION', 'net-sum', 'DecHead.NetWt', [
    'row 2',
    '(净重)',
  ]),
  c(
    'bad-36-second-unit-missing.csv',
    'zh',
    'GW_ERR_VALIDATION',
    'second-qty-pair',
    'DecList[1].SecondUnit',
    ['row 3'],
  ),
  c('bad-37-empty.csv', 'zh', 'GW_ERR_INPUT_FORMAT', 'empty'),
  c('bad-38-gbk-xml-declared-utf8.xml', 'xml', 'GW_ERR_XML_ENCODING', undefined, undefined, [
    'byte',
  ]),
  c('bad-39-51-items-reject.json', 'json', 'GW_ERR_VALIDATION', 'max-items', 'DecList[51]', [
    '$.items[50]',
  ]),
  c('bad-40-truncated.json', 'json', 'GW_ERR_INPUT_FORMAT', 'json-truncated', undefined, ['line']),
  c('bad-41-trailing-comma.json', 'json', 'GW_ERR_INPUT_FORMAT', 'json-syntax', undefined, [
    'line 80',
  ]),
  c('bad-42-array-value.json', 'json', 'GW_ERR_INPUT_FORMAT', 'json-nested', undefined, [
    '$.items[2].quantity',
  ]),
  c('bad-43-missing-key.json', 'json', 'GW_ERR_INPUT_COLUMNS', 'missing-column', 'DecList.CodeTS', [
    '$.items[4]',
  ]),
  c(
    'bad-44-unknown-country.json',
    'json',
    'GW_ERR_TRANSLATE_MAPPING',
    'lookup',
    'DecList[1].OriginCountry',
    ['$.items[0].origin'],
  ),
  c('bad-45-malformed.xml', 'xml', 'GW_ERR_XML_MALFORMED', undefined, undefined, ['line 33']),
  c('bad-46-dtd.xml', 'xml', 'GW_ERR_XML_DTD'),
  c('bad-47-bad-transport-code.xml', 'xml', 'GW_ERR_VALIDATION', 'code', 'DecHead.TrafMode', [
    '/DECL/HEAD/TRAF_MODE',
  ]),
  c('bad-48-nested-field.xml', 'xml', 'GW_ERR_INPUT_FORMAT', 'xml-nested', undefined, [
    '/DECL/ITEMS/ITEM[1]/BRAND',
  ]),
  c('bad-49-formula-without-value.xlsx', 'zh', 'GW_ERR_INPUT_FORMAT', 'xlsx-formula', undefined, [
    'sheet "表体"',
    'row 2',
    '(总价)',
  ]),
  c('bad-50-merged-item-cells.xlsx', 'zh', 'GW_ERR_INPUT_FORMAT', 'xlsx-merged', undefined, [
    'sheet "表体"',
    'row 2',
  ]),
  c('bad-51-huge-cell.xlsx', 'zh', 'GW_ERR_INPUT_FORMAT', 'huge-cell', undefined, [
    'sheet "表体"',
    'row 2',
    '(申报要素)',
  ]),
  c('bad-52-missing-items-sheet.xlsx', 'zh', 'GW_ERR_INPUT_FORMAT', 'xlsx-sheet', undefined, [
    'sheet "表体"',
  ]),
  c('bad-53-truncated.xlsx', 'zh', 'GW_ERR_INPUT_FORMAT', 'xlsx-corrupt'),
  c('bad-54-error-value.xlsx', 'zh', 'GW_ERR_INPUT_FORMAT', 'xlsx-error-value', undefined, [
    'sheet "表体"',
    'row 2',
    '(单价)',
  ]),
  c('bad-55-legacy-xls.xlsx', 'zh', 'GW_ERR_INPUT_FORMAT', 'xls-legacy'),
  c(
    'bad-56-dec-container-check.xml',
    'dec',
    'GW_ERR_VALIDATION',
    'container-check',
    'Container[1].ContainerId',
    ['/DecMessage/DecContainers/Container[1]/ContainerId'],
  ),
  c('bad-57-dec-gno-gap.xml', 'dec', 'GW_ERR_VALIDATION', 'gno-sequence', 'DecList[3].GNo', [
    '/DecMessage/DecLists/DecList[3]/GNo',
  ]),
  c('bad-58-dec-bad-currency.xml', 'dec', 'GW_ERR_VALIDATION', 'code', 'DecList[1].TradeCurr', [
    '/DecMessage/DecLists/DecList[1]/TradeCurr',
  ]),
];

function translatorFor(k: Case): Translator {
  if (k.via === 'dec') return new DecXmlTranslator({ validate: true, codes });
  const file = { zh: 'mapping-zh.yaml', json: 'mapping-json.yaml', xml: 'mapping-xml.yaml' }[k.via];
  return new EnterpriseTranslator({
    mapping: mapping(file),
    codes,
    encoding: k.encoding,
    format: k.format,
  });
}

describe('bad-input corpus', () => {
  it('has at least 40 files, each with an expectation', () => {
    const files = readdirSync(dir)
      .filter((f) => f.startsWith('bad-'))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(40);
    expect(files).toEqual(CASES.map((k) => k.file).sort());
  });

  it.each(CASES.map((k) => [k.file, k] as const))('%s', async (_name, k) => {
    let error: unknown;
    try {
      await translateAll(translatorFor(k), readFileSync(join(dir, k.file)), {
        channel: 'test',
        fileName: k.file,
      });
    } catch (err) {
      error = err;
    }
    expect(isGatewayError(error), `${k.file} must be refused`).toBe(true);
    if (!isGatewayError(error)) return;
    expect(error.code).toBe(k.code);
    expect(error.kind).toBe('permanent');
    // Every detail speaks both languages.
    for (const d of error.details) {
      expect(d.zh.length).toBeGreaterThan(0);
      expect(d.en.length).toBeGreaterThan(0);
    }
    const details = error.details as readonly Partial<TranslateProblem>[];
    const hit = details.find(
      (d) =>
        (k.rule === undefined || d.rule === k.rule) &&
        (k.field === undefined || d.field === k.field),
    );
    expect(
      hit,
      `${k.file}: no detail with rule ${k.rule ?? '*'} and field ${k.field ?? '*'} in ${JSON.stringify(details.map((d) => [d.rule, d.field]))}`,
    ).toBeDefined();
    for (const fragment of k.where ?? []) expect(hit?.where ?? '').toContain(fragment);
    expect(hit?.where ?? '').toContain(k.file);
  });
});
