import { blockSpec, type BlockKey } from '../dec/fields.js';
import type { DecRecord } from '../model/record.js';
import { problem, type TranslateProblem } from '../source/problems.js';
import type { SourcePos } from '../source/position.js';

/**
 * The one way a field-level problem is built, for every family: the field labelled by its
 * layout (DecMessage, CEB, manifest, 金二) and positioned at the enterprise's own cell, element or
 * mapping entry.
 */

/** How a field is named in messages: `DecList[3].CodeTS`, 商品第 3 项的商品编号（CodeTS）. */
export interface FieldLabel {
  readonly field: string;
  readonly fieldZh: string;
  readonly zh: string;
  readonly en: string;
}

/** What names the fields of one layout; a mapping TargetLayout is one. */
export interface FieldLabeller {
  label(block: string, index: number | undefined, name: string): FieldLabel;
}

/** Labels of the DecMessage layout (dec/fields.ts). */
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

/** Optional fix text of a problem. */
export interface ProblemFix {
  readonly fixZh?: string | undefined;
  readonly fixEn?: string | undefined;
}

/** A problem about one field of one record, labelled by `layout` and positioned. */
export function layoutProblem(
  layout: FieldLabeller,
  rule: string,
  block: string,
  index: number | undefined,
  name: string,
  rec: DecRecord | undefined,
  file: string,
  zh: string,
  en: string,
  fix: ProblemFix = {},
): TranslateProblem {
  const l = layout.label(block, index, name);
  return problem(rule, positionOf(rec, name, file), `${l.zh}：${zh}`, `${l.en}: ${en}`, {
    field: l.field,
    fieldZh: l.fieldZh,
    ...(fix.fixZh !== undefined ? { fixZh: fix.fixZh } : {}),
    ...(fix.fixEn !== undefined ? { fixEn: fix.fixEn } : {}),
  });
}

const DEC_LABELS: FieldLabeller = {
  label: (block, index, name) => fieldLabel(block as BlockKey, index, name),
};

/** A problem about one field of a DecMessage record. */
export function fieldProblem(
  rule: string,
  block: BlockKey,
  index: number | undefined,
  name: string,
  rec: DecRecord | undefined,
  file: string,
  zh: string,
  en: string,
  fix: ProblemFix = {},
): TranslateProblem {
  return layoutProblem(DEC_LABELS, rule, block, index, name, rec, file, zh, en, fix);
}
