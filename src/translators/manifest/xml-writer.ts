import { escapeText } from '../dec/xml-builder.js';
import type { FieldSpec } from '../model/field-spec.js';
import type { DecRecord } from '../model/record.js';
import { EQUIPMENT, EQUIPMENT_DETAILS, writeEquipment } from './equipment.js';

/**
 * Writes one record whose field names are element paths (`BorderTransportMeans/JourneyID`),
 * nesting consecutive paths that share parents; empty values are left out (the manifest schema
 * has no empty elements). Returns the text of the record's children, indented by `depth`.
 */
export function writePaths(fields: readonly FieldSpec[], rec: DecRecord, depth: number): string {
  let out = '';
  let open: string[] = [];
  const pad = (d: number): string => '  '.repeat(d);
  const closeTo = (keep: number): void => {
    while (open.length > keep) out += `${pad(depth + open.length - 1)}</${open.pop()!}>\n`;
  };
  for (const f of fields) {
    const value = rec.fields.get(f.name)?.value ?? '';
    if (value === '') continue;
    // The container details are written inside their TransportEquipment (equipment.ts).
    if ((EQUIPMENT_DETAILS as readonly string[]).includes(f.name)) continue;
    if (f.name === EQUIPMENT) {
      closeTo(0);
      out += writeEquipment(rec, depth, escapeText);
      continue;
    }
    const parts = f.name.split('/');
    const parents = parts.slice(0, -1);
    let common = 0;
    while (common < open.length && common < parents.length && open[common] === parents[common])
      common++;
    closeTo(common);
    for (const p of parents.slice(common)) {
      out += `${pad(depth + open.length)}<${p}>\n`;
      open = [...open, p];
    }
    const leaf = parts[parts.length - 1]!;
    out += `${pad(depth + open.length)}<${leaf}>${escapeText(value)}</${leaf}>\n`;
  }
  closeTo(0);
  return out;
}
