import type { ReceiptRowView, ReceiptView } from './receipt-view.js';

/**
 * The CSV receipt form: a header row in Chinese and one row per receipt record, UTF-8, CRLF
 * line ends (RFC 4180), fields quoted when they hold a comma, quote or line break.
 */
export const CSV_COLUMNS: readonly (readonly [
  header: string,
  value: (v: ReceiptView, r: ReceiptRowView) => string,
])[] = [
  ['业务编号', (_v, r) => r.businessKey],
  ['统一编号', (_v, r) => r.seqNo],
  ['报关单号', (_v, r) => r.entryId],
  ['回执种类', (v) => v.kind],
  ['状态代码', (_v, r) => r.code],
  ['状态说明', (_v, r) => r.statusZh],
  ['回执内容', (_v, r) => r.text],
  ['网关状态', (_v, r) => r.status],
  ['时间', (_v, r) => r.time],
  ['错误信息', (_v, r) => r.errors.map((e) => (e.where ? `${e.where}: ${e.zh}` : e.zh)).join('；')],
];

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export const CSV_HEADER = CSV_COLUMNS.map(([h]) => h);

/** The data rows of one receipt, without the header. */
export function csvRows(v: ReceiptView): string[][] {
  return v.rows.map((r) => CSV_COLUMNS.map(([, f]) => f(v, r)));
}

export function renderCsvReceipt(v: ReceiptView): Buffer {
  return Buffer.from([CSV_HEADER, ...csvRows(v)].map(csvLine).join(''), 'utf8');
}
