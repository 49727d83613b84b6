/** The DXP layer: unwrapping a `DxpMsg` envelope, and reading the platform's `DxpRep`. */
import { GatewayError } from '../core/errors.js';
import type { ParsedReceipt, ReceiptEnvelope } from './receipt.js';
import { toReceipt, type RawRecord } from './record.js';
import {
  attr,
  child,
  children,
  firstText,
  ownText,
  path,
  text,
  type XNode,
} from '../core/xml-tree.js';

/** What a DxpMsg carries: its TransInfo and the decoded payload bytes. */
export interface Unwrapped {
  readonly envelope: ReceiptEnvelope;
  readonly payload: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function envelopeOf(node: XNode): ReceiptEnvelope {
  const info = child(node, 'TransInfo');
  const bizKeys: Record<string, string> = {};
  for (const key of children(path(node, 'AddInfo', 'BizKey'), 'Key')) {
    const name = attr(key, 'name');
    const value = ownText(key);
    if (name && value !== undefined) bizKeys[name] = value;
  }
  const fileName = text(child(node, 'AddInfo'), 'FileName');
  const copMsgId = text(info, 'CopMsgId');
  const senderId = text(info, 'SenderId');
  const msgType = text(info, 'MsgType');
  const createdAt = text(info, 'CreatTime');
  return {
    ...(copMsgId ? { copMsgId } : {}),
    ...(senderId ? { senderId } : {}),
    receiverIds: children(child(info, 'ReceiverIds'), 'ReceiverId')
      .map(ownText)
      .filter((s): s is string => s !== undefined),
    ...(msgType ? { msgType } : {}),
    ...(createdAt ? { createdAt } : {}),
    ...(fileName ? { fileName } : {}),
    bizKeys,
  };
}

function unsupported(where: string, zh: string, en: string): GatewayError {
  return new GatewayError('GW_ERR_RECEIPT_UNSUPPORTED', { where: `${where}: DxpMsg/Data`, zh, en });
}

/**
 * Takes the business XML out of a DxpMsg. Only plain base64 XML is supported; a `<Zip>` payload
 * or zip/gzip bytes inside `<Data>` are refused as unsupported rather than misread.
 */
export function unwrapDxpMsg(node: XNode, where: string): Unwrapped {
  const envelope = envelopeOf(node);
  if (child(node, 'Zip') !== undefined) {
    throw unsupported(
      where,
      'DxpMsg 中的压缩数据（Zip）暂不支持',
      'zipped DxpMsg payload (<Zip>) is not supported',
    );
  }
  const data = ownText(child(node, 'Data'))?.replace(/\s+/g, '');
  if (!data || data.length % 4 !== 0 || !BASE64.test(data)) {
    throw new GatewayError('GW_ERR_RECEIPT_UNPARSEABLE', {
      where: `${where}: DxpMsg/Data`,
      zh: 'DxpMsg 的 Data 为空或不是有效的 Base64',
      en: 'DxpMsg Data is empty or not valid base64',
    });
  }
  const payload = Buffer.from(data, 'base64');
  // PK\x03\x04 (zip) or \x1f\x8b (gzip): compressed payloads are not read here.
  if (
    (payload[0] === 0x50 && payload[1] === 0x4b) ||
    (payload[0] === 0x1f && payload[1] === 0x8b)
  ) {
    throw unsupported(
      where,
      'DxpMsg 中的压缩数据暂不支持',
      'compressed DxpMsg payload is not supported',
    );
  }
  return { envelope, payload };
}

function responseRecord(r: XNode): RawRecord {
  let code = text(r, 'ResponseCode');
  let info = firstText(r, 'ResponseInfo', 'Note');
  // An overall success can still hide a failure for one receiver; surface the first one.
  if (code !== undefined && /^0+$/.test(code)) {
    const failed = children(child(r, 'Results'), 'Result').find(
      (x) => !/^0*$/.test(text(x, 'Code') ?? ''),
    );
    if (failed) {
      code = text(failed, 'Code');
      info = firstText(failed, 'Info', 'Note') ?? info;
    }
  }
  return {
    keys: { copMsgId: text(child(r, 'OriHead'), 'CopMsgId') },
    code,
    text: info,
    noticeTime: text(r, 'NoticeTime'),
  };
}

/** `DxpRep`: one record per Response; OriHead/CopMsgId names the DxpMsg we sent. */
export function readDxpRep(node: XNode): ParsedReceipt {
  const responses = children(node, 'Response');
  return toReceipt('dxp-rep', 'dxp-rep', 'DxpRep', responses.map(responseRecord), {
    originalType: text(child(responses[0], 'OriHead'), 'MsgType'),
  });
}
