import { describe, expect, it } from 'vitest';
import { isGatewayError } from '../../core/errors.js';
import { renderMappedReceipt } from './mapped-form.js';
import { parseReceiptMapping } from './receipt-mapping.js';
import type { ReceiptView } from './receipt-view.js';

function problems(yaml: string): string[] {
  try {
    parseReceiptMapping(yaml, 'r.yaml');
  } catch (err) {
    if (isGatewayError(err) && err.code === 'GW_ERR_MAPPING_CONFIG')
      return err.details.map((d) => `${d.where}: ${d.en}`);
    throw err;
  }
  return [];
}

const row = {
  businessKey: 'K1',
  seqNo: '',
  entryId: '',
  code: 'R',
  statusZh: '已结关',
  statusEn: 'closed',
  text: '报关单已结关',
  status: 'closed',
  negative: false,
  time: '2026-11-27 10:15:00',
  errors: [],
};
const view: ReceiptView = {
  form: 'eport-receipt/1',
  channel: 'c',
  messageId: 'm',
  kind: 'dec-result',
  family: 'dec',
  messageType: 'DEC_RESULT',
  ...row,
  rows: [row],
};

describe('receipt mapping', () => {
  it('says where each mistake is and which sources exist', () => {
    expect(problems('format: csv\nfields: { 编号: clientSeqNo }')).toEqual([
      expect.stringMatching(/^r\.yaml, fields\.编号: /),
    ]);
    expect(problems('format: xml\nfields: { "bad name": code }')).toEqual([
      expect.stringMatching(/^r\.yaml, fields\.bad name: .*not a valid XML element name/),
    ]);
    expect(problems('format: csv\nfields: { a: { source: code, const: x } }')).toEqual([
      expect.stringMatching(/exactly one of source, const, template/),
    ]);
    expect(problems('format: csv\nfields: { a: { source: code, date: YYYY } }')).toEqual([
      expect.stringMatching(/date applies to source: time only/),
    ]);
    expect(problems('format: csv\nencoding: Big5\nfields: { a: code }')).toHaveLength(1);
    expect(problems('format: [')).toEqual([
      expect.stringMatching(/^r\.yaml: the receipt mapping is not valid YAML/),
    ]);
    expect(
      problems(
        'format: csv\nfields: { a: code, b: { source: time, date: YYYYMMDD }, c: { template: "{code}/{status}" } }',
      ),
    ).toEqual([]);
  });

  it('applies map, default, date, template and maxLength in that order; quotes the delimiter', () => {
    const m = parseReceiptMapping(
      'format: csv\nencoding: UTF-8\ncsv: { delimiter: ";", lineEnding: lf }\nfields:\n  s: { source: code, map: { R: 结关 } }\n  d: { source: time, date: YYYYMMDD }\n  e: { source: errors, default: 无 }\n  t: { template: "{code};{statusZh}", maxLength: 3 }\n',
      'r.yaml',
    );
    expect(renderMappedReceipt(m, view).toString('utf8')).toBe(
      's;d;e;t\n结关;20261127;无;"R;已"\n',
    );
  });

  it('GBK cannot hold every character: those become "?" instead of failing the receipt', () => {
    const m = parseReceiptMapping(
      'format: csv\nencoding: GBK\ncsv: { header: false }\nfields: { a: text }',
      'r.yaml',
    );
    const out = renderMappedReceipt(m, { ...view, rows: [{ ...row, text: '放行 😀' }] });
    expect(out.toString('latin1')).toMatch(/\?\r\n$/);
  });
});
