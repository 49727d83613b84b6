import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderGatewayReceiptAs, type GatewayReceipt } from '../gateway-receipt.js';
import type { GatewayCode } from '../../core/errors.js';
import { ReceiptForms, type ReceiptFormName } from './receipt-forms.js';
import { receiptView, type ReceiptContext } from './receipt-view.js';

/**
 * Golden tests: every receipt family the parser knows, plus the gateway's own receipts, in every
 * receipt form (JSON, CSV, and the two sample receipt mappings: GBK CSV and GB18030 XML), byte
 * for byte. Regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const dir = join(root, 'test', 'fixtures', 'receipt-forms');
const samples = join(root, 'samples', 'receipt-forms');

const forms = new ReceiptForms([
  { name: 'plain', receiptForm: 'xml' },
  {
    name: 'gbk',
    receiptForm: 'mapping',
    receiptMapping: join(samples, 'receipt-mapping-gbk.yaml'),
  },
  {
    name: 'xml',
    receiptForm: 'mapping',
    receiptMapping: join(samples, 'receipt-mapping-xml.yaml'),
  },
]);

const ctx: ReceiptContext = {
  channel: 'golden',
  messageId: '0123456789abcdef0123456789abcdef',
  businessKey: 'LEDGER-KEY-01',
  writtenAt: new Date('2026-11-27T02:03:04Z'),
};

const gatewayReceipt = (kind: GatewayReceipt['kind'], code: GatewayCode): GatewayReceipt => ({
  kind,
  messageId: ctx.messageId,
  channel: 'golden',
  sourceFile: '报关单-001.csv',
  status: kind === 'duplicate' ? 'closed' : kind === 'dead' ? 'dead' : 'failed',
  code,
  errorClass: kind === 'dead' ? 'transient' : 'permanent',
  zh: kind === 'duplicate' ? '重复文件' : '校验失败',
  en: kind === 'duplicate' ? 'duplicate file' : 'validation failed',
  details:
    kind === 'duplicate'
      ? []
      : [
          {
            where: '报关单-001.csv, 第 3 行, 列 "币制"',
            field: 'TradeCurr',
            zh: '币制代码 "USX" 不存在',
            en: 'currency code "USX" does not exist',
          },
        ],
  time: new Date('2026-11-27T01:02:03Z'),
});

const inputs: [name: string, bytes: Buffer, ext: string][] = [
  ...readdirSync(join(dir, 'input'))
    .sort()
    .map((f): [string, Buffer, string] => [
      f.replace(/\.xml$/, ''),
      readFileSync(join(dir, 'input', f)),
      'xml',
    ]),
  [
    'gateway.error-xml',
    renderGatewayReceiptAs(gatewayReceipt('error', 'GW_ERR_VALIDATION'), 'xml'),
    'xml',
  ],
  [
    'gateway.dead-json',
    renderGatewayReceiptAs(gatewayReceipt('dead', 'GW_ERR_DELIVER_EXHAUSTED'), 'json'),
    'json',
  ],
  [
    'gateway.duplicate-xml',
    renderGatewayReceiptAs(gatewayReceipt('duplicate', 'GW_DUPLICATE'), 'xml'),
    'xml',
  ],
];

const FORMS: [label: string, channel: string, form: ReceiptFormName][] = [
  ['json', 'plain', 'json'],
  ['csv', 'plain', 'csv'],
  ['mapped-gbk', 'gbk', 'mapping'],
  ['mapped-xml', 'xml', 'mapping'],
];

const update = process.env.UPDATE_GOLDEN === '1';
if (update) mkdirSync(join(dir, 'expected'), { recursive: true });

describe('golden: receipt forms', () => {
  it('covers every receipt kind the parser knows and the gateway receipts', () => {
    const kinds = new Set(
      inputs.map(([name, bytes, ext]) => receiptView(bytes, `${name}.${ext}`, ctx).kind),
    );
    expect([...kinds].sort()).toEqual(
      [
        'ceb-return',
        'ceb900',
        'dec-result',
        'dead',
        'duplicate',
        'dxp-rep',
        'error',
        'import-response',
        'mt9999',
        'sas-receipt',
        'sas-response',
        'unknown',
      ].sort(),
    );
  });

  const cases = inputs.flatMap(([name, bytes, ext]) =>
    FORMS.map(
      ([label, channel, form]) =>
        [`${name} as ${label}`, name, bytes, ext, label, channel, form] as const,
    ),
  );
  it.each(cases)('%s', (_title, name, bytes, ext, label, channel, form) => {
    const out = forms.render(channel, form, bytes, ext, ctx);
    const file = join(dir, 'expected', `${name}.${label}.${out.ext}`);
    if (update) writeFileSync(file, out.bytes);
    expect(
      out.bytes.equals(readFileSync(file)),
      `${file} differs; UPDATE_GOLDEN=1 regenerates it`,
    ).toBe(true);
  });

  it('the xml form is the receipt exactly as it came', () => {
    for (const [, bytes, ext] of inputs)
      expect(forms.render('plain', 'xml', bytes, ext, ctx).bytes).toBe(bytes);
  });
});
