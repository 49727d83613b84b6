/**
 * 代理报关委托 in the sandbox: an `ImportAgrRequest` (no namespace) is answered with an
 * `ImportAgrResponse` carrying a new 委托编号 (ConsignNo), then, one step later, the
 * counter-party's confirmation (`Signature` … `CONSIGN_NO`, `PROC_RESULT` S). Markers in
 * `ImportInfo/OtherNote`: `SANDBOX:REJECT` fails the import (no ConsignNo), `SANDBOX:CODE1`
 * answers success with ResponseCode 1 (the other success convention peers show),
 * `SANDBOX:DECLINE` makes the counter-party decline (PROC_RESULT F).
 */
import type { Document, Element } from '@xmldom/xmldom';
import { leaf } from './xml-escape.js';

export const AGR_ROOT = 'ImportAgrRequest';

export interface AgreementFacts {
  readonly operType: string;
  readonly copCusCode: string;
  readonly consignNo: string;
  readonly tradeCode: string;
  readonly agentCode: string;
  readonly note: string;
}

export function isAgreementRequest(doc: Document): boolean {
  const root = doc.documentElement;
  return Boolean(root && root.localName === AGR_ROOT && !root.namespaceURI);
}

/** First child element by local name (the request has no namespace). */
function kid(parent: Element | undefined, name: string): Element | undefined {
  for (let n = parent?.firstChild; n; n = n.nextSibling)
    if (n.nodeType === n.ELEMENT_NODE && (n as Element).localName === name) return n as Element;
  return undefined;
}

export function readAgreement(doc: Document): AgreementFacts {
  const root = doc.documentElement as Element;
  const info = kid(root, 'ImportInfo');
  const oper = kid(root, 'OperInfo');
  const at = (el: Element | undefined, name: string): string =>
    (kid(el, name)?.textContent ?? '').trim();
  return {
    operType: at(oper, 'OperType'),
    copCusCode: at(oper, 'CopCusCode'),
    consignNo: at(info, 'ConsignNo'),
    tradeCode: at(info, 'TradeCode'),
    agentCode: at(info, 'AgentCode'),
    note: at(info, 'OtherNote'),
  };
}

/** Why the sandbox refuses the request, or undefined. */
export function agreementProblem(f: AgreementFacts): string | undefined {
  if (!['1', '2', '3'].includes(f.operType))
    return `操作类型 OperType 应为 1/2/3（实际“${f.operType}”） / OperType must be 1, 2 or 3 (got "${f.operType}")`;
  if (f.operType === '1' && (!f.tradeCode || !f.agentCode))
    return '新增委托须有委托方 TradeCode 和被委托方 AgentCode / a new agreement needs TradeCode and AgentCode';
  if (f.operType !== '1' && !f.consignNo)
    return '变更或删除须给出委托编号 ConsignNo / a change or delete needs ConsignNo';
  if (f.note.includes('SANDBOX:REJECT'))
    return '沙箱模拟导入失败（OtherNote 含 SANDBOX:REJECT） / sandbox-simulated import failure (SANDBOX:REJECT)';
  return undefined;
}

export function buildAgrResponse(
  f: AgreementFacts,
  consignNo: string | undefined,
  failure?: string,
): string {
  const code = failure ? '1' : f.note.includes('SANDBOX:CODE1') ? '1' : '0';
  const message = failure ?? '导入成功';
  const info = `<ResponseInfo>${leaf('ResponseCode', code)}${leaf('ResponseMessage', message)}${leaf('CopCusCode', f.copCusCode)}</ResponseInfo>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ImportAgrResponse>${info}${consignNo ? leaf('ConsignNo', consignNo) : ''}</ImportAgrResponse>\n`;
}

export function buildAgrConfirmation(f: AgreementFacts, consignNo: string, at: Date): string {
  const declined = f.note.includes('SANDBOX:DECLINE');
  const time = new Date(at.getTime() + 8 * 3_600_000)
    .toISOString()
    .replace(/[-:T]/g, '')
    .slice(0, 14);
  const data = `${leaf('CONSIGN_NO', consignNo)}${leaf('PROC_RESULT', declined ? 'F' : 'S')}${leaf('PROC_DESC', declined ? '委托方拒绝（沙箱模拟）' : '委托方已确认（沙箱模拟）')}${leaf('OP_TIME', time)}`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/><SignatureValue/><Object><Package><EnvelopInfo>${leaf('message_type', 'ACD002')}</EnvelopInfo><DataInfo>${data}</DataInfo></Package></Object></Signature>\n`;
}
