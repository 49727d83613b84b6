/**
 * 金二 (加贸/保税) in the sandbox: 核注清单 INV101, 业务申报表 SAS101, 出入库单 SAS111 and 核放单 SAS121,
 * as `Package` or `Signature/Object/Package`, element names in either casing (XSD lowerCamel or
 * the PascalCase of client import files). Answered like the client and customs do: an import
 * response `CommonResponeMessage` (sic) with the 18-digit 预录入统一编号, then one audit receipt
 * `Package` (INV201, SAS201, SAS211, SAS221) whose HdeApprResult carries that number, the document
 * number customs gave and manageResult 1 (通过), or 3 (退单) when the head's rmk says SANDBOX:REJECT.
 */
import type { Document, Element } from '@xmldom/xmldom';
import { formatNoticeDate } from './china-time.js';
import { leaf } from './xml-escape.js';

/** Declaration -> its audit receipt and head block. */
const KINDS = {
  INV101: { reply: 'INV201', head: 'BondInvtBsc', zh: '保税核注清单' },
  SAS101: { reply: 'SAS201', head: 'SasDclBsc', zh: '业务申报表' },
  SAS111: { reply: 'SAS211', head: 'SasStockBsc', zh: '出入库单' },
  SAS121: { reply: 'SAS221', head: 'SasPassportBsc', zh: '核放单' },
} as const;
export type Jin2Kind = keyof typeof KINDS;

export const JIN2_REJECT_MARKER = 'SANDBOX:REJECT';

export interface Jin2Facts {
  readonly kind: Jin2Kind;
  /** What the enterprise correlates on: etpsInnerInvtNo (INV101), else business_id, else message_id. */
  readonly key: string;
  readonly customs: string;
  readonly ieFlag: 'I' | 'E';
  readonly reject: boolean;
  readonly sender: string;
}

/** The first element child whose local name matches, ignoring namespace and the case of the name. */
function child(parent: Element | undefined, name: string): Element | undefined {
  const want = name.toLowerCase();
  for (let n = parent?.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === n.ELEMENT_NODE && ((n as Element).localName ?? '').toLowerCase() === want)
      return n as Element;
  }
  return undefined;
}
const text = (parent: Element | undefined, ...path: string[]): string => {
  let cur = parent;
  for (const p of path) cur = child(cur, p);
  return (cur?.textContent ?? '').trim();
};

/** The Package of a 金二 message: the root, Signature/Object/Package, or Object/Package (the signed reference). */
function packageOf(doc: Document): Element | undefined {
  const root = doc.documentElement ?? undefined;
  if (root?.localName === 'Package') return root;
  if (root?.localName === 'Object') return child(root, 'Package');
  if (root?.localName === 'Signature') return child(child(root, 'Object'), 'Package');
  return undefined;
}

/** `Signature/Object/Package` with no SignedInfo yet: the shape handed to the client to sign. */
export function isUnsignedEnveloping(doc: Document): boolean {
  const root = doc.documentElement ?? undefined;
  return (
    root?.localName === 'Signature' &&
    child(root, 'SignedInfo') === undefined &&
    child(root, 'Object') !== undefined
  );
}

/** True for the 金二 declarations the sandbox answers. */
export function isJin2(doc: Document): boolean {
  return text(packageOf(doc), 'EnvelopInfo', 'message_type') in KINDS;
}

/** Reads the facts the answers need from the (signed) message. */
export function readJin2(doc: Document): Jin2Facts {
  const pkg = packageOf(doc);
  const kind = text(pkg, 'EnvelopInfo', 'message_type') as Jin2Kind;
  const head = child(child(child(child(pkg, 'DataInfo'), 'BussinessData'), kind), KINDS[kind].head);
  const flag =
    text(head, 'impexpMarkcd') ||
    text(head, 'ioTypecd') ||
    text(head, 'stockTypecd') ||
    text(head, 'directionTypecd');
  return {
    kind,
    key:
      text(head, 'etpsInnerInvtNo') ||
      text(pkg, 'EnvelopInfo', 'business_id') ||
      text(pkg, 'EnvelopInfo', 'message_id'),
    customs: (text(head, 'dclPlcCuscd') || text(head, 'masterCuscd')).padStart(4, '0').slice(0, 4),
    ieFlag: flag === 'E' ? 'E' : 'I',
    reject: text(head, 'rmk').includes(JIN2_REJECT_MARKER),
    sender: text(pkg, 'EnvelopInfo', 'sender_id'),
  };
}

