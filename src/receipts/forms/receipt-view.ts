/**
 * One flat, enterprise-facing view of any receipt the gateway writes back: a customs receipt
 * (every family the parser knows) or the gateway's own (error, dead, duplicate, cancelled). The
 * JSON, CSV and mapped receipt forms are all rendered from it, so they always agree.
 */
import type { ErrorDetail } from '../../core/errors.js';
import { decodeXml } from '../../core/xml-text.js';
import { describeCode } from '../codes.js';
import { GATEWAY_RECEIPT_NS } from '../gateway-receipt.js';
import { parseReceipt } from '../parse.js';
import type { ParsedReceipt, ReceiptKeys, ReceiptRecord } from '../receipt.js';
import { children, parseTree, text, type XNode } from '../../core/xml-tree.js';

/** One error line of a receipt, in Chinese and English. */
export interface ReceiptErrorView {
  readonly where?: string;
  readonly field?: string;
  readonly zh: string;
  readonly en: string;
}

/** One status statement, flattened; what a CSV row or a mapped record is made from. */
export interface ReceiptRowView {
  /** The enterprise's own number: ClientSeqNo, CEB orderNo/copNo, 金二 企业内部编号, 提运单号… */
  readonly businessKey: string;
  /** 统一编号 (18 characters), once customs gave one. */
  readonly seqNo: string;
  /** 报关单号 / 海关编号, once customs gave one. */
  readonly entryId: string;
  /** The status code as the receipt wrote it (CHANNEL, returnStatus, DealFlag…, or GW_ERR_…). */
  readonly code: string;
  /** What the code means, from the code tables. */
  readonly statusZh: string;
  readonly statusEn: string;
  /** The receipt's own words (NOTE, returnInfo, ErrorMessage…). */
  readonly text: string;
  /** The gateway status this record moves the message to (received … closed, rejected, dead…). */
  readonly status: string;
  readonly negative: boolean;
  /** Receipt time, China time, "YYYY-MM-DD HH:mm:ss". */
  readonly time: string;
  readonly errors: readonly ReceiptErrorView[];
}

export interface ReceiptView extends ReceiptRowView {
  readonly form: 'eport-receipt/1';
  readonly channel: string;
  readonly messageId: string;
  /** Receipt kind, as in outbox names: import-response, dec-result, ceb-return, error, dead… */
  readonly kind: string;
  /** dec, ceb, sas, dxp-rep, manifest, unknown, or gateway. */
  readonly family: string;
  /** Root element of the receipt (DEC_RESULT, CEB312Message, GatewayReceipt…). */
  readonly messageType: string;
  /** Every record, the first one repeated; most receipts have exactly one. */
  readonly rows: readonly ReceiptRowView[];
}

/** What the ledger knows of the message a receipt answers: fills keys a receipt leaves out. */
export interface ReceiptContext {
  readonly channel: string;
  readonly messageId: string;
  readonly businessKey?: string | undefined;
  readonly seqNo?: string | undefined;
  readonly entryId?: string | undefined;
  /** When the receipt was written back; the time of a receipt that carries none. */
  readonly writtenAt: Date;
}

const KEY_ORDER: readonly (keyof ReceiptKeys)[] = [
  'clientSeqNo',
  'orderNo',
  'copNo',
  'logisticsNo',
  'invtNo',
  'etpsPreentNo',
  'billNo',
  'businessId',
  'decModSeqNo',
  'sourceStem',
];

/** A Date as China time (UTC+8, no daylight saving), "YYYY-MM-DD HH:mm:ss". */
export function chinaTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Receipt times come as 20160428182238000, 20240730114802, 2024-07-30 11:48:02 or ISO with T;
 * all become "YYYY-MM-DD HH:mm:ss". Anything else is kept as written.
 */
