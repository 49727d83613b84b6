/**
 * Inclusive Canonical XML 1.0 (http://www.w3.org/TR/2001/REC-xml-c14n-20010315), computed in one
 * pass over the XML text with a small tokenizer: no DOM is built. Supports the whole document, the
 * subtree of one element in document context (what a signature over `SignedInfo` needs), and
 * leaving out subtrees (the enveloped-signature transform).
 *
 * Input is a decoded string (see core/xml-text.ts decodeXml for GBK/BOM handling); a leading BOM
 * character is ignored. Documents with a DOCTYPE are refused: without a DTD only the five
 * predefined entities exist and every attribute is CDATA, which keeps the rules simple.
 *
 * Speed: generated documents are mostly canonical already, so the output is built from verbatim
 * runs of the input, and only tokens whose canonical form differs (empty-element tags, references,
 * attribute order, CDATA, comments, ...) are replaced.
 */
import { canonicalCdata, canonicalText, normaliseLineEnds } from './c14n-text.js';
import type { C14nOptions, C14nResult, ElementInfo, RootInfo } from './c14n-types.js';
import { EMPTY_SCOPE, resolveTag, startTagText, type Frame } from './c14n-element.js';
import {
  doctypeRefused,
  endsName,
  isSpace,
  malformed,
  refError,
  scanAttributes,
  type RawAttr,
} from './c14n-scan.js';

export { XML_NS } from './c14n-element.js';

/** Canonical form of the whole document (inclusive C14N 1.0). */
export function canonicalize(xml: string, options: C14nOptions = {}): string {
  return new Pass(xml, options, undefined).run().text;
}

/** Canonical form of the whole document plus what was learnt about its root element. */
export function canonicalizeDocument(xml: string, options: C14nOptions = {}): C14nResult {
  const r = new Pass(xml, options, undefined).run();
  return { text: r.text, root: r.root as RootInfo };
}

/**
 * Canonical form of the subtree of the first element (document order) that `select` accepts,
 * in document context: the apex carries every namespace binding in scope on it and the xml:*
 * attributes it inherits from its ancestors, as inclusive C14N of a document subset requires.
 * Parsing stops at the end of that subtree. Throws GW_ERR_XML_MALFORMED when no element matches.
 */
export function canonicalizeSubtree(
  xml: string,
  select: (el: ElementInfo) => boolean,
  options: C14nOptions = {},
): string {
  const r = new Pass(xml, options, select).run();
  if (!r.found) throw malformed(xml, 0, 'no element matches the selection', '没有符合条件的元素');
  return r.text;
}

/** One canonicalisation pass over one document. */
class Pass {
  private readonly n: number;
  private readonly withComments: boolean;
  private readonly exclude: ((el: ElementInfo) => boolean) | undefined;
  private out = '';
  /** Start of the pending verbatim run of input; -1 while nothing is being written. */
  private mark = -1;
  private readonly stack: Frame[] = [];
  private rootSeen = false;
  private rootDone = false;
  private root: RootInfo | undefined;
  private rootBase: Omit<RootInfo, 'endTagStart' | 'selfClosing' | 'children'> | undefined;
  private readonly rootChildren: ElementInfo[] = [];
  /** Subtree mode: depth of the apex while inside it; -1 before, -2 after. */
  private apexDepth = -1;
  private found = false;
  /** Depth of the excluded element being skipped, -1 when none. */
  private excludedAt = -1;

  constructor(
    private readonly xml: string,
    options: C14nOptions,
    private readonly select: ((el: ElementInfo) => boolean) | undefined,
  ) {
    this.n = xml.length;
    this.withComments = options.withComments === true;
    this.exclude = options.exclude;
  }

  run(): { text: string; root: RootInfo | undefined; found: boolean } {
    const { xml, n } = this;
    const docStart = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
    let i = docStart;
    while (i < n) {
      const lt = xml.indexOf('<', i);
      const textEnd = lt === -1 ? n : lt;
      if (textEnd > i) this.text(i, textEnd);
      if (lt === -1) break;
      const c1 = xml.charCodeAt(lt + 1);
      if (c1 === 0x3f /* ? */) i = this.pi(lt, docStart);
      else if (c1 === 0x21 /* ! */) i = this.bang(lt);
      else if (c1 === 0x2f /* / */) i = this.endTag(lt);
      else i = this.startTag(lt);
      if (this.apexDepth === -2) return { text: this.out, root: undefined, found: true };
    }
    if (this.stack.length > 0) {
      throw malformed(
        xml,
        n,
        `element <${this.stack[this.stack.length - 1]?.qname}> is not closed`,
        '元素未闭合',
      );
    }
    if (!this.rootSeen) throw malformed(xml, docStart, 'no document element', '没有根元素');
    return { text: this.out, root: this.root, found: this.found };
  }

