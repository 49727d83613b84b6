import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { GatewayError } from '../../core/errors.js';
import type { DeclarationFacts, Fields } from './edoc-plan.js';

/** Blocks that come after EdocRealation in the DecMessage child order (eport-formats.md §3.1, seed §2.2). */
const AFTER_EDOC = [
  'EcoRelation',
  'DecMarkLobs',
  'TrnHead',
  'TrnList',
  'TrnContainers',
  'TrnContaGoodsList',
];
const AFTER_ECO = AFTER_EDOC.slice(1);
const AFTER_MARKS = AFTER_EDOC.slice(2);

function parse(xml: string, where: string): Document {
  const problems: string[] = [];
  const doc = new DOMParser({
    onError: (level, msg) => void (level !== 'warning' && problems.push(String(msg))),
  }).parseFromString(xml, 'text/xml');
  if (!doc.documentElement || problems.length > 0) {
    throw new GatewayError('GW_ERR_XML_MALFORMED', {
      where,
      zh: `报关单无法解析：${problems[0] ?? ''}`,
      en: `the declaration cannot be parsed: ${problems[0] ?? ''}`,
    });
  }
  return doc;
}

function children(parent: Element, name?: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling)
    if (n.nodeType === n.ELEMENT_NODE && (!name || (n as Element).localName === name))
      out.push(n as Element);
  return out;
}

function text(parent: Element | undefined, ...path: string[]): string {
  let cur = parent;
  for (const p of path) cur = cur ? children(cur, p)[0] : undefined;
  return (cur?.textContent ?? '').trim();
}

/** A DecMessage parsed for the paperless step. */
export interface DecDocument {
  readonly doc: Document;
  readonly root: Element;
  readonly facts: DeclarationFacts;
}

/** Reads what the plan needs from a translated DecMessage. */
export function readDecDocument(xml: string, where: string): DecDocument {
  const doc = parse(xml, where);
  const root = doc.documentElement!;
  const head = children(root, 'DecHead')[0];
  const lists = children(root, 'DecLists')[0];
  const facts: DeclarationFacts = {
    clientSeqNo: text(root, 'DecSign', 'ClientSeqNo'),
    customMaster: text(head, 'CustomMaster'),
    tradeCode: text(head, 'TradeCode'),
    tradeName: text(head, 'TradeName'),
    itemCount: lists ? children(lists, 'DecList').length : 0,
    existing: children(root, 'EdocRealation').map((e) => ({
      copId: text(e, 'EdocCopId'),
      size: text(e, 'EdocSize'),
    })),
  };
  return { doc, root, facts };
}

/**
 * Adds the planned entries in their place (EdocRealation after the existing ones, then
 * EcoRelation, then DecMarkLobs, all before the transit blocks), fills empty EdocSize of existing
 * entries, and returns the XML with its declaration. Elements take the root's namespace and prefix.
 */
export function insertPaperless(
  d: DecDocument,
  plan: {
    edocs: readonly Fields[];
    ecos: readonly Fields[];
    marks: readonly Fields[];
    sizes: ReadonlyMap<string, string>;
  },
): string {
  const { doc, root } = d;
  const ns = root.namespaceURI;
  const prefix = root.prefix ? `${root.prefix}:` : '';
  const el = (name: string): Element =>
    ns ? doc.createElementNS(ns, `${prefix}${name}`) : doc.createElement(name);
  const nl = (depth: number) => doc.createTextNode(`\n${'  '.repeat(depth)}`);
  const record = (name: string, fields: Fields, depth: number): Element => {
    const e = el(name);
    for (const [k, v] of fields) {
      e.appendChild(nl(depth + 1));
      const c = el(k);
      if (v !== '') c.appendChild(doc.createTextNode(v));
      e.appendChild(c);
    }
    e.appendChild(nl(depth));
    return e;
  };
  const before = (names: readonly string[]): Element | null =>
    children(root).find((c) => names.includes(c.localName ?? '')) ?? null;
  const insert = (node: Element, ref: Element | null): void => {
    if (ref) {
      root.insertBefore(node, ref);
      root.insertBefore(nl(1), ref);
    } else {
      const last = root.lastChild;
      const trailing =
        last && last.nodeType === last.TEXT_NODE && !last.nodeValue?.trim() ? last : null;
      root.insertBefore(nl(1), trailing);
      root.insertBefore(node, trailing);
      if (!trailing) root.appendChild(doc.createTextNode('\n'));
    }
  };
  for (const e of children(root, 'EdocRealation')) {
    const size = plan.sizes.get(text(e, 'EdocCopId'));
    const sizeEl = children(e, 'EdocSize')[0];
    if (size && sizeEl && !sizeEl.textContent?.trim()) sizeEl.textContent = size;
  }
  for (const f of plan.edocs) insert(record('EdocRealation', f, 1), before(AFTER_EDOC));
  for (const f of plan.ecos) insert(record('EcoRelation', f, 1), before(AFTER_ECO));
  if (plan.marks.length > 0) {
    let wrapper = children(root, 'DecMarkLobs')[0];
    if (!wrapper) {
      wrapper = el('DecMarkLobs');
      wrapper.appendChild(nl(1));
      insert(wrapper, before(AFTER_MARKS));
    }
    for (const f of plan.marks) {
      wrapper.insertBefore(nl(2), wrapper.lastChild);
      wrapper.insertBefore(record('DecMarkLob', f, 2), wrapper.lastChild);
    }
  }
  const out = new XMLSerializer().serializeToString(doc);
  return out.startsWith('<?xml') ? out : `<?xml version="1.0" encoding="UTF-8"?>\n${out}`;
}
