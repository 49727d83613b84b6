/**
 * The tokenizer's small parts for the one-pass canonicaliser (c14n.ts): character classes, the
 * attribute scanner of a start tag, and the well-formedness errors with their line and column.
 */
import { GatewayError } from '../core/errors.js';
import { RefError } from './c14n-text.js';

/** An attribute as written in a start tag. */
export interface RawAttr {
  readonly qname: string;
  readonly raw: string;
  /** Offset of the value's first character. */
  readonly at: number;
}

export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** Characters that end a name inside a tag (NaN: end of input). */
export function endsName(c: number): boolean {
  return c === 0x3e || c === 0x2f || c === 0x3d || isSpace(c) || c !== c;
}

export function lineCol(xml: string, offset: number): string {
  let line = 1;
  let last = -1;
  for (let i = xml.indexOf('\n'); i !== -1 && i < offset; i = xml.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return `line ${line}, column ${offset - last}`;
}

export function malformed(xml: string, offset: number, en: string, zh: string): GatewayError {
  return new GatewayError('GW_ERR_XML_MALFORMED', {
    where: lineCol(xml, offset),
    zh: `XML 格式错误：${zh}`,
    en: `XML is not well-formed: ${en}`,
  });
}

/** A bad entity or character reference as a well-formedness error; anything else unchanged. */
export function refError(xml: string, e: unknown): unknown {
  return e instanceof RefError ? malformed(xml, e.offset, e.message, '实体或字符引用无效') : e;
}

export function doctypeRefused(xml: string, lt: number): GatewayError {
  return new GatewayError('GW_ERR_XML_DTD', {
    where: lineCol(xml, lt),
    zh: '报文包含 DOCTYPE 声明，不能规范化',
    en: 'the document contains a DOCTYPE and cannot be canonicalised',
    fixZh: '删除 DOCTYPE 声明；报文不需要 DTD',
    fixEn: 'remove the DOCTYPE; messages do not use DTDs',
  });
}

/**
 * Reads the attributes of the start tag `<qname` that began at `lt`, from `t` (just past the
 * name) to the closing `>` or `/>`; returns them with the offset just past the tag.
 */
export function scanAttributes(
  xml: string,
  lt: number,
  qname: string,
  from: number,
): { attrs: RawAttr[]; selfClosing: boolean; end: number } {
  const n = xml.length;
  const attrs: RawAttr[] = [];
  let t = from;
  for (;;) {
    const before = t;
    while (t < n && isSpace(xml.charCodeAt(t))) t++;
    const c = xml.charCodeAt(t);
    if (c === 0x3e) return { attrs, selfClosing: false, end: t + 1 };
    if (c === 0x2f && xml.charCodeAt(t + 1) === 0x3e)
      return { attrs, selfClosing: true, end: t + 2 };
    if (t >= n)
      throw malformed(xml, lt, `unterminated start tag <${qname}`, `开始标签 <${qname} 未结束`);
    if (t === before)
      throw malformed(xml, t, 'attributes must be separated by white space', '属性之间缺少空白');
    const nameStart = t;
    while (t < n && !endsName(xml.charCodeAt(t))) t++;
    const aname = xml.slice(nameStart, t);
    while (t < n && isSpace(xml.charCodeAt(t))) t++;
    if (aname === '' || xml.charCodeAt(t) !== 0x3d) {
      throw malformed(xml, nameStart, `bad attribute in <${qname}>`, `<${qname}> 的属性格式错误`);
    }
    t++;
    while (t < n && isSpace(xml.charCodeAt(t))) t++;
    const q = xml.charCodeAt(t);
    if (q !== 0x22 && q !== 0x27)
      throw malformed(
        xml,
        t,
        `attribute ${aname} value is not quoted`,
        `属性 ${aname} 的值未加引号`,
      );
    const vEnd = xml.indexOf(q === 0x22 ? '"' : "'", t + 1);
    if (vEnd === -1)
      throw malformed(
        xml,
        t,
        `unterminated value of attribute ${aname}`,
        `属性 ${aname} 的值未结束`,
      );
    const raw = xml.slice(t + 1, vEnd);
    if (raw.includes('<'))
      throw malformed(
        xml,
        t,
        `'<' in the value of attribute ${aname}`,
        `属性 ${aname} 的值中有 '<'`,
      );
    for (const a of attrs) {
      if (a.qname === aname)
        throw malformed(xml, nameStart, `duplicate attribute ${aname}`, `属性 ${aname} 重复`);
    }
    attrs.push({ qname: aname, raw, at: t + 1 });
    t = vEnd + 1;
  }
}
