/**
 * A small read-only view over parsed receipt XML: namespace prefixes dropped, every value kept
 * as a string (numbers like SeqNo must never become floats), lookups tolerant of repeated
 * elements and of letter-case drift in element names.
 */
import { safeXmlParser } from './safe-xml.js';

/** An element: its text when it has no children or attributes, otherwise an object. */
export type XNode = string | XObject;
export interface XObject {
  readonly [name: string]: XNode | readonly XNode[] | undefined;
}

const TEXT = '#text';
const ATTR = '@_';

const parser = safeXmlParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  textNodeName: TEXT,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** The document's root element: local name and content. */
export interface XRoot {
  readonly name: string;
  readonly node: XNode;
}

/**
 * Checks and parses XML (see safe-xml.ts; `where` names it in the checker's errors). Throws when
 * there is not exactly one root element or the parser refuses a name (e.g. `__proto__`).
 */
export function parseTree(text: string, where = 'document'): XRoot {
  const doc = parser.parse(text, where) as Record<string, unknown>;
  const roots = Object.keys(doc).filter((k) => !k.startsWith(ATTR) && k !== TEXT);
  const name = roots[0];
  if (roots.length !== 1 || name === undefined)
    throw new Error(`expected one root element, found ${roots.length}`);
  const node = doc[name];
  return { name, node: Array.isArray(node) ? (node[0] as XNode) : (node as XNode) };
}

function isObject(node: XNode | undefined): node is XObject {
  return typeof node === 'object' && node !== null;
}

function own(node: XObject, name: string): XNode | readonly XNode[] | undefined {
  if (Object.hasOwn(node, name)) return node[name];
  // Tolerate case drift (ClientSeqNo / ClientSeqno) but never guess between two candidates.
  const lower = name.toLowerCase();
  const hits = Object.keys(node).filter((k) => k.toLowerCase() === lower && !k.startsWith(ATTR));
  return hits.length === 1 && hits[0] !== undefined ? node[hits[0]] : undefined;
}

/** All child elements with this local name, in document order. */
export function children(node: XNode | undefined, name: string): XNode[] {
  if (!isObject(node)) return [];
  const value = own(node, name);
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as XNode[])] : [value as XNode];
}

/** The first child element with this local name. */
export function child(node: XNode | undefined, name: string): XNode | undefined {
  return children(node, name)[0];
}

/** Follows a path of local names, taking the first match at each step. */
export function path(node: XNode | undefined, ...names: string[]): XNode | undefined {
  let at = node;
  for (const n of names) at = child(at, n);
  return at;
}

/** Local names of the child elements, in first-seen order. */
export function childNames(node: XNode | undefined): string[] {
  return isObject(node) ? Object.keys(node).filter((k) => !k.startsWith(ATTR) && k !== TEXT) : [];
}

/** The element's own text, trimmed; undefined when absent or empty. */
export function ownText(node: XNode | undefined): string | undefined {
  const raw = typeof node === 'string' ? node : isObject(node) ? node[TEXT] : undefined;
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  return text ? text : undefined;
}

/** Text of the first child with this name; undefined when absent or empty. */
export function text(node: XNode | undefined, name: string): string | undefined {
  return ownText(child(node, name));
}

/** The first non-empty text among several candidate child names. */
export function firstText(node: XNode | undefined, ...names: string[]): string | undefined {
  for (const n of names) {
    const t = text(node, n);
    if (t !== undefined) return t;
  }
  return undefined;
}

/**
 * All text under an element joined with '; ' — for message fields that some systems write as
 * plain text and others as a list (`<CheckInfo><note>…</note></CheckInfo>`).
 */
export function deepText(node: XNode | undefined): string | undefined {
  const parts: string[] = [];
  const walk = (n: XNode): void => {
    const own = ownText(n);
    if (own !== undefined) parts.push(own);
    if (!isObject(n)) return;
    for (const name of childNames(n)) for (const c of children(n, name)) walk(c);
  };
  if (node !== undefined) walk(node);
  return parts.length ? parts.join('; ') : undefined;
}

/** An attribute value (local name), trimmed; undefined when absent or empty. */
export function attr(node: XNode | undefined, name: string): string | undefined {
  if (!isObject(node)) return undefined;
  const v = node[ATTR + name];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}
