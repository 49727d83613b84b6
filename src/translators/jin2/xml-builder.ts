import { escapeText } from '../dec/xml-builder.js';
import type { DecRecord, FieldValue } from '../model/record.js';
import type { FieldSpec } from '../model/field-spec.js';
import { XMLDSIG_NS, type Jin2Block, type Jin2Layout } from './layout.js';
import type { Jin2Output } from './mapping.js';

/** The values of one message: records per block, as the mapping evaluator made them. */
export type Jin2Blocks = ReadonlyMap<string, readonly DecRecord[]>;

/** What the builder derives rather than maps. */
export interface Jin2Envelope {
  readonly messageId: string;
  readonly fileName: string;
}

/** 20261130101500 -> 2026-11-30 10:15:00, 20261130 -> 2026-11-30: the XSD's Date / DateTime shapes. */
function xsdValue(spec: FieldSpec, value: string): string {
  if (spec.kind.t === 'datetime' && /^\d{14}$/.test(value))
    return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)} ${value.slice(8, 10)}:${value.slice(10, 12)}:${value.slice(12)}`;
  if (spec.kind.t === 'date' && /^\d{8}$/.test(value))
    return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6)}`;
  return value;
}

/** The value a field is written with: its own, else 0 for the zero-filled counters, else empty. */
export function fieldText(block: Jin2Block, spec: FieldSpec, rec: DecRecord | undefined): string {
  const v: FieldValue | undefined = rec?.fields.get(spec.name);
  const value = v?.value ?? '';
  if (value === '') return block.zeroFill.has(spec.name) ? '0' : '';
  return xsdValue(spec, value);
}

function record(
  lines: string[],
  pad: string,
  block: Jin2Block,
  rec: DecRecord | undefined,
  name: (s: string) => string,
): void {
  lines.push(`${pad}<${block.key}>`);
  for (const f of block.fields) {
    const v = fieldText(block, f, rec);
    const el = name(f.name);
    lines.push(v === '' ? `${pad}  <${el}></${el}>` : `${pad}  <${el}>${escapeText(v)}</${el}>`);
  }
  lines.push(`${pad}</${block.key}>`);
}

/**
 * Writes an unsigned 金二 message: `Package{EnvelopInfo, DataInfo{PocketInfo, BussinessData (sic){<TYPE>{blocks}}}}`,
 * optionally wrapped as `Signature/Object/Package` for the client to sign. Every business element
 * is written (empty ones as `<x></x>`), in XSD order; EnvelopInfo/send_time as xs:dateTime.
 */
export function buildJin2Xml(
  layout: Jin2Layout,
  blocks: Jin2Blocks,
  env: Jin2Envelope,
  output: Jin2Output,
): string {
  const name =
    output.elementCase === 'pascal'
      ? (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
      : (s: string) => s;
  const envRec = blocks.get('EnvelopInfo')?.[0];
  const ev = (n: string): string => envRec?.fields.get(n)?.value ?? '';
  const sendTime = ev('send_time').replace(
    /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/,
    '$1-$2-$3T$4:$5:$6',
  );
  const signature = output.root === 'Signature';
  const ns = layout.namespace ?? (signature ? XMLDSIG_NS : undefined);
  const nsAttr = ns ? ` xmlns="${ns}"` : '';
  const base = signature ? '    ' : '';
  const lines: string[] = [];
  if (signature) lines.push(`<Signature${nsAttr}>`, '  <Object>');
  lines.push(`${base}<Package${signature ? '' : nsAttr}>`, `${base}  <EnvelopInfo>`);
  const leaf = (pad: string, n: string, v: string): void => {
    lines.push(`${pad}<${n}>${escapeText(v)}</${n}>`);
  };
  const p3 = `${base}    `;
  leaf(p3, 'version', ev('version'));
  if (ev('business_id')) leaf(p3, 'business_id', ev('business_id'));
  leaf(p3, 'message_id', env.messageId);
  leaf(p3, 'file_name', env.fileName);
  leaf(p3, 'message_type', layout.message);
  leaf(p3, 'sender_id', ev('sender_id'));
  leaf(p3, 'receiver_id', ev('receiver_id'));
  leaf(p3, 'send_time', sendTime);
  lines.push(`${base}  </EnvelopInfo>`, `${base}  <DataInfo>`, `${base}    <PocketInfo>`);
  leaf(`${p3}  `, 'pocket_id', env.messageId);
  leaf(`${p3}  `, 'total_pocket_qty', '1');
  leaf(`${p3}  `, 'cur_pocket_no', '1');
  lines.push(
    `${base}    </PocketInfo>`,
    `${base}    <BussinessData>`,
    `${base}      <${layout.message}>`,
  );
  for (const block of layout.blocks) {
    if (block.envelope) continue;
    const recs = blocks.get(block.key) ?? [];
    if (block.repeated) for (const r of recs) record(lines, `${base}        `, block, r, name);
    else if (recs[0]) record(lines, `${base}        `, block, recs[0], name);
  }
  lines.push(
    `${base}      </${layout.message}>`,
    `${base}    </BussinessData>`,
    `${base}  </DataInfo>`,
    `${base}</Package>`,
  );
  if (signature) lines.push('  </Object>', '</Signature>');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${lines.join('\n')}\n`;
}