  /** Writes `text` in place of input [start, end). */
  private replace(start: number, end: number, text: string): void {
    this.out += this.xml.slice(this.mark, start) + text;
    this.mark = end;
  }

  /** A PI or comment outside the document element (C14N puts LF between them and the root). */
  private outside(text: string): void {
    if (this.select) return;
    this.out += this.rootSeen ? '\n' + text : text + '\n';
  }

  private text(start: number, end: number): void {
    const { xml } = this;
    if (this.stack.length === 0) {
      for (let k = start; k < end; k++) {
        if (!isSpace(xml.charCodeAt(k)))
          throw malformed(xml, k, 'text outside the document element', '根元素之外有文本');
      }
      return;
    }
    const raw = xml.slice(start, end);
    let text: string;
    try {
      // Checked even when not written, so a bad reference fails whatever is selected.
      text = canonicalText(raw, start);
    } catch (e) {
      throw refError(xml, e);
    }
    if (this.mark >= 0 && text !== raw) this.replace(start, end, text);
  }

  private pi(lt: number, docStart: number): number {
    const { xml } = this;
    const end = xml.indexOf('?>', lt + 2);
    if (end === -1)
      throw malformed(xml, lt, 'unterminated processing instruction', '处理指令未结束');
    let t = lt + 2;
    while (t < end && !isSpace(xml.charCodeAt(t))) t++;
    const target = xml.slice(lt + 2, t);
    if (target === '')
      throw malformed(xml, lt, 'processing instruction without target', '处理指令缺少目标名');
    if (target.toLowerCase() === 'xml') {
      // The XML declaration is not part of the data model: dropped.
      if (lt !== docStart)
        throw malformed(xml, lt, 'XML declaration not at the start', 'XML 声明不在文件开头');
      return end + 2;
    }
    while (t < end && isSpace(xml.charCodeAt(t))) t++;
    const data = normaliseLineEnds(xml.slice(t, end));
    const text = data === '' ? `<?${target}?>` : `<?${target} ${data}?>`;
    if (this.stack.length === 0) this.outside(text);
    else if (this.mark >= 0 && text !== xml.slice(lt, end + 2)) this.replace(lt, end + 2, text);
    return end + 2;
  }

