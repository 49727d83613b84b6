import iconv from 'iconv-lite';
import { csvField } from './csv-form.js';
import type { ReceiptFieldRule, ReceiptMapping } from './receipt-mapping.js';
import type { ReceiptRowView, ReceiptView } from './receipt-view.js';

type Values = Record<string, string>;

/** Every source field of one record as text. */
function sourceValues(v: ReceiptView, r: ReceiptRowView): Values {
  return {
    businessKey: r.businessKey,
    seqNo: r.seqNo,
    entryId: r.entryId,
    code: r.code,
    statusZh: r.statusZh,
    statusEn: r.statusEn,
    text: r.text,
    status: r.status,
    negative: r.negative ? '1' : '0',
    time: r.time,
    errors: r.errors.map((e) => (e.where ? `${e.where}: ${e.zh}` : e.zh)).join('；'),
    kind: v.kind,
    family: v.family,
    messageType: v.messageType,
    messageId: v.messageId,
    channel: v.channel,
  };
}

/** "2024-07-30 11:48:02" through a YYYY MM DD HH mm ss pattern; other times pass unchanged. */
function formatTime(time: string, pattern: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(time);
  if (!m) return time;
  const parts: Record<string, string> = {
    YYYY: m[1]!,
    MM: m[2]!,
    DD: m[3]!,
    HH: m[4]!,
    mm: m[5]!,
    ss: m[6]!,
  };
  return pattern.replace(/YYYY|MM|DD|HH|mm|ss/g, (t) => parts[t]!);
}

function fieldValue(rule: ReceiptFieldRule, values: Values): string {
  let out =
    rule.const ??
    (rule.template
      ? rule.template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '')
      : (values[rule.source!] ?? ''));
  if (rule.date && out) out = formatTime(out, rule.date);
  if (rule.map && out in rule.map) out = rule.map[out]!;
  if (!out && rule.default !== undefined) out = rule.default;
  if (rule.maxLength !== undefined) out = [...out].slice(0, rule.maxLength).join('');
  return out;
}

function records(m: ReceiptMapping, v: ReceiptView): [string, string][][] {
  return v.rows.map((r) => {
    const values = sourceValues(v, r);
    return Object.entries(m.fields).map(([name, rule]) => [name, fieldValue(rule, values)]);
  });
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function renderText(m: ReceiptMapping, v: ReceiptView): string {
  const recs = records(m, v);
  if (m.format === 'json')
    return `${JSON.stringify(
      recs.map((r) => Object.fromEntries(r)),
      null,
      2,
    )}\n`;
  if (m.format === 'xml') {
    const body = recs
      .map(
        (r) =>
          `  <${m.xml.record}>\n${r.map(([k, val]) => `    <${k}>${escapeXml(val)}</${k}>\n`).join('')}  </${m.xml.record}>\n`,
      )
      .join('');
    return `<?xml version="1.0" encoding="${m.encoding}"?>\n<${m.xml.root}>\n${body}</${m.xml.root}>\n`;
  }
  const eol = m.csv.lineEnding === 'crlf' ? '\r\n' : '\n';
  const line = (fields: string[]): string =>
    fields
      .map((f) => (f.includes(m.csv.delimiter) ? `"${f.replace(/"/g, '""')}"` : csvField(f)))
      .join(m.csv.delimiter) + eol;
  return (
    (m.csv.header ? line(Object.keys(m.fields)) : '') +
    recs.map((r) => line(r.map(([, val]) => val))).join('')
  );
}

/** A receipt laid out by the enterprise's receipt mapping, in the mapping's encoding. */
export function renderMappedReceipt(m: ReceiptMapping, v: ReceiptView): Buffer {
  const text = renderText(m, v);
  return m.encoding === 'UTF-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, m.encoding);
}

/** The extension of files in this mapping's form. */
export function mappedExtension(m: ReceiptMapping): string {
  return m.extension ?? m.format;
}
