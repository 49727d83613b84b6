import { GatewayError } from '../../core/errors.js';
import { safeXmlParser } from '../../core/safe-xml.js';
import {
  cleanCell,
  type SourceCell,
  type SourceDocument,
  type SourceRecord,
  type SourceSection,
} from './document.js';
import { hugeCell, problem, type TranslateProblem } from './problems.js';
import type { ReadOptions } from './read-options.js';

/**
 * Enterprise XML with flat element names:
 *
 *   <DECL><HEAD><IE_FLAG>出口</IE_FLAG>…</HEAD><ITEMS><ITEM><CODE_TS>…</CODE_TS>…</ITEM>…</ITEMS></DECL>
 *
 * `xml.sections` maps a section to an element path below the root (`HEAD`, `ITEMS/ITEM`); every
 * element the path reaches is one record whose leaf children are its cells. The encoding comes
 * from the BOM and XML declaration (core/xml-text), DTDs are refused.
 */

type XNode = Record<string, unknown[]>;

const parser = safeXmlParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
});

const isNode = (v: unknown): v is XNode => typeof v === 'object' && v !== null;

export function readXml(bytes: Uint8Array, opts: ReadOptions): SourceDocument {
  const { file } = opts;
  const parsed = parser.parseBytes(bytes, file);
  const { encoding } = parsed.decoded;
  const doc = parsed.doc as XNode;
  const rootName = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  const root = rootName ? doc[rootName]?.[0] : undefined;
  if (!rootName || !isNode(root)) {
    throw new GatewayError(
      'GW_ERR_INPUT_FORMAT',
      problem('xml-shape', { file }, 'XML 没有根元素内容', 'the XML has no root element content'),
    );
  }
  const problems: TranslateProblem[] = [];
  const sections = new Map<string, SourceSection>();
  for (const [name, path] of Object.entries(opts.xml.sections)) {
    // Walk the path, keeping each reached element's own path for positions.
    let level: { node: XNode; path: string }[] = [{ node: root, path: `/${rootName}` }];
    for (const seg of path.split('/').filter(Boolean)) {
      const next: { node: XNode; path: string }[] = [];
      for (const { node, path: p } of level) {
        const kids = node[seg] ?? [];
        kids.forEach((k, i) => {
          const kp = `${p}/${seg}${kids.length > 1 ? `[${i + 1}]` : ''}`;
          if (isNode(k)) next.push({ node: k, path: kp });
          else if (k === '') next.push({ node: {}, path: kp }); // an empty element: a record without cells
        });
      }
      level = next;
    }
    const records: SourceRecord[] = level.map(({ node, path: p }) => {
      const cells = new Map<string, SourceCell>();
      for (const [key, values] of Object.entries(node)) {
        if (key.startsWith('#')) continue;
        const pos = { file, path: `${p}/${key}`, columnName: key };
        if (values.length > 1)
          problems.push(
            problem(
              'xml-repeated',
              pos,
              `元素 ${key} 在一条记录中出现了 ${values.length} 次`,
              `element ${key} appears ${values.length} times in one record`,
            ),
          );
        const v = values[0];
        if (isNode(v)) {
          problems.push(
            problem(
              'xml-nested',
              pos,
              `${pos.path} 含子元素；字段元素只能含文本`,
              `${pos.path} has child elements; a field element may hold text only`,
            ),
          );
          continue;
        }
        const s = v === undefined || v === null ? '' : String(v);
        if (s.length > opts.maxCellChars) problems.push(hugeCell(pos, s.length, opts.maxCellChars));
        cells.set(key, { value: cleanCell(s), pos });
      }
      return { pos: { file, path: p }, cells };
    });
    sections.set(name, { name, pos: { file, path: `/${rootName}/${path}` }, records });
  }
  if (problems.length > 0) throw new GatewayError('GW_ERR_INPUT_FORMAT', problems);
  return { file, format: 'xml', encoding, sections };
}
