/**
 * The DXP terminal-node envelope `DxpMsg` (namespace http://www.chinaport.gov.cn/dxp, official XSD
 * 海关跨境终端节点报文定义202205): the signed business XML travels base64-encoded in `Data`.
 * See reference/eport-formats.md §2.
 */
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { GatewayError } from '../core/errors.js';
import { newUuidUpper } from '../core/ids.js';
import { decodeXml } from '../core/xml-text.js';
import { DSIG_NS } from './algorithms.js';

export const DXP_NS = 'http://www.chinaport.gov.cn/dxp';

export interface DxpBizKey {
  readonly name: string;
  readonly value: string;
}

export interface DxpWrapOptions {
  /** Sender DXP id (1..16), e.g. DXPENT0000458763. */
  readonly senderId: string;
  /** 1..5 receiver DXP ids (1..16 each), e.g. DXPEDCCEB0000002. */
  readonly receiverIds: readonly string[];
  /** 0..30 characters; for CEB the business root name, e.g. CEB311Message. */
  readonly msgType: string;
  /** Original file name (1..255); omitted when absent or empty. */
  readonly fileName?: string | undefined;
  /** Operator IC card number (1..13). */
  readonly icCard?: string | undefined;
  /** Default: a new upper-case UUID. */
  readonly copMsgId?: string;
  /** Default now. A Date is written in China time (UTC+8); a string must already be yyyy-MM-ddTHH:mm:ss. */
  readonly creatTime?: Date | string;
  /** Up to 5 AddInfo/BizKey/Key entries. */
  readonly bizKeys?: readonly DxpBizKey[];
}

export interface DxpTransInfo {
  readonly copMsgId: string;
  readonly senderId: string;
  readonly receiverIds: readonly string[];
  readonly creatTime: string;
  readonly msgType: string;
}

export interface DxpAddInfo {
  readonly fileName?: string;
  readonly icCard?: string;
  readonly bizKeys?: readonly DxpBizKey[];
  /** AddInfo/IsText@Encode: the payload is text in this charset. */
  readonly isTextEncoding?: string;
  readonly recMapId?: string;
}

export interface DxpMessage {
  readonly transInfo: DxpTransInfo;
  /** The decoded payload (the business XML bytes). */
  readonly data: Buffer;
  readonly addInfo?: DxpAddInfo;
  /** The envelope itself carries a ds:Signature. */
  readonly signed: boolean;
}

const CHINA_OFFSET_MS = 8 * 3600_000;

/** yyyy-MM-ddTHH:mm:ss in China time (UTC+8, no daylight saving), as CreatTime wants it. */
export function formatCreatTime(date: Date): string {
  return new Date(date.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19);
}

function envelopeError(where: string, zh: string, en: string): GatewayError {
  return new GatewayError('GW_ERR_DXP_ENVELOPE', { where, zh, en });
}

function checkLength(where: string, value: string, min: number, max: number): string {
  const len = [...value].length;
  if (len < min || len > max) {
    throw envelopeError(
      where,
      `长度应为 ${min}..${max}，实际 ${len}：“${value}”`,
      `length must be ${min}..${max}, got ${len}: "${value}"`,
    );
  }
  return value;
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}

/**
 * Builds the DxpMsg for a signed business document. Field limits follow the XSD; a violation
 * throws GW_ERR_DXP_ENVELOPE naming the field.
 */
