/**
 * 代理报关委托 (electronic agency agreement) receipts (seed-subsystems.md §4.4):
 * - `ImportAgrResponse` — the import result: `ResponseInfo{ResponseCode, ResponseMessage}` and
 *   `ConsignNo` (委托编号). Peers disagree on the success code (1 in one, 0 in two), so success is
 *   keyed on the presence of ConsignNo, as the sources suggest [R×3, conflicting].
 * - the counter-party confirmation (`ACD002`): root `Signature`, fields `CONSIGN_NO`,
 *   `PROC_RESULT` (`S` = accepted), `PROC_DESC`, `OP_TIME` [R, single source].
 */
import type { ParsedReceipt } from './receipt.js';
import { toReceipt } from './record.js';
import { childNames, children, firstText, text, type XNode } from '../core/xml-tree.js';

export const AGR_RESPONSE_ROOT = 'ImportAgrResponse';

/** The first element with this name anywhere below `node` (the confirmation's nesting is not published). */
export function findDeep(node: XNode | undefined, name: string, depth = 0): XNode | undefined {
  if (node === undefined || typeof node === 'string' || depth > 12) return undefined;
  const direct = children(node, name)[0];
  if (direct !== undefined) return direct;
  for (const n of childNames(node)) {
    for (const c of children(node, n)) {
      const found = findDeep(c, name, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const deepValue = (node: XNode, name: string): string | undefined => {
  const n = findDeep(node, name);
  return typeof n === 'string'
    ? n.trim() || undefined
    : n === undefined
      ? undefined
      : text({ x: n }, 'x');
};

/** `ImportAgrResponse`: imported when a ConsignNo came back, whatever ResponseCode says. */
export function readAgrResponse(node: XNode): ParsedReceipt {
  const info = children(node, 'ResponseInfo')[0];
  const consignNo = text(node, 'ConsignNo') ?? text(info, 'ConsignNo');
  const code = firstText(info, 'ResponseCode') ?? text(node, 'ResponseCode') ?? '';
  const message = firstText(info, 'ResponseMessage') ?? text(node, 'ResponseMessage');
  const base = toReceipt('acd', 'agr-response', AGR_RESPONSE_ROOT, [
    { keys: { consignNo }, code, text: message ?? '' },
  ]);
  const ok = consignNo !== undefined;
  return { ...base, status: ok ? 'imported' : 'rejected', negative: !ok, terminal: !ok };
}

/** True for a `Signature` root that is an agency-agreement confirmation (it carries CONSIGN_NO). */
export function isAgrConfirmation(node: XNode): boolean {
  return findDeep(node, 'CONSIGN_NO') !== undefined;
}

/** The counter-party confirmation: PROC_RESULT S = the agreement is confirmed. */
export function readAgrConfirmation(node: XNode): ParsedReceipt {
  const desc = deepValue(node, 'PROC_DESC');
  return toReceipt('acd', 'agr-confirm', 'ACD002', [
    {
      keys: { consignNo: deepValue(node, 'CONSIGN_NO') },
      code: deepValue(node, 'PROC_RESULT') ?? '',
      text: desc ?? '',
      noticeTime: deepValue(node, 'OP_TIME') ?? deepValue(node, 'send_time'),
    },
  ]);
}
