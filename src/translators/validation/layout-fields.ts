import type { CodeTables } from '../codes/code-tables.js';
import type { FieldSpec } from '../model/field-spec.js';
import type { DecRecord } from '../model/record.js';
import type { TranslateProblem } from '../source/problems.js';
import { checkValue } from './field-rules.js';
import { layoutProblem, type FieldLabeller } from './field-problem.js';

/**
 * Required fields and value shapes (lengths, N19,5, enumerations, patterns, HS and container
 * check digits) of every record of every block, against the family layout. Shared by the CEB
 * and manifest families; `skip` holds fields the mapping stage already reported.
 */
export function checkLayoutFields(
  layout: FieldLabeller & {
    readonly blocks: readonly { key: string; repeated: boolean; fields: readonly FieldSpec[] }[];
  },
  blocks: ReadonlyMap<string, readonly DecRecord[]>,
  codes: CodeTables,
  file: string,
  skip: ReadonlySet<string>,
): TranslateProblem[] {
  const out: TranslateProblem[] = [];
  for (const spec of layout.blocks) {
    const recs = blocks.get(spec.key) ?? [];
    recs.forEach((rec, i) => {
      const index = spec.repeated ? i : undefined;
      for (const f of spec.fields) {
        if (skip.has(layout.label(spec.key, index, f.name).field)) continue;
        const v = rec.fields.get(f.name)?.value ?? '';
        if (v === '') {
          if (f.required)
            out.push(
              layoutProblem(
                layout,
                'required',
                spec.key,
                index,
                f.name,
                rec,
                file,
                '必填项为空',
                'is required but empty',
                {
                  fixZh: '填写此项，或在映射中配置 default / const',
                  fixEn: 'fill it in, or give it a default / const in the mapping',
                },
              ),
            );
          continue;
        }
        const issue = checkValue(v, f, codes);
        if (issue)
          out.push(
            layoutProblem(
              layout,
              issue.rule,
              spec.key,
              index,
              f.name,
              rec,
              file,
              issue.zh,
              issue.en,
              {
                ...(issue.fixZh ? { fixZh: issue.fixZh } : {}),
                ...(issue.fixEn ? { fixEn: issue.fixEn } : {}),
              },
            ),
          );
      }
    });
  }
  return out;
}
