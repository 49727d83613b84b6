import { blockSpec, type BlockKey } from '../dec/fields.js';
import type { DecRecord } from '../model/record.js';
import { problem, type TranslateProblem } from '../source/problems.js';
import type { SourcePos } from '../source/position.js';

/** How a field is named in messages: `DecList[3].CodeTS`, 商品第 3 项的商品编号（CodeTS）. */
export interface FieldLabel {
  readonly field: string;
  readonly fieldZh: string;
  readonly zh: string;
  readonly en: string;
}

export function fieldLabel(block: BlockKey, index: number | undefined, name: string): FieldLabel {
  const spec = blockSpec(block);
  const fieldZh =
    spec.fields.find((f) => f.name === name)?.zh ?? (name === '@NetWt' ? '商品净重' : name);
  const repeated = spec.repeated && index !== undefined;
  return {
    field: repeated ? `${block}[${index + 1}].${name}` : `${block}.${name}`,
    fieldZh,
    zh: repeated
      ? `${spec.zh}第 ${index + 1} 项的${fieldZh}（${name}）`
      : `${spec.zh}的${fieldZh}（${name}）`,
    en: repeated ? `${block} ${index + 1} ${name} (${fieldZh})` : `${block} ${name} (${fieldZh})`,
  };
}

/** The best position for a field: its own origin, else its record's, else the file. */
export function positionOf(rec: DecRecord | undefined, name: string, file: string): SourcePos {
  return rec?.fields.get(name)?.origin ?? rec?.origin ?? { file };
}

/** A problem about one field of one record, labelled and positioned. */
export function fieldProblem(
  rule: string,
  block: BlockKey,
  index: number | undefined,
  name: string,
  rec: DecRecord | undefined,
  file: string,
  zh: string,
  en: string,
  fix: { fixZh?: string | undefined; fixEn?: string | undefined } = {},
): TranslateProblem {
  const l = fieldLabel(block, index, name);
  return problem(rule, positionOf(rec, name, file), `${l.zh}：${zh}`, `${l.en}: ${en}`, {
    field: l.field,
    fieldZh: l.fieldZh,
    ...(fix.fixZh !== undefined ? { fixZh: fix.fixZh } : {}),
    ...(fix.fixEn !== undefined ? { fixEn: fix.fixEn } : {}),
  });
}
