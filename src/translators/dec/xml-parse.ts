import { safeXmlParser } from '../../core/safe-xml.js';
import { BLOCKS, type BlockKey } from './fields.js';
import type { DecModel, DecRecord, FieldValue } from '../model/record.js';

type XNode = Record<string, unknown[]>;

const parser = safeXmlParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
});

const isNode = (v: unknown): v is XNode => typeof v === 'object' && v !== null;

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (isNode(v) && '#text' in v) return String((v as Record<string, unknown>)['#text']);
  return '';
}

function toRecord(node: XNode, path: string, file: string): DecRecord {
  const fields = new Map<string, FieldValue>();
  for (const [name, values] of Object.entries(node)) {
    if (name.startsWith('@') || name.startsWith('#')) continue;
    fields.set(name, {
      value: textOf(values[0]).trim(),
      origin: { file, path: `${path}/${name}` },
    });
  }
  return { fields, origin: { file, path } };
}

/**
 * Reads a DecMessage (checked here again: the function is also exported to tools) into the model the validator works on; every value's
 * origin is its element path, e.g. /DecMessage/DecLists/DecList[3]/CodeTS. Namespace prefixes are
 * ignored (the translator checks the namespace itself).
 */
export function parseDecXml(xml: string, file: string): DecModel {
  const doc = parser.parse(xml, file) as XNode;
  const rootName = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  const root = rootName ? doc[rootName]?.[0] : undefined;
  const blocks = new Map<BlockKey, DecRecord[]>();
  const r = isNode(root) ? root : {};
  const attrs = r as unknown as Record<string, unknown>;
  for (const spec of BLOCKS) {
    const nodes: { node: XNode; path: string }[] = [];
    if (spec.wrapper) {
      const wrapper = r[spec.wrapper]?.[0];
      const items = isNode(wrapper) ? (wrapper[spec.key] ?? []) : [];
      items.forEach((n, i) =>
        nodes.push({
          node: isNode(n) ? n : {},
          path: `/DecMessage/${spec.wrapper}/${spec.key}[${i + 1}]`,
        }),
      );
    } else {
      const items = r[spec.key] ?? [];
      items.forEach((n, i) =>
        nodes.push({
          node: isNode(n) ? n : {},
          path: `/DecMessage/${spec.key}${spec.repeated ? `[${i + 1}]` : ''}`,
        }),
      );
    }
    if (nodes.length > 0)
      blocks.set(
        spec.key,
        nodes.map(({ node, path }) => toRecord(node, path, file)),
      );
  }
  const spelled = typeof attrs['@Version'] === 'string' ? 'Version' : 'version';
  const version = attrs[`@${spelled}`];
  return { version: typeof version === 'string' ? version : '', versionAttribute: spelled, blocks };
}
