/**
 * Turns the bytes of a `POST /dec/submit` body into the business message: decodes them by BOM and
 * XML declaration (UTF-8, GBK, GB18030), refuses DTDs and malformed XML, and unwraps a DXP
 * `DxpMsg` envelope whose base64 `Data` holds the signed message. Throws GatewayError (the route
 * answers 400) for anything that is not readable XML.
 */
import type { Document } from '@xmldom/xmldom';
import { GatewayError } from '../core/errors.js';
import { checkXml, decodeXml } from '../core/xml-text.js';
import { DXP_NS } from './namespaces.js';
import { childElement, childText, isElement, parseDom } from './dom.js';

/** A readable submission, not yet checked for signature or content. */
export interface ParsedSubmission {
  /** The business message as text (what was signed, XML declaration included). */
  readonly text: string;
  readonly doc: Document;
  /** How it arrived. */
  readonly envelope: 'none' | 'dxp';
  /** `TransInfo/CopMsgId` of the DXP envelope, when there was one. */
  readonly copMsgId?: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function readXml(bytes: Uint8Array, where: string): { text: string; doc: Document } {
  if (bytes.length === 0) {
    throw new GatewayError('GW_ERR_INTAKE_EMPTY', {
      where,
      zh: '请求体为空',
      en: 'the request body is empty',
    });
  }
  const { text } = decodeXml(bytes, where);
  checkXml(text, where);
  return { text, doc: parseDom(text, where) };
}

/** Parses a submission body; see the file comment. */
export function parseSubmission(body: Uint8Array): ParsedSubmission {
  const outer = readXml(body, 'request body');
  const root = outer.doc.documentElement;
  if (!isElement(root, 'DxpMsg', DXP_NS)) return { ...outer, envelope: 'none' };

  const data = childElement(root, 'Data', DXP_NS);
  const b64 = (data?.textContent ?? '').replace(/\s+/g, '');
  if (!b64 || !BASE64.test(b64) || b64.length % 4 !== 0) {
    throw new GatewayError('GW_ERR_XML_MALFORMED', {
      where: 'DxpMsg/Data',
      zh: 'DxpMsg 的 Data 为空或不是有效的 base64',
      en: 'DxpMsg Data is empty or not valid base64',
    });
  }
  const inner = readXml(Buffer.from(b64, 'base64'), 'DxpMsg/Data');
  const copMsgId = childText(root, ['TransInfo', 'CopMsgId'], DXP_NS);
  return { ...inner, envelope: 'dxp', ...(copMsgId ? { copMsgId } : {}) };
}
