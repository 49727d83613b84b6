/**
 * 转关 (transit) in the sandbox: which declarations carry a 转关单, the 转关单统一编号 it hands out in
 * the import response (TrnPreId), and the `TRN_RESULT` receipt it answers them with
 * (seed-subsystems.md §2.4). The PROC_RESULT code list is not public: the sandbox writes `1`
 * with a note saying so; a gateway must not read a status from it.
 */
import type { Document } from '@xmldom/xmldom';
import { formatNoticeDate } from './china-time.js';
import { childElement, childText } from './dom.js';
import { DEC_NS } from './namespaces.js';
import { leaf } from './xml-escape.js';

/** What the sandbox takes from a transit declaration. */
export interface TransitFacts {
  /** TrnHead/TurnNo (转关申报单号), '' when absent. */
  readonly turnNo: string;
  /** The first TrnList/BillNo, '' when absent. */
  readonly billNo: string;
}

/**
 * The transit facts of a declaration, or undefined for a general one: DecHead/DeclTrnRel 1 or
 * DecSign/OperType B/D, with a TrnHead.
 */
export function readTransit(doc: Document): TransitFacts | undefined {
  const root = doc.documentElement;
  if (!root) return undefined;
  const rel = childText(root, ['DecHead', 'DeclTrnRel'], DEC_NS);
  const oper = childText(root, ['DecSign', 'OperType'], DEC_NS);
  if ((rel !== '1' && oper !== 'B' && oper !== 'D') || !childElement(root, 'TrnHead', DEC_NS))
    return undefined;
  return {
    turnNo: childText(root, ['TrnHead', 'TurnNo'], DEC_NS),
    billNo: childText(root, ['TrnList', 'BillNo'], DEC_NS),
  };
}

/** The 转关单统一编号 for a declaration's 统一编号: 18 characters, `T` + the SeqNo's year and serial. */
export function trnPreIdFor(seqNo: string): string {
  return `T${seqNo.slice(1)}`;
}

/** Fields of a `TRN_RESULT`. */
export interface TrnResultFields {
  readonly cusCiqNo: string;
  readonly spTrnSeqNo: string;
  readonly transDclNo?: string;
  readonly billNo?: string;
  readonly noticeDate: Date | string;
  readonly procResult: string;
  readonly note: string;
}

/** Builds a `TRN_RESULT` document (XML declaration included). */
export function buildTrnResult(fields: TrnResultFields): string {
  const noticeDate =
    typeof fields.noticeDate === 'string' ? fields.noticeDate : formatNoticeDate(fields.noticeDate);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<TRN_RESULT>',
    `  ${leaf('CUS_CIQ_NO', fields.cusCiqNo)}`,
    `  ${leaf('SP_TRN_SEQ_NO', fields.spTrnSeqNo)}`,
    `  ${leaf('TRANS_DCL_NO', fields.transDclNo)}`,
    `  ${leaf('BILL_NO', fields.billNo)}`,
    `  ${leaf('RESULT_NTC_DATE', noticeDate)}`,
    `  ${leaf('PROC_RESULT', fields.procResult)}`,
    `  ${leaf('NOTE', fields.note)}`,
    '</TRN_RESULT>',
    '',
  ].join('\n');
}
