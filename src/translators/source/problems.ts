import type { ErrorDetail } from '../../core/errors.js';
import { formatPos, type SourcePos } from './position.js';

/**
 * An ErrorDetail that also carries machine-readable parts: the rule broken, the source position
 * and the target field. It is still a plain ErrorDetail for everything that only knows those.
 */
export interface TranslateProblem extends ErrorDetail {
  /** Stable rule id, e.g. `required`, `hs-code`, `uscc-check`, `csv-columns`. */
  readonly rule: string;
  readonly source?: SourcePos;
  /** The target field's Chinese name, e.g. 商品编号. */
  readonly fieldZh?: string;
}

/** Builds a problem whose `where` is the formatted position. */
export function problem(
  rule: string,
  pos: SourcePos | undefined,
  zh: string,
  en: string,
  extra: { field?: string; fieldZh?: string; fixZh?: string; fixEn?: string } = {},
): TranslateProblem {
  return {
    rule,
    ...(pos ? { where: formatPos(pos), source: pos } : {}),
    ...(extra.field !== undefined ? { field: extra.field } : {}),
    ...(extra.fieldZh !== undefined ? { fieldZh: extra.fieldZh } : {}),
    zh,
    en,
    ...(extra.fixZh !== undefined ? { fixZh: extra.fixZh } : {}),
    ...(extra.fixEn !== undefined ? { fixEn: extra.fixEn } : {}),
  };
}

/** Refuses an over-long cell; shared by every reader. */
export function hugeCell(pos: SourcePos, length: number, max: number): TranslateProblem {
  return problem(
    'huge-cell',
    pos,
    `单元格内容过长（${length} 个字符，上限 ${max}）`,
    `cell too long (${length} characters, limit ${max})`,
    {
      fixZh: '检查是否误把整段文本或其他数据粘贴进了单元格',
      fixEn: 'check that no block of text or other data was pasted into the cell',
    },
  );
}
