import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { GatewayError } from '../core/errors.js';

/**
 * Parses XML text into a DOM, turning every parser complaint above a warning into a
 * GW_ERR_XML_MALFORMED error. Run `checkXml` first: it refuses DTDs and reports line/column.
 */
export function parseDom(text: string, where: string): Document {
  const problems: string[] = [];
  const parser = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') problems.push(String(message));
    },
  });
  let doc: Document | undefined;
  try {
    doc = parser.parseFromString(text, 'text/xml');
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  }
  if (!doc?.documentElement || problems.length > 0) {
    const msg = problems[0] ?? 'no document element';
    throw new GatewayError('GW_ERR_XML_MALFORMED', {
      where,
      zh: `XML 解析失败：${msg}`,
      en: `XML cannot be parsed: ${msg}`,
    });
  }
  return doc;
}

/** Element children of `parent` with this local name in this namespace, in document order. */
export function childElements(parent: Element, localName: string, ns: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === n.ELEMENT_NODE) {
      const el = n as Element;
      if (el.localName === localName && el.namespaceURI === ns) out.push(el);
    }
  }
  return out;
}

/** The first such child, or undefined. */
export function childElement(parent: Element, localName: string, ns: string): Element | undefined {
  return childElements(parent, localName, ns)[0];
}

/** Trimmed text of the child at `path` (local names, all in `ns`); '' when any step is missing. */
export function childText(parent: Element, path: readonly string[], ns: string): string {
  let cur: Element | undefined = parent;
  for (const name of path) {
    cur = cur ? childElement(cur, name, ns) : undefined;
  }
  return (cur?.textContent ?? '').trim();
}

/** True when the element has this local name and namespace. */
export function isElement(
  el: Element | null | undefined,
  localName: string,
  ns: string,
): el is Element {
  return !!el && el.localName === localName && el.namespaceURI === ns;
}
