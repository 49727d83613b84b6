/** 转关 (transit) business receipt `TRN_RESULT` (seed-subsystems.md §2.4). */
import { GatewayError } from '../core/errors.js';
import type { ParsedReceipt } from './receipt.js';
import { toReceipt } from './record.js';
import { text, type XNode } from '../core/xml-tree.js';

/**
 * `TRN_RESULT` (no namespace, upper-snake like DEC_RESULT; one source [R]): `CUS_CIQ_NO` 报关单统一编号,
 * `SP_TRN_SEQ_NO` 转关单统一编号 (= the import response's TrnPreId), `TRANS_DCL_NO` 转关申报单编号,
 * `BILL_NO`, `RESULT_NTC_DATE`, `PROC_RESULT` 处理结果, `NOTE`. The PROC_RESULT code list is not
 * known, so the receipt moves no status: it is recorded in the message's timeline and written
 * back. A receipt without PROC_RESULT, or naming neither number, cannot be placed and is refused.
 */
export function readTrnResult(node: XNode, where: string): ParsedReceipt {
  const code = text(node, 'PROC_RESULT');
  if (code === undefined) {
    throw new GatewayError('GW_ERR_RECEIPT_UNPARSEABLE', {
      where: `${where}: TRN_RESULT/PROC_RESULT`,
      zh: '转关回执缺少处理结果 PROC_RESULT',
      en: 'TRN_RESULT has no PROC_RESULT',
    });
  }
  const seqNo = text(node, 'CUS_CIQ_NO');
  const trnPreId = text(node, 'SP_TRN_SEQ_NO');
  if (!seqNo && !trnPreId) {
    throw new GatewayError('GW_ERR_RECEIPT_UNPARSEABLE', {
      where: `${where}: TRN_RESULT`,
      zh: '转关回执既无报关单统一编号 CUS_CIQ_NO，也无转关单统一编号 SP_TRN_SEQ_NO，无法对应',
      en: 'TRN_RESULT has neither CUS_CIQ_NO (declaration number) nor SP_TRN_SEQ_NO (transit number) to match on',
    });
  }
  const note = text(node, 'NOTE');
  const bill = text(node, 'BILL_NO');
  return toReceipt('dec', 'trn-result', 'TRN_RESULT', [
    {
      keys: { seqNo, trnPreId, transDclNo: text(node, 'TRANS_DCL_NO') },
      code,
      // The bill number is context, not a key: a 舱单 bill of the same number is another message.
      text: [note, bill ? `BILL_NO ${bill}` : undefined].filter(Boolean).join('; '),
      noticeTime: text(node, 'RESULT_NTC_DATE'),
    },
  ]);
}
