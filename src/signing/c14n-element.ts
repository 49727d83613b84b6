/**
 * One start tag in canonical form (c14n.ts): its namespace declarations and attributes resolved
 * against the parent's scope, then written the C14N way (declarations first, attributes sorted).
 */
import { attrValue, canonicalAttr, compareCodePoints, escapeC14nAttr } from './c14n-text.js';
import { malformed, refError, type RawAttr } from './c14n-scan.js';

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** An open element while the pass is inside it. */
export interface Frame {
  readonly qname: string;
  /** Namespace bindings in scope on this element; the parent's map unless it declares some. */
  readonly scope: Map<string, string>;
  /** xml:* attributes in scope (own and inherited), shared the same way; null when none. */
  readonly xmlAttrs: Map<string, string> | null;
}

interface OutAttr {
  readonly ns: string;
  readonly local: string;
  readonly text: string;
}

export const EMPTY_SCOPE: Map<string, string> = new Map();

/** A start tag resolved against its parent. */
export interface ResolvedTag {
  readonly scope: Map<string, string>;
  readonly xmlAttrs: Map<string, string> | null;
  /** The namespace declarations written on this tag, in document order. */
  readonly ownNs: readonly (readonly [string, string])[];
  /** Its other attributes in canonical form, unsorted. */
  readonly own: readonly OutAttr[];
  readonly localName: string;
  readonly namespaceUri: string;
}

function compareAttrs(a: OutAttr, b: OutAttr): number {
  return a.ns === b.ns ? compareCodePoints(a.local, b.local) : compareCodePoints(a.ns, b.ns);
}

function nsDecl(prefix: string, uri: string): string {
  return prefix === ''
    ? ` xmlns="${escapeC14nAttr(uri)}"`
    : ` xmlns:${prefix}="${escapeC14nAttr(uri)}"`;
}

function attrText(xml: string, a: RawAttr): string {
  try {
    return attrValue(a.raw, a.at);
  } catch (e) {
    throw refError(xml, e);
  }
}

/** Scope, xml:* attributes, own attributes and the element's namespace for the tag `<qname` at `lt`. */
export function resolveTag(
  xml: string,
  qname: string,
  attrs: readonly RawAttr[],
  lt: number,
  parent: Frame | undefined,
): ResolvedTag {
  const parentScope = parent ? parent.scope : EMPTY_SCOPE;
  const parentXml = parent ? parent.xmlAttrs : null;
  let scope = parentScope;
  let xmlAttrs = parentXml;
  const ownNs: [string, string][] = [];
  const own: OutAttr[] = [];

  for (const a of attrs) {
    const q = a.qname;
    if (q !== 'xmlns' && !q.startsWith('xmlns:')) continue;
    const prefix = q === 'xmlns' ? '' : q.slice(6);
    const uri = attrText(xml, a);
    if (prefix === 'xmlns' || uri === XMLNS_NS)
      throw malformed(xml, a.at, 'the xmlns prefix cannot be declared', '不能声明 xmlns 前缀');
    if (prefix === 'xml' || uri === XML_NS) {
      if (prefix !== 'xml' || uri !== XML_NS)
        throw malformed(xml, a.at, 'misuse of the xml namespace', 'xml 命名空间使用错误');
      continue; // Always in scope; C14N never writes it.
    }
    if (prefix !== '' && uri === '') {
      throw malformed(
        xml,
        a.at,
        `prefix ${prefix} bound to an empty URI`,
        `前缀 ${prefix} 不能绑定空 URI`,
      );
    }
    ownNs.push([prefix, uri]);
  }
  if (ownNs.length > 0) {
    scope = new Map(parentScope);
    for (const [p, u] of ownNs) {
      if (u === '') scope.delete(p);
      else scope.set(p, u);
    }
  }
  for (const a of attrs) {
    const q = a.qname;
    if (q === 'xmlns' || q.startsWith('xmlns:')) continue;
    const colon = q.indexOf(':');
    const ap = colon === -1 ? '' : q.slice(0, colon);
    const al = colon === -1 ? q : q.slice(colon + 1);
    let ns = '';
    if (ap === 'xml') {
      ns = XML_NS;
      if (xmlAttrs === parentXml) xmlAttrs = new Map(parentXml ?? []);
      (xmlAttrs as Map<string, string>).set(al, attrText(xml, a));
    } else if (ap !== '') {
      const u = scope.get(ap);
      if (u === undefined)
        throw malformed(
          xml,
          a.at,
          `namespace prefix ${ap} is not declared`,
          `命名空间前缀 ${ap} 未声明`,
        );
      ns = u;
      for (const o of own) {
        if (o.ns === ns && o.local === al)
          throw malformed(xml, a.at, `duplicate attribute {${ns}}${al}`, `属性 ${q} 重复`);
      }
    }
    let text: string;
    try {
      text = canonicalAttr(a.raw, a.at);
    } catch (e) {
      throw refError(xml, e);
    }
    own.push({ ns, local: al, text: `${q}="${text}"` });
  }

  const colon = qname.indexOf(':');
  const prefix = colon === -1 ? '' : qname.slice(0, colon);
  const localName = colon === -1 ? qname : qname.slice(colon + 1);
  let namespaceUri = '';
  if (prefix === 'xml') namespaceUri = XML_NS;
  else if (prefix !== '' || scope.has('')) {
    const u = scope.get(prefix);
    if (u === undefined)
      throw malformed(
        xml,
        lt,
        `namespace prefix ${prefix} is not declared`,
        `命名空间前缀 ${prefix} 未声明`,
      );
    namespaceUri = u;
  }
  return { scope, xmlAttrs, ownNs, own, localName, namespaceUri };
}

/**
 * The canonical start tag. At the top of the output (`top`) it carries every binding in scope and,
 * as C14N 1.0 asks, the xml:* attributes it inherits; below, only declarations that change what
 * the parent has in scope. An empty-element tag becomes a start and an end tag.
 */
export function startTagText(
  qname: string,
  tag: ResolvedTag,
  parentScope: ReadonlyMap<string, string>,
  top: boolean,
  selfClosing: boolean,
): string {
  const own = [...tag.own];
  let s = '<' + qname;
  if (top) {
    const all = [...tag.scope].sort((a, b) => compareCodePoints(a[0], b[0]));
    for (const [p, u] of all) s += nsDecl(p, u);
    if (tag.xmlAttrs) {
      for (const [l, v] of tag.xmlAttrs) {
        if (!own.some((o) => o.ns === XML_NS && o.local === l))
          own.push({ ns: XML_NS, local: l, text: `xml:${l}="${escapeC14nAttr(v)}"` });
      }
    }
  } else if (tag.ownNs.length > 0) {
    const changed = tag.ownNs.filter(([p, u]) => (parentScope.get(p) ?? '') !== u);
    changed.sort((a, b) => compareCodePoints(a[0], b[0]));
    for (const [p, u] of changed) s += nsDecl(p, u);
  }
  if (own.length > 1) own.sort(compareAttrs);
  for (const o of own) s += ' ' + o.text;
  return s + (selfClosing ? `></${qname}>` : '>');
}