export function wrapDxp(signedXmlBytes: Buffer, options: DxpWrapOptions): string {
  const T = 'DxpMsg/TransInfo';
  const copMsgId = checkLength(`${T}/CopMsgId`, options.copMsgId ?? newUuidUpper(), 1, 255);
  const senderId = checkLength(`${T}/SenderId`, options.senderId, 1, 16);
  if (options.receiverIds.length < 1 || options.receiverIds.length > 5) {
    throw envelopeError(
      `${T}/ReceiverIds`,
      `接收方应为 1..5 个，实际 ${options.receiverIds.length} 个`,
      `1..5 receivers required, got ${options.receiverIds.length}`,
    );
  }
  const receivers = options.receiverIds.map((r) =>
    checkLength(`${T}/ReceiverIds/ReceiverId`, r, 1, 16),
  );
  const creatTime =
    typeof options.creatTime === 'string'
      ? options.creatTime
      : formatCreatTime(options.creatTime ?? new Date());
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(creatTime)) {
    throw envelopeError(
      `${T}/CreatTime`,
      `时间格式应为 yyyy-MM-ddTHH:mm:ss：“${creatTime}”`,
      `time must be yyyy-MM-ddTHH:mm:ss: "${creatTime}"`,
    );
  }
  const msgType = checkLength(`${T}/MsgType`, options.msgType, 0, 30);
  const addInfo: string[] = [];
  if (options.fileName)
    addInfo.push(
      `    <FileName>${esc(checkLength('DxpMsg/AddInfo/FileName', options.fileName, 1, 255))}</FileName>`,
    );
  if (options.icCard)
    addInfo.push(
      `    <IcCard>${esc(checkLength('DxpMsg/AddInfo/IcCard', options.icCard, 1, 13))}</IcCard>`,
    );
  if (options.bizKeys && options.bizKeys.length > 0) {
    if (options.bizKeys.length > 5)
      throw envelopeError('DxpMsg/AddInfo/BizKey', '最多 5 个 Key', 'at most 5 keys');
    const keys = options.bizKeys.map(
      (k) =>
        `<Key name="${esc(checkLength('DxpMsg/AddInfo/BizKey/Key/@name', k.name, 1, 32))}">${esc(checkLength('DxpMsg/AddInfo/BizKey/Key', k.value, 1, 64))}</Key>`,
    );
    addInfo.push(`    <BizKey>${keys.join('')}</BizKey>`);
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<DxpMsg xmlns="${DXP_NS}" ver="1.0">\n` +
    '  <TransInfo>\n' +
    `    <CopMsgId>${esc(copMsgId)}</CopMsgId>\n` +
    `    <SenderId>${esc(senderId)}</SenderId>\n` +
    `    <ReceiverIds>${receivers.map((r) => `<ReceiverId>${esc(r)}</ReceiverId>`).join('')}</ReceiverIds>\n` +
    `    <CreatTime>${creatTime}</CreatTime>\n` +
    `    <MsgType>${esc(msgType)}</MsgType>\n` +
    '  </TransInfo>\n' +
    `  <Data>${signedXmlBytes.toString('base64')}</Data>\n` +
    (addInfo.length > 0 ? `  <AddInfo>\n${addInfo.join('\n')}\n  </AddInfo>\n` : '') +
    '</DxpMsg>\n'
  );
}

function kids(el: XmlElement, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (
      n.nodeType === 1 &&
      (n as XmlElement).localName === local &&
      (n as XmlElement).namespaceURI === DXP_NS
    )
      out.push(n as XmlElement);
  }
  return out;
}

function required(el: XmlElement, local: string, where: string): XmlElement {
  const found = kids(el, local)[0];
  if (!found) throw envelopeError(`${where}/${local}`, `缺少 ${local}`, `${local} is missing`);
  return found;
}

function text(el: XmlElement | undefined): string | undefined {
  return el ? (el.textContent ?? '').trim() : undefined;
}

/**
 * Reads a DxpMsg (bytes in UTF-8/GBK or a decoded string). Throws GW_ERR_DXP_ENVELOPE when it is
 * not a DxpMsg or a required part is missing, and the xml-text errors for undecodable bytes.
 */
export function unwrapDxp(xml: string | Buffer): DxpMessage {
  const source = typeof xml === 'string' ? xml : decodeXml(xml, 'DxpMsg').text;
  if (/<!DOCTYPE|<!ENTITY/i.test(source)) {
    throw new GatewayError('GW_ERR_XML_DTD', {
      where: 'DxpMsg',
      zh: '信封包含 DOCTYPE 声明',
      en: 'the envelope contains a DOCTYPE declaration',
    });
  }
  const errors: string[] = [];
  let root: XmlElement | null = null;
  try {
    root = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') errors.push(message);
      },
    }).parseFromString(source, 'text/xml').documentElement;
  } catch (err) {
    // xmldom throws on fatal errors after reporting them.
    if (errors.length === 0) errors.push(err instanceof Error ? err.message : String(err));
  }
  if (errors.length > 0 || !root) {
    throw new GatewayError('GW_ERR_XML_MALFORMED', {
      where: 'DxpMsg',
      zh: `信封 XML 格式错误：${errors[0] ?? ''}`,
      en: `envelope XML is not well-formed: ${errors[0] ?? ''}`,
    });
  }
  if (root.localName !== 'DxpMsg' || root.namespaceURI !== DXP_NS) {
    throw envelopeError(
      '/',
      `根元素应为 {${DXP_NS}}DxpMsg，实际为 ${root.tagName}`,
      `root must be {${DXP_NS}}DxpMsg, found ${root.tagName}`,
    );
  }
  const ti = required(root, 'TransInfo', 'DxpMsg');
  const ids = required(ti, 'ReceiverIds', 'DxpMsg/TransInfo');
  const receiverIds = kids(ids, 'ReceiverId').map((e) => text(e) ?? '');
  if (receiverIds.length === 0)
    throw envelopeError('DxpMsg/TransInfo/ReceiverIds', '缺少 ReceiverId', 'no ReceiverId');
  const transInfo: DxpTransInfo = {
    copMsgId: text(required(ti, 'CopMsgId', 'DxpMsg/TransInfo')) ?? '',
    senderId: text(required(ti, 'SenderId', 'DxpMsg/TransInfo')) ?? '',
    receiverIds,
    creatTime: text(required(ti, 'CreatTime', 'DxpMsg/TransInfo')) ?? '',
    msgType: text(required(ti, 'MsgType', 'DxpMsg/TransInfo')) ?? '',
  };
  const b64 = (required(root, 'Data', 'DxpMsg').textContent ?? '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
    throw envelopeError('DxpMsg/Data', 'Data 不是有效的 base64', 'Data is not valid base64');
  }
  const signed = Array.from({ length: root.childNodes.length }, (_, k) =>
    root.childNodes.item(k),
  ).some(
    (n) =>
      n?.nodeType === 1 &&
      (n as XmlElement).localName === 'Signature' &&
      (n as XmlElement).namespaceURI === DSIG_NS,
  );
  const ai = kids(root, 'AddInfo')[0];
  let addInfo: DxpAddInfo | undefined;
  if (ai) {
    const fileName = text(kids(ai, 'FileName')[0]);
    const icCard = text(kids(ai, 'IcCard')[0]);
    const biz = kids(ai, 'BizKey')[0];
    const bizKeys = biz
      ? kids(biz, 'Key').map((k) => ({ name: k.getAttribute('name') ?? '', value: text(k) ?? '' }))
      : undefined;
    const isText = kids(ai, 'IsText')[0]?.getAttribute('Encode') ?? undefined;
    const recMapId = text(kids(ai, 'RecMapId')[0]);
    addInfo = {
      ...(fileName !== undefined ? { fileName } : {}),
      ...(icCard !== undefined ? { icCard } : {}),
      ...(bizKeys ? { bizKeys } : {}),
      ...(isText !== undefined ? { isTextEncoding: isText } : {}),
      ...(recMapId !== undefined ? { recMapId } : {}),
    };
  }
  return { transInfo, data: Buffer.from(b64, 'base64'), ...(addInfo ? { addInfo } : {}), signed };
}
