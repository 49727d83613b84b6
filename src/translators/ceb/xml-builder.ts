import { escapeText } from '../dec/xml-builder.js';
import type { DecModel, DecRecord } from '../model/record.js';
import { CEB_NAMESPACE, type CebLayout } from './layout.js';

function record(
  lines: string[],
  pad: string,
  spec: CebLayout['blocks'][number],
  rec: DecRecord | undefined,
): void {
  lines.push(`${pad}<ceb:${spec.key}>`);
  for (const f of spec.fields) {
    const v = rec?.fields.get(f.name)?.value ?? '';
    // The XSD's length facets reject an empty optional element, so an empty optional one is left out.
    if (v === '' && !f.required) continue;
    lines.push(`${pad}  <ceb:${f.name}>${escapeText(v)}</ceb:${f.name}>`);
  }
  lines.push(`${pad}</ceb:${spec.key}>`);
}

/**
 * Writes an unsigned CEB import message: `ceb:CEBnnnMessage` (guid, version) holding one business
 * node (Order / Inventory: head + list) and BaseTransfer. `ds:Signature` is left to the signer,
 * which appends it as the last child: after ExtendMessage, as the import XSD orders them.
 */
export function buildCebXml(layout: CebLayout, model: DecModel, guid: string): string {
  const [head, list, transfer] = layout.blocks as readonly [
    CebLayout['blocks'][number],
    CebLayout['blocks'][number],
    CebLayout['blocks'][number],
  ];
  const blocks = model.blocks as ReadonlyMap<string, readonly DecRecord[]>;
  const root = `ceb:${layout.message}Message`;
  const lines = [
    `<${root} guid="${guid}" version="${escapeText(model.version).replace(/"/g, '&quot;')}" xmlns:ceb="${CEB_NAMESPACE}">`,
    `  <ceb:${layout.node}>`,
  ];
  record(lines, '    ', head, blocks.get(head.key)?.[0]);
  for (const r of blocks.get(list.key) ?? []) record(lines, '    ', list, r);
  lines.push(`  </ceb:${layout.node}>`);
  record(lines, '  ', transfer, blocks.get(transfer.key)?.[0]);
  lines.push(`</${root}>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${lines.join('\n')}\n`;
}
