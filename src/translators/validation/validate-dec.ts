import type { CodeTables } from '../codes/code-tables.js';
import { parseDecimal } from '../decimal.js';
import { BLOCKS, fieldSpec, isBlockKey, type FieldSpec } from '../dec/fields.js';
import { singleOf, valueOf, type DecModel } from '../model/record.js';
import { DEFAULT_DEC_RULES, type DecRuleSettings } from './dec-rule-settings.js';
import { DUTY_FREE_RULES } from './duty-free-rules.js';
import { ECO_RULES } from './eco-rules.js';
import { TRANSIT_RULES } from './transit-rules.js';
import type { TranslateProblem } from '../source/problems.js';
import { CROSS_RULES } from './cross-rules.js';
import { checkValue } from './field-rules.js';
import { fieldProblem } from './field-problem.js';

/** True when `path` (Block.Field) names a field validated by exactly the same rule as `spec`. */
function sameRule(path: string, spec: FieldSpec): boolean {
  const [block, name] = path.split('.');
  const other = block && name && isBlockKey(block) ? fieldSpec(block, name) : undefined;
  return (
    other !== undefined &&
    (other.required ?? false) === (spec.required ?? false) &&
    JSON.stringify(other.kind, (_, v: unknown) => (v instanceof RegExp ? v.source : v)) ===
      JSON.stringify(spec.kind, (_, v: unknown) => (v instanceof RegExp ? v.source : v))
  );
}

export interface DecValidationOptions {
  readonly codes: CodeTables;
  /** The input's name, for positions of values without an origin. */
  readonly file: string;
  /** Largest accepted |DeclTotal - DeclPrice x GQty|, decimal text; default 1 (one currency unit). */
  readonly totalTolerance?: string;
  /** Most items per 报关单; default 50. */
  readonly maxItems?: number;
  /** Configurable transit and 减免税 rule facts; default the sourced values. */
  readonly rules?: DecRuleSettings;
}

/**
 * Checks a 报关单 against the filling rules (eport-formats.md §10): every field's shape, length,
 * number format, code table and check characters, then the cross-field rules. Returns every
 * problem found (empty when the message is fine); never throws for bad data.
 */
export function validateDec(model: DecModel, opts: DecValidationOptions): TranslateProblem[] {
  const out: TranslateProblem[] = [];
  // 暂存 (OperType G) needs only the T fields; every other operation declares (D).
  const declares = valueOf(singleOf(model, 'DecSign'), 'OperType') !== 'G';
  for (const spec of BLOCKS) {
    const recs = model.blocks.get(spec.key) ?? [];
    // Single blocks are checked even when absent, so missing required head fields are reported.
    const list = spec.repeated ? recs : [recs[0] ?? { fields: new Map() }];
    list.forEach((rec, i) => {
      const index = spec.repeated ? i : undefined;
      for (const f of spec.fields) {
        const fv = rec.fields.get(f.name);
        // A value the mapping copied from a field with the same rule is checked once, where the
        // enterprise wrote it (CopCodeScc = AgentCodeScc would otherwise report one cell twice).
        if (fv?.copyOf !== undefined && sameRule(fv.copyOf, f)) continue;
        const v = fv?.value ?? '';
        if (v === '') {
          if (f.required || (f.requiredToDeclare && declares)) {
            const fromColumn = rec.fields.get(f.name)?.origin?.columnName;
            out.push(
              fieldProblem(
                'required',
                spec.key,
                index,
                f.name,
                rec,
                opts.file,
                '必填项为空',
                'is required but empty',
                {
                  fixZh: fromColumn
                    ? `在“${fromColumn}”中填写${f.zh}`
                    : `填写${f.zh}，或在映射中为 ${f.name} 配置来源列、常量或默认值`,
                  fixEn: fromColumn
                    ? `fill in "${fromColumn}"`
                    : `fill it in, or give ${f.name} a column, constant or default in the mapping`,
                },
              ),
            );
          }
          continue;
        }
        const issue = checkValue(v, f, opts.codes);
        if (issue)
          out.push(
            fieldProblem(issue.rule, spec.key, index, f.name, rec, opts.file, issue.zh, issue.en, {
              fixZh: issue.fixZh,
              fixEn: issue.fixEn,
            }),
          );
      }
    });
  }
  const cross = {
    codes: opts.codes,
    file: opts.file,
    totalTolerance: parseDecimal(opts.totalTolerance ?? '1') ?? parseDecimal('1')!,
    maxItems: opts.maxItems ?? 50,
    rules: opts.rules ?? DEFAULT_DEC_RULES,
  };
  for (const rule of [...CROSS_RULES, ...TRANSIT_RULES, ...DUTY_FREE_RULES, ...ECO_RULES])
    rule(model, cross, out);
  return out;
}