/** The client's import response: DealFlag 0 with the new 预录入统一编号, or -1 with the reason. */
export function buildCommonResponse(
  facts: Pick<Jin2Facts, 'kind' | 'key'>,
  seqNo: string,
  ok: boolean,
  reason = '',
): string {
  const info = ok
    ? `${KINDS[facts.kind].zh}申报服务调用成功（沙箱模拟）`
    : `报文类型为${facts.kind}，${reason}`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<CommonResponeMessage>${ok ? leaf('SeqNo', seqNo) : ''}${leaf('EtpsPreentNo', facts.key)}${leaf('CheckInfo', info)}${leaf('DealFlag', ok ? '0' : '-1')}</CommonResponeMessage>\n`;
}

/** The number customs gives the document: 核注清单 QD…, 核放单 Z…, 出入库单 CK…, 申报表 SBB…. */
export function documentNumber(facts: Jin2Facts, at: Date, n: number): string {
  const stamp = formatNoticeDate(at).replace(/\D/g, '');
  const yy = stamp.slice(2, 4);
  switch (facts.kind) {
    case 'INV101':
      return `QD${facts.customs}${yy}${facts.ieFlag}${String(n).padStart(9, '0')}`;
    case 'SAS121':
      return `Z${facts.customs}${facts.ieFlag}${stamp.slice(2, 8)}${String(n).padStart(12, '0')}`;
    case 'SAS111':
      return `CK${facts.customs}${yy}${String(n).padStart(10, '0')}`;
    case 'SAS101':
      return `SBB${facts.customs}${yy}${facts.ieFlag}${String(n).padStart(8, '0')}`;
  }
}

/** The audit receipt Package, as customs sends it through the client's InBox (see sas-receipts samples). */
export function buildJin2Receipt(
  facts: Jin2Facts,
  seqNo: string,
  businessId: string,
  at: Date,
  seq: number,
): string {
  const { reply, head } = KINDS[facts.kind];
  const when = formatNoticeDate(at);
  const messageId = `CUS0000E010000${when.replace(/\D/g, '')}${String(seq).padStart(8, '0')}`;
  const [result, rmk] = facts.reject
    ? [
        '3',
        `退单：申报内容与账册备案不符，请核实后重新申报（沙箱模拟，备注含 ${JIN2_REJECT_MARKER}）`,
      ]
    : ['1', ''];
  const numberField = {
    INV101: 'bondInvtNo',
    SAS101: 'sasDclNo',
    SAS111: 'sasStockNo',
    SAS121: 'passportNo',
  }[facts.kind];
  const headXml = `<${head}>${leaf(numberField, businessId)}${facts.kind === 'INV101' ? leaf('invtPreentNo', seqNo) + leaf('etpsInnerInvtNo', facts.key) : ''}</${head}>`;
  const appr = `<HdeApprResult>${leaf('etpsPreentNo', seqNo)}${leaf('businessId', businessId)}${leaf('tmsCnt', 0)}${leaf('typecd', 1)}${leaf('manageResult', result)}${leaf('manageDate', when.replace('T', ' '))}${leaf('rmk', rmk)}</HdeApprResult>`;
  const envelope = `<EnvelopInfo>${leaf('version', '1.0')}${leaf('message_id', messageId)}${leaf('file_name', `${messageId}.${facts.kind.startsWith('INV') ? 'INV' : 'SAS'}`)}${leaf('message_type', reply)}${leaf('sender_id', 'CUS0000')}${leaf('receiver_id', facts.sender || 'E010000')}${leaf('send_time', when)}</EnvelopInfo>`;
  const pocket = `<PocketInfo>${leaf('pocket_id', `${businessId}-${messageId.slice(-12)}`)}${leaf('total_pocket_qty', 1)}${leaf('cur_pocket_no', 1)}</PocketInfo>`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Package>${envelope}<DataInfo>${pocket}<BussinessData><${reply}>${appr}${headXml}</${reply}></BussinessData></DataInfo></Package>\n`;
}
