import { isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

/**
 * The line of the deepest node on a configuration path such as `channels[0].intake[0].stabelMs`
 * (the key itself when it exists), so a problem says where in the file it is.
 */
export function lineOf(doc: Document, counter: LineCounter, path: string): number | undefined {
  const segments = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[2] !== undefined ? Number(m[2]) : m[1]!,
  );
  let node: unknown = doc.contents;
  let offset: number | undefined;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
      if (!pair) break;
      offset = (isScalar(pair.key) ? pair.key.range?.[0] : undefined) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : counter.linePos(offset).line;
}
