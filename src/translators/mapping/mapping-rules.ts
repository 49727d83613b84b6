import type { ErrorCode } from '../../core/errors.js';
import type { TranslateProblem } from '../source/problems.js';

/**
 * Problem rules that say the mapping file is wrong rather than the enterprise's data: a value map
 * or lookup without the value, a unit, a `sum` over a non-number, a `ref` cycle, a missing or
 * over-full section, and the split settings. One table for every mapped family; a family whose
 * mapping has no split simply never reports the split rules.
 */
export const MAPPING_RULES: ReadonlySet<string> = new Set([
  'value-map',
  'lookup',
  'unit',
  'sum-operand',
  'mapping-cycle',
  'section-missing',
  'section-records',
  'split-by',
  'split-apportion',
]);

/** GW_ERR_TRANSLATE_MAPPING when any problem is the mapping's, else GW_ERR_VALIDATION. */
export function problemsCode(problems: readonly TranslateProblem[]): ErrorCode {
  return problems.some((p) => MAPPING_RULES.has(p.rule))
    ? 'GW_ERR_TRANSLATE_MAPPING'
    : 'GW_ERR_VALIDATION';
}