  private bang(lt: number): number {
    const { xml } = this;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end === -1) throw malformed(xml, lt, 'unterminated comment', '注释未结束');
      const body = xml.slice(lt + 4, end);
      if (body.includes('--') || body.endsWith('-'))
        throw malformed(xml, lt, "'--' inside a comment", "注释中出现 '--'");
      const text = this.withComments ? `<!--${normaliseLineEnds(body)}-->` : '';
      if (this.stack.length === 0) {
        if (this.withComments) this.outside(text);
      } else if (this.mark >= 0 && text !== xml.slice(lt, end + 3)) this.replace(lt, end + 3, text);
      return end + 3;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      if (this.stack.length === 0)
        throw malformed(
          xml,
          lt,
          'CDATA section outside the document element',
          'CDATA 段在根元素之外',
        );
      const end = xml.indexOf(']]>', lt + 9);
      if (end === -1) throw malformed(xml, lt, 'unterminated CDATA section', 'CDATA 段未结束');
      if (this.mark >= 0) this.replace(lt, end + 3, canonicalCdata(xml.slice(lt + 9, end)));
      return end + 3;
    }
    if (xml.startsWith('<!DOCTYPE', lt)) throw doctypeRefused(xml, lt);
    throw malformed(xml, lt, "unexpected '<!'", "意外的 '<!'");
  }

  private endTag(lt: number): number {
    const { xml, n } = this;
    const open = this.stack[this.stack.length - 1];
    if (open !== undefined) {
      // Fast path: the end tag is exactly `</name>` of the open element.
      const after = lt + 2 + open.qname.length;
      if (xml.charCodeAt(after) === 0x3e && xml.startsWith(open.qname, lt + 2)) {
        this.stack.pop();
        this.closed(lt, after + 1);
        return after + 1;
      }
    }
    let t = lt + 2;
    while (t < n && !endsName(xml.charCodeAt(t))) t++;
    const qname = xml.slice(lt + 2, t);
    const exact = xml.charCodeAt(t) === 0x3e;
    while (t < n && isSpace(xml.charCodeAt(t))) t++;
    if (xml.charCodeAt(t) !== 0x3e)
      throw malformed(xml, lt, `bad end tag </${qname}`, `结束标签 </${qname} 格式错误`);
    const top = this.stack.pop();
    if (!top || top.qname !== qname) {
      throw malformed(
        xml,
        lt,
        `end tag </${qname}> does not match <${top?.qname ?? ''}>`,
        `结束标签 </${qname}> 与开始标签不匹配`,
      );
    }
    if (this.mark >= 0 && !exact) this.replace(lt, t + 1, `</${qname}>`);
    this.closed(lt, t + 1);
    return t + 1;
  }

  /** After an element's end: leave excluded/apex/root state. `end` is just past its end tag. */
  private closed(endTagStart: number, end: number): void {
    const depth = this.stack.length;
    if (this.excludedAt === depth) {
      this.excludedAt = -1;
      this.mark = end;
    } else if (this.select ? this.apexDepth === depth : depth === 0) {
      if (this.mark >= 0) this.out += this.xml.slice(this.mark, end);
      this.mark = -1;
      if (this.select) this.apexDepth = -2;
    }
    if (depth === 0) {
      this.rootDone = true;
      const selfClosing = this.xml.charCodeAt(endTagStart) === 0x2f;
      if (this.rootBase)
        this.root = { ...this.rootBase, children: this.rootChildren, endTagStart, selfClosing };
    }
  }

  private startTag(lt: number): number {
    const { xml, n } = this;
    if (this.rootDone) throw malformed(xml, lt, 'a second document element', '出现第二个根元素');
    let t = lt + 1;
    let c = 0;
    for (; t < n; t++) {
      c = xml.charCodeAt(t);
      // Letters and most name characters are above '>'; test the rest only below it.
      if (
        c <= 0x3e &&
        (c === 0x3e ||
          c === 0x2f ||
          c === 0x3d ||
          c === 0x3c ||
          c === 0x26 ||
          c === 0x22 ||
          c === 0x27 ||
          isSpace(c))
      )
        break;
    }
    const qname = xml.slice(lt + 1, t);
    if (qname === '' || c === 0x3c || c === 0x26 || c === 0x22 || c === 0x27)
      throw malformed(xml, lt, 'bad element name', '元素名无效');
    // Fast path for `<name>` and `<name/>` deep inside a plain whole-document pass.
    if (
      this.mark >= 0 &&
      this.select === undefined &&
      this.exclude === undefined &&
      this.stack.length > 1
    ) {
      const empty = c === 0x2f && xml.charCodeAt(t + 1) === 0x3e;
      if (c === 0x3e || empty) {
        const parent = this.stack[this.stack.length - 1] as Frame;
        const colon = qname.indexOf(':');
        if (colon !== -1 && !parent.scope.has(qname.slice(0, colon)) && !qname.startsWith('xml:')) {
          throw malformed(
            xml,
            lt,
            `namespace prefix ${qname.slice(0, colon)} is not declared`,
            `命名空间前缀 ${qname.slice(0, colon)} 未声明`,
          );
        }
        if (!empty) {
          this.stack.push({ qname, scope: parent.scope, xmlAttrs: parent.xmlAttrs });
          return t + 1;
        }
        this.replace(lt, t + 2, `<${qname}></${qname}>`);
        return t + 2;
      }
    }
    const { attrs, selfClosing, end } = scanAttributes(xml, lt, qname, t);
    this.element(qname, attrs, lt, end, selfClosing);
    return end;
  }

  /** Handles a start tag [lt, end): scope, root facts, selection, exclusion and output. */
  private element(
    qname: string,
    attrs: readonly RawAttr[],
    lt: number,
    end: number,
    selfClosing: boolean,
  ): void {
    const { xml, stack } = this;
    const parent = stack[stack.length - 1];
    const tag = resolveTag(xml, qname, attrs, lt, parent);
    const { scope, xmlAttrs, localName, namespaceUri } = tag;

    const depth = stack.length;
    const info: ElementInfo = { qname, localName, namespaceUri, depth, start: lt };
    if (depth === 0) {
      this.rootSeen = true;
      this.rootBase = { ...info, namespaces: scope, xmlAttributes: xmlAttrs ?? new Map() };
    } else if (depth === 1) {
      this.rootChildren.push(info);
    }
    stack.push({ qname, scope, xmlAttrs });

    // Where this element stands: top of the output, inside it, newly excluded, or not written.
    let top = false;
    if (this.select) {
      if (this.apexDepth === -1 && this.select(info)) {
        this.apexDepth = depth;
        this.found = true;
        top = true;
      }
    } else if (depth === 0) {
      top = true;
    }
    if (!top && this.mark >= 0 && this.exclude && this.exclude(info)) {
      this.out += xml.slice(this.mark, lt);
      this.mark = -1;
      this.excludedAt = depth;
    }

    if (top || this.mark >= 0) {
      const s = startTagText(qname, tag, parent ? parent.scope : EMPTY_SCOPE, top, selfClosing);
      if (top) {
        this.out += s;
        this.mark = end;
      } else if (selfClosing || s !== xml.slice(lt, end)) {
        this.replace(lt, end, s);
      }
    }
    if (selfClosing) {
      stack.pop();
      this.closed(end - 2, end);
    }
  }
}
