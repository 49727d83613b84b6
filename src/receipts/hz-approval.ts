/**
 * 修撤单 business receipt: `HzApprovalResult{DestResourceId (= DecModSeqNo), FeedbackResults,
 * ResultNote, …}`, found as `…/SignedData/Data/HzApprovalResult` inside the DxpMsg payload (the
 * shape of a real project's receipt simulator; the code list is not public, see codes.ts).
 */
import { GatewayError } from '../core/errors.js';
import type { ParsedReceipt } from './receipt.js';
import { toReceipt } from './record.js';
import { child, childNames, firstText, text, type XNode } from '../core/xml-tree.js';

export const HZ_APPROVAL = 'HzApprovalResult';

/** The HzApprovalResult element under `root` (itself, or at most three levels down), if any. */
export function findHzApproval(rootName: string, node: XNode): XNode | undefined {
  if (rootName === HZ_APPROVAL) return node;
  let level: XNode[] = [node];
  for (let depth = 0; depth < 3; depth += 1) {
    const next: XNode[] = [];
    for (const n of level) {
      const hit = child(n, HZ_APPROVAL);
      if (hit !== undefined) return hit;
      for (const name of childNames(n)) {
        const c = child(n, name);
        if (c !== undefined && typeof c === 'object') next.push(c);
      }
    }
    level = next;
  }
  return undefined;
}

export function readHzApproval(node: XNode, where: string): ParsedReceipt {
  const code = firstText(node, 'FeedbackResults', 'FeedbackResult');
  if (code === undefined) {
    throw new GatewayError('GW_ERR_RECEIPT_UNPARSEABLE', {
      where: `${where}: HzApprovalResult/FeedbackResults`,
      zh: '修撤单回执缺少审批结果 FeedbackResults',
      en: 'the 修撤单 receipt has no FeedbackResults',
    });
  }
  return toReceipt('dec-mod', 'hz-approval', HZ_APPROVAL, [
    {
      keys: { decModSeqNo: text(node, 'DestResourceId') },
      code,
      text: firstText(node, 'ResultNote', 'Note'),
      noticeTime: firstText(node, 'NoticeTime', 'ProcessTime'),
    },
  ]);
}
