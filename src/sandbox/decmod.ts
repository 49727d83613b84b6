/**
 * 修撤单 (DECCUS102) in the sandbox: any root whose children include `DecModType` and `DecSeqNo`
 * (the root name is configurable in the gateway) is a modification (1) or withdrawal (2) request.
 * It is acknowledged with an empty 200; then one business receipt, a `DxpMsg` whose Data holds
 * `SignedData/Data/HzApprovalResult`, approves it (FeedbackResults 1), or refuses it (2 驳回) when
 * the reason (DecModNote) contains SANDBOX:REJECT. AddInfo/FileName echoes the request's file name.
 */
import type { Document, Element } from '@xmldom/xmldom';
import { randomUUID } from 'node:crypto';
import { formatNoticeDate } from './china-time.js';
import { DXP_NS } from './namespaces.js';
import { escapeXml, leaf } from './xml-escape.js';

export interface DecModFacts {
  readonly root: string;
  readonly modType: string;
  readonly decSeqNo: string;
  readonly entryId: string;
  readonly reject: boolean;
}

/** A child element by local name, in whatever namespace (the request's, if any, is unverified). */
function childNamed(parent: Element, localName: string): Element | undefined {
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === n.ELEMENT_NODE && (n as Element).localName === localName)
      return n as Element;
  }
  return undefined;
}

const textOf = (parent: Element, localName: string): string =>
  (childNamed(parent, localName)?.textContent ?? '').trim();

export function isDecModRequest(doc: Document): boolean {
  const root = doc.documentElement;
  return Boolean(root && childNamed(root, 'DecModType') && childNamed(root, 'DecSeqNo'));
}

export function readDecMod(doc: Document): DecModFacts {
  const root = doc.documentElement as Element;
  return {
    root: root.localName ?? '',
    modType: textOf(root, 'DecModType'),
    decSeqNo: textOf(root, 'DecSeqNo'),
    entryId: textOf(root, 'EntryId'),
    reject: textOf(root, 'DecModNote').includes('SANDBOX:REJECT'),
  };
}

/** The HzApprovalResult business receipt, wrapped in a DxpMsg as the platform sends it. */
export function buildHzApprovalReceipt(
  f: DecModFacts,
  decModSeqNo: string,
  fileName: string | undefined,
  at: Date,
): string {
  const what = f.modType === '2' ? '撤销' : '修改';
  const [code, note] = f.reject
    ? ['2', `${what}申请驳回（沙箱模拟：原因含 SANDBOX:REJECT）`]
    : ['1', `${what}申请审批通过（沙箱模拟）`];
  const inner =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<SignedData><Data><HzApprovalResult>${leaf('DestResourceId', decModSeqNo)}${leaf('DecSeqNo', f.decSeqNo)}${leaf('EntryId', f.entryId)}` +
    `${leaf('FeedbackResults', code)}${leaf('ResultNote', note)}${leaf('NoticeTime', formatNoticeDate(at))}</HzApprovalResult></Data></SignedData>\n`;
  const addInfo = fileName ? `<AddInfo><FileName>${escapeXml(fileName)}</FileName></AddInfo>` : '';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<DxpMsg xmlns="${DXP_NS}" ver="1.0"><TransInfo>${leaf('CopMsgId', randomUUID().toUpperCase())}${leaf('SenderId', 'DXPEDCDEC0000001')}` +
    `<ReceiverIds>${leaf('ReceiverId', 'DXPENT0000000001')}</ReceiverIds>${leaf('CreatTime', formatNoticeDate(at))}${leaf('MsgType', 'HzApprovalResult')}</TransInfo>` +
    `<Data>${Buffer.from(inner, 'utf8').toString('base64')}</Data>${addInfo}</DxpMsg>\n`
  );
}

/** The file name the gateway's request had, from the HTTP route's Idempotency-Key (`channel:key[:replay-N]`). */
export function fileNameFromKey(idempotencyKey: string | undefined): string | undefined {
  const m = idempotencyKey ? /(?:^|:)([^:]+?)(?::replay-\d+)?$/.exec(idempotencyKey) : null;
  return m?.[1] ? `${m[1]}.xml` : undefined;
}
