/** 跨境电商 (CEB) receipts: `CEBnnnMessage` with `…Return` records, and the CEB900 format check. */
import type { ParsedReceipt } from './receipt.js';
import { toReceipt, type RawRecord } from './record.js';
import { child, childNames, children, deepText, text, type XNode } from '../core/xml-tree.js';

/** Root names of CEB messages: CEB311Message, CEB622Message, CEB900Message, … */
export const CEB_ROOT = /^CEB\d{3}Message$/;

function returnRecord(r: XNode): RawRecord {
  return {
    keys: {
      guid: text(r, 'guid'),
      orderNo: text(r, 'orderNo'),
      copNo: text(r, 'copNo'),
      preNo: text(r, 'preNo'),
      invtNo: text(r, 'invtNo'),
      logisticsNo: text(r, 'logisticsNo'),
    },
    code: text(r, 'returnStatus'),
    text: deepText(child(r, 'returnInfo')),
    noticeTime: text(r, 'returnTime'),
  };
}

/**
 * A CEB receipt: every child element named `…Return` (OrderReturn, InventoryReturn,
 * PaymentReturn, …) is one record. Returns undefined for CEB messages that carry none
 * (declarations, tax bills), which the caller treats as unknown.
 */
export function readCebReturn(root: string, node: XNode): ParsedReceipt | undefined {
  const returns = childNames(node)
    .filter((n) => n.endsWith('Return'))
    .flatMap((n) => children(node, n));
  if (!returns.length) return undefined;
  return toReceipt('ceb', 'ceb-return', root, returns.map(returnRecord));
}

/**
 * `CEB900Message/MessageReturn`: the platform's format check. oriCopMsgId is the CopMsgId of
 * the DxpMsg we sent, which is how it finds its message.
 */
export function readCeb900(node: XNode): ParsedReceipt {
  const records = children(node, 'MessageReturn').map((r): RawRecord => ({
    keys: { guid: text(r, 'guid'), copMsgId: text(r, 'oriCopMsgId') },
    code: text(r, 'returnStatus'),
    text: deepText(child(r, 'returnInfo')),
    noticeTime: text(r, 'returnTime'),
  }));
  const ori = text(child(node, 'MessageReturn'), 'oriMessageType');
  return toReceipt('ceb', 'ceb900', 'CEB900Message', records, {
    originalType: ori && ori !== 'Unknown' ? ori : undefined,
  });
}
