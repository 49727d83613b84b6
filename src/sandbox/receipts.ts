/**
 * Pure builders for the two receipt layers customs returns for a 报关单 (see eport-formats.md §3.5):
 * the import response `DecImportResponse` and the business receipt `DEC_RESULT`. The sandbox uses
 * them, and gateway tests may use them to fabricate receipts.
 */
import { DEC_NS } from './namespaces.js';
import { formatNoticeDate } from './china-time.js';
import { leaf } from './xml-escape.js';

/** Encoding named in the XML declaration of a built receipt. Encode the bytes to match (core/xml-text `encodeXml`). */
export type ReceiptEncoding = 'UTF-8' | 'GBK';

/** Fields of a `DecImportResponse` (ns http://www.chinaport.gov.cn/dec). */
export interface DecImportResponseFields {
  /** 0 = 导入成功; anything else = 导入失败. */
  readonly responseCode: string | number;
  /** Reason of a failure (Chinese first); on success the sandbox writes 导入成功. */
  readonly errorMessage?: string;
  /** The client's `DecSign/ClientSeqNo`, echoed. */
  readonly clientSeqNo?: string;
  /** 18-char 数据中心统一编号; empty on failure. */
  readonly seqNo?: string;
  /** 转关单统一编号, usually empty. */
  readonly trnPreId?: string;
}

/**
 * Builds a `DecImportResponse` document (XML declaration included).
 *
 * @example buildDecImportResponse({ responseCode: 0, errorMessage: '导入成功', clientSeqNo: 'EPGW202601050001', seqNo: 'I20260000000000001' })
 */
export function buildDecImportResponse(
  fields: DecImportResponseFields,
  options: { encoding?: ReceiptEncoding } = {},
): string {
  return [
    `<?xml version="1.0" encoding="${options.encoding ?? 'UTF-8'}"?>`,
    `<DecImportResponse xmlns="${DEC_NS}">`,
    `  ${leaf('ResponseCode', String(fields.responseCode))}`,
    `  ${leaf('ErrorMessage', fields.errorMessage)}`,
    `  ${leaf('ClientSeqNo', fields.clientSeqNo)}`,
    `  ${leaf('SeqNo', fields.seqNo)}`,
    `  ${leaf('TrnPreId', fields.trnPreId)}`,
    '</DecImportResponse>',
    '',
  ].join('\n');
}

/** Fields of a `DEC_RESULT` business receipt (no namespace). */
export interface DecResultFields {
  /** 统一编号 = the `SeqNo` of the import response. */
  readonly cusCiqNo: string;
  /** 海关编号, 18 digits. */
  readonly entryId: string;
  /** Receipt time; a Date is written as `yyyy-MM-ddTHH:mm:ss` China time. */
  readonly noticeDate: Date | string;
  /** Status code (7, L, J, C, P, R, E, …; eport-formats.md §3.5 CHANNEL table). */
  readonly channel: string;
  /** Text of the receipt, e.g. 海关已接受申报. */
  readonly note: string;
  /** 申报地海关 (4 digits). */
  readonly customMaster?: string;
  /** 进出口日期 `yyyyMMdd`. */
  readonly ieDate?: string;
  /** 申报日期 `yyyyMMdd`. */
  readonly dDate?: string;
  /**
   * The client's ClientSeqNo. A sandbox extension: real `DEC_RESULT` receipts carry only the
   * SeqNo, so a gateway must correlate on either.
   */
  readonly clientSeqNo?: string;
}

/** Builds a `DEC_RESULT` document (XML declaration included). */
export function buildDecResult(
  fields: DecResultFields,
  options: { encoding?: ReceiptEncoding } = {},
): string {
  const noticeDate =
    typeof fields.noticeDate === 'string' ? fields.noticeDate : formatNoticeDate(fields.noticeDate);
  const lines = [
    `<?xml version="1.0" encoding="${options.encoding ?? 'UTF-8'}"?>`,
    '<DEC_RESULT>',
    `  ${leaf('CUS_CIQ_NO', fields.cusCiqNo)}`,
    `  ${leaf('ENTRY_ID', fields.entryId)}`,
    `  ${leaf('NOTICE_DATE', noticeDate)}`,
    `  ${leaf('CHANNEL', fields.channel)}`,
    `  ${leaf('NOTE', fields.note)}`,
    `  ${leaf('CUSTOM_MASTER', fields.customMaster)}`,
    `  ${leaf('I_E_DATE', fields.ieDate)}`,
    `  ${leaf('D_DATE', fields.dDate)}`,
  ];
  if (fields.clientSeqNo !== undefined)
    lines.push(`  ${leaf('CLIENT_SEQ_NO', fields.clientSeqNo)}`);
  lines.push('</DEC_RESULT>', '');
  return lines.join('\n');
}
