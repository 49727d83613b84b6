/** 报关单 receipts: the client's import response and the customs business receipt. */
import { GatewayError } from '../core/errors.js';
import type { ParsedReceipt } from './receipt.js';
import { toReceipt, type RawRecord } from './record.js';
import { child, children, deepText, firstText, text, type XNode } from '../core/xml-tree.js';

/**
 * `DecImportResponse` (ns dec): ResponseCode 0 = 导入成功, anything else = 导入失败. A response
 * without ResponseCode cannot be read as success or failure, so it is refused.
 */
export function readDecImportResponse(node: XNode, where: string): ParsedReceipt {
  const code = text(node, 'ResponseCode');
  if (code === undefined) {
    throw new GatewayError('GW_ERR_RECEIPT_UNPARSEABLE', {
      where: `${where}: DecImportResponse/ResponseCode`,
      zh: '导入回执缺少 ResponseCode',
      en: 'import response has no ResponseCode',
    });
  }
  return toReceipt('dec', 'import-response', 'DecImportResponse', [
    {
      keys: {
        clientSeqNo: text(node, 'ClientSeqNo'),
        seqNo: text(node, 'SeqNo'),
        trnPreId: text(node, 'TrnPreId'),
      },
      code,
      text: deepText(child(node, 'ErrorMessage')),
    },
  ]);
}

function decResultRecord(result: XNode, resultInfo: string | undefined, where: string): RawRecord {
  const code = text(result, 'CHANNEL');
  if (code === undefined) {
    throw new GatewayError('GW_ERR_RECEIPT_UNPARSEABLE', {
      where: `${where}: DEC_RESULT/CHANNEL`,
      zh: '报关单回执缺少 CHANNEL',
      en: 'DEC_RESULT has no CHANNEL',
    });
  }
  const note = text(result, 'NOTE');
  return {
    keys: {
      // New receipts call the 统一编号 CUS_CIQ_NO, old DEC_DATA ones SEQ_NO.
      seqNo: firstText(result, 'CUS_CIQ_NO', 'SEQ_NO'),
      entryId: text(result, 'ENTRY_ID'),
      clientSeqNo: firstText(result, 'CLIENTSEQ_NO', 'CLIENT_SEQ_NO'),
    },
    code,
    text:
      note && resultInfo && resultInfo !== note ? `${note}; ${resultInfo}` : (note ?? resultInfo),
    noticeTime: text(result, 'NOTICE_DATE'),
  };
}

/** A bare `DEC_RESULT` root (no namespace). */
export function readDecResult(node: XNode, where: string): ParsedReceipt {
  return toReceipt('dec', 'dec-result', 'DEC_RESULT', [decResultRecord(node, undefined, where)]);
}

/**
 * The old `DEC_DATA` shape: `DEC_RESULT` (+ CLIENTSEQ_NO and friends) next to `RESULT_INFO`.
 * Returns undefined when there is no DEC_RESULT inside, so the caller can treat it as unknown.
 */
export function readDecData(node: XNode, where: string): ParsedReceipt | undefined {
  const results = children(node, 'DEC_RESULT');
  if (!results.length) return undefined;
  const info = deepText(child(node, 'RESULT_INFO'));
  return toReceipt(
    'dec',
    'dec-result',
    'DEC_DATA',
    results.map((r) => decResultRecord(r, info, where)),
  );
}