export function normalizeTime(raw: string): string {
  const s = raw.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})T?(\d{2})(\d{2})(\d{2})\d{0,3}$/.exec(s);
  if (compact)
    return `${compact[1]}-${compact[2]}-${compact[3]} ${compact[4]}:${compact[5]}:${compact[6]}`;
  const iso = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(s);
  if (iso) return `${iso[1]} ${iso[2]}`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return `${s} 00:00:00`;
  if (/^\d{8}$/.test(s)) return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6)} 00:00:00`;
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s)
    ? new Date(s)
    : undefined;
  return zoned && !Number.isNaN(zoned.getTime()) ? chinaTime(zoned) : s;
}

function rowOf(p: ParsedReceipt, r: ReceiptRecord, ctx: ReceiptContext): ReceiptRowView {
  const label = describeCode(p.family, r.code, p.kind);
  const own = KEY_ORDER.map((k) => r.keys[k]).find((v) => v);
  return {
    businessKey: own ?? ctx.businessKey ?? '',
    seqNo: r.keys.seqNo ?? ctx.seqNo ?? '',
    entryId: r.keys.entryId ?? ctx.entryId ?? '',
    code: r.code,
    statusZh: label.zh,
    statusEn: label.en,
    text: r.text,
    status: r.status,
    negative: r.negative,
    time: r.noticeTime ? normalizeTime(r.noticeTime) : chinaTime(ctx.writtenAt),
    // A negative customs receipt's own words are its error; customs gives them in Chinese only.
    errors: r.negative ? [{ zh: r.text || label.zh, en: label.en }] : [],
  };
}

function customsView(p: ParsedReceipt, ctx: ReceiptContext): ReceiptView {
  const rows = (p.records ?? [p]).map((r) => rowOf(p, r, ctx));
  return {
    form: 'eport-receipt/1',
    channel: ctx.channel,
    messageId: ctx.messageId,
    kind: p.kind,
    family: p.family,
    messageType: p.messageType,
    ...rows[0]!,
    rows,
  };
}

/** The fields of a gateway receipt, from its XML or JSON rendering. */
interface GatewayFields {
  readonly kind: string;
  readonly status: string;
  readonly code: string;
  readonly zh: string;
  readonly en: string;
  readonly time: string;
  readonly details: readonly Partial<ErrorDetail>[];
}

function gatewayFromJson(bytes: Buffer): GatewayFields | undefined {
  let j: unknown;
  try {
    j = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  const o = j as Record<string, unknown> | null;
  if (!o || o.receipt !== 'eport-gateway/1') return undefined;
  const s = (k: string): string => (typeof o[k] === 'string' ? (o[k] as string) : '');
  return {
    kind: s('kind'),
    status: s('status'),
    code: s('code'),
    zh: s('zh'),
    en: s('en'),
    time: s('time'),
    details: Array.isArray(o.details) ? (o.details as Partial<ErrorDetail>[]) : [],
  };
}

function gatewayFromXml(bytes: Buffer): GatewayFields | undefined {
  if (!bytes.includes(GATEWAY_RECEIPT_NS)) return undefined;
  const { name, node } = parseTree(decodeXml(bytes, 'receipt').text, 'receipt');
  if (name !== 'GatewayReceipt' || typeof node === 'string') return undefined;
  const details = children(node.Details as XNode | undefined, 'Detail').map((d) => ({
    where: text(d, 'Where') ?? '',
    ...(text(d, 'Field') ? { field: text(d, 'Field') } : {}),
    zh: text(d, 'TextZh') ?? '',
    en: text(d, 'TextEn') ?? '',
  }));
  const kindAttr = (node as Record<string, unknown>)['@_kind'];
  return {
    kind: typeof kindAttr === 'string' ? kindAttr : '',
    status: text(node, 'Status') ?? '',
    code: text(node, 'Code') ?? '',
    zh: text(node, 'TextZh') ?? '',
    en: text(node, 'TextEn') ?? '',
    time: text(node, 'Time') ?? '',
    details,
  };
}

function gatewayView(g: GatewayFields, ctx: ReceiptContext): ReceiptView {
  const errors = g.details.map((d) => ({
    ...(d.where ? { where: d.where } : {}),
    ...(d.field ? { field: d.field } : {}),
    zh: d.zh ?? '',
    en: d.en ?? '',
  }));
  const row: ReceiptRowView = {
    businessKey: ctx.businessKey ?? '',
    seqNo: ctx.seqNo ?? '',
    entryId: ctx.entryId ?? '',
    code: g.code,
    statusZh: g.zh,
    statusEn: g.en,
    text: errors.map((e) => e.zh).join('；'),
    status: g.status,
    negative: g.kind === 'error' || g.kind === 'dead' || g.kind === 'cancelled',
    time: g.time ? normalizeTime(g.time) : chinaTime(ctx.writtenAt),
    errors: errors.length ? errors : g.kind === 'duplicate' ? [] : [{ zh: g.zh, en: g.en }],
  };
  return {
    form: 'eport-receipt/1',
    channel: ctx.channel,
    messageId: ctx.messageId,
    kind: g.kind,
    family: 'gateway',
    messageType: 'GatewayReceipt',
    ...row,
    rows: [row],
  };
}

/**
 * The view of receipt bytes as stored in the spool: a gateway receipt (XML or JSON) or anything
 * the receipt parser reads. Throws GW_ERR_RECEIPT_UNPARSEABLE like the parser for non-receipts.
 */
export function receiptView(bytes: Buffer, fileName: string, ctx: ReceiptContext): ReceiptView {
  const g = gatewayFromJson(bytes) ?? gatewayFromXml(bytes);
  if (g) return gatewayView(g, ctx);
  return customsView(parseReceipt(bytes, fileName), ctx);
}

/**
 * The view of a receipt that may not be readable (an orphan kept because it could not be
 * parsed): such a receipt still gets a row, saying so, instead of failing the whole page.
 */
export function readableView(
  bytes: Buffer,
  fileName: string,
  kind: string,
  ctx: ReceiptContext,
): ReceiptView {
  try {
    return receiptView(bytes, fileName, ctx);
  } catch (err) {
    const en = err instanceof Error ? err.message : String(err);
    const row: ReceiptRowView = {
      businessKey: ctx.businessKey ?? '',
      seqNo: ctx.seqNo ?? '',
      entryId: ctx.entryId ?? '',
      code: '',
      statusZh: '回执无法解析',
      statusEn: 'receipt cannot be parsed',
      text: en,
      status: 'unknown',
      negative: true,
      time: chinaTime(ctx.writtenAt),
      errors: [{ zh: '回执无法解析', en }],
    };
    return {
      form: 'eport-receipt/1',
      channel: ctx.channel,
      messageId: ctx.messageId,
      kind,
      family: 'unknown',
      messageType: '',
      ...row,
      rows: [row],
    };
  }
}
