import {
  add,
  compare,
  divide,
  formatDecimal,
  mul,
  parseDecimal,
  sub,
  ZERO,
  type Decimal,
} from '../decimal.js';
import type { DecModel, DecRecord, FieldValue } from '../model/record.js';
import { recordsOf, singleOf, valueOf } from '../model/record.js';
import { CLIENT_SEQ_NO_MAX, type BlockKey } from '../dec/fields.js';
import { problem, type TranslateProblem } from '../source/problems.js';
import type { Mapping } from './schema.js';
import { readNumber } from './values.js';

/** One declaration's share of the input items: indices into the items section. */
export interface Part {
  /** 1-based part number (the {n} of the ClientSeqNo pattern). */
  readonly n: number;
  readonly itemIndices: readonly number[];
}

/** Consecutive runs of at most `maxItems` items. */
export function planParts(itemCount: number, maxItems: number): Part[] {
  const parts: Part[] = [];
  for (let start = 0, n = 1; start < itemCount; start += maxItems, n++) {
    parts.push({
      n,
      itemIndices: Array.from(
        { length: Math.min(maxItems, itemCount - start) },
        (_, i) => start + i,
      ),
    });
  }
  return parts;
}

function withField(rec: DecRecord, name: string, value: string): DecRecord {
  const fields = new Map(rec.fields);
  const old = rec.fields.get(name);
  fields.set(name, { value, ...(old?.origin ? { origin: old.origin } : {}) } satisfies FieldValue);
  return { ...rec, fields };
}

function replaceSingle(
  blocks: Map<BlockKey, readonly DecRecord[]>,
  key: BlockKey,
  rec: DecRecord,
): void {
  blocks.set(key, [rec]);
}

/**
 * Shares head totals among the parts in proportion to each part's sum of `by`: parts but the
 * last are rounded (weights to 3 decimals, PackNo to whole packages, at least 1), the last part
 * takes the remainder so the parts add up to the total exactly.
 */
function shares(
  total: Decimal,
  weights: readonly Decimal[],
  digits: number,
  minimum: Decimal | undefined,
): Decimal[] | undefined {
  const sum = weights.reduce(add, ZERO);
  if (compare(sum, ZERO) <= 0) return undefined;
  const out: Decimal[] = [];
  let used: Decimal = ZERO;
  weights.forEach((w, k) => {
    if (k === weights.length - 1) {
      out.push(sub(total, used));
      return;
    }
    let s = divide(mul(total, w), sum, digits);
    if (minimum && compare(s, minimum) < 0) s = minimum;
    out.push(s);
    used = add(used, s);
  });
  const last = out[out.length - 1]!;
  if (compare(last, minimum ?? ZERO) < 0) return undefined;
  return out;
}

/**
 * Turns the per-part models of a split input into linked declarations: ClientSeqNo from the
 * pattern (`{base}-{n}`), apportioned head totals, and container item lists renumbered to the
 * part's own GNo (containers holding none of the part's items are left out).
 */
export function linkParts(
  full: DecModel,
  parts: readonly Part[],
  models: readonly DecModel[],
  mapping: Mapping,
  file: string,
): { models: DecModel[]; problems: TranslateProblem[] } {
  const problems: TranslateProblem[] = [];
  const { split } = mapping;
  const fullItems = recordsOf(full, 'DecList');
  const byValues = fullItems.map((r) => readNumber(valueOf(r, split.by)));
  const head = singleOf(full, 'DecHead');
  const totals = new Map<string, Decimal[] | undefined>();
  for (const name of split.apportion) {
    const total = readNumber(valueOf(head, name));
    const badIndex = byValues.findIndex((v) => v === undefined);
    if (!total) continue; // the validator reports the empty or malformed total
    if (badIndex >= 0) {
      problems.push(
        problem(
          'split-by',
          fullItems[badIndex]?.fields.get(split.by)?.origin ??
            fullItems[badIndex]?.origin ?? { file },
          `拆分时按 ${split.by} 分摊 ${name}，但第 ${badIndex + 1} 项商品没有数值`,
          `splitting shares ${name} by ${split.by}, but item ${badIndex + 1} has no number there`,
          { field: `DecList[${badIndex + 1}].${split.by}` },
        ),
      );
      break;
    }
    const weights = parts.map((p) => p.itemIndices.reduce((s, i) => add(s, byValues[i]!), ZERO));
    const digits = name === 'PackNo' ? 0 : 3;
    const result = shares(
      total,
      weights,
      digits,
      name === 'PackNo' ? parseDecimal('1') : undefined,
    );
    if (!result) {
      problems.push(
        problem(
          'split-apportion',
          head.fields.get(name)?.origin ?? { file },
          `无法把 ${name} = ${valueOf(head, name)} 分摊到 ${parts.length} 份报关单`,
          `${name} = ${valueOf(head, name)} cannot be shared among ${parts.length} declarations`,
          { field: `DecHead.${name}` },
        ),
      );
    }
    totals.set(name, result);
  }
  const base = valueOf(singleOf(full, 'DecSign'), 'ClientSeqNo');
  const partKey = (n: number): string =>
    split.clientSeqNo.replace('{base}', base).replace('{n}', String(n));
  const longest = partKey(parts.length);
  if (base !== '' && longest.length > CLIENT_SEQ_NO_MAX) {
    const room = CLIENT_SEQ_NO_MAX - (longest.length - base.length);
    const sign = singleOf(full, 'DecSign');
    problems.push(
      problem(
        'split-client-seq-no',
        sign.fields.get('ClientSeqNo')?.origin ?? sign.origin ?? { file },
        `拆分后的客户端唯一编号“${longest}”有 ${longest.length} 位，超过 18 位上限`,
        `the ClientSeqNo of a split part, "${longest}", has ${longest.length} characters, more than the limit of 18`,
        {
          field: 'DecSign.ClientSeqNo',
          fieldZh: '客户端唯一编号',
          fixZh:
            room > 0
              ? `拆分的文件请把客户端编号缩短到最多 ${room} 位（拆分格式 ${split.clientSeqNo} 还要加 ${longest.length - base.length} 位），或改短映射中的 split.clientSeqNo`
              : `映射中的 split.clientSeqNo（${split.clientSeqNo}）太长，请缩短`,
          fixEn:
            room > 0
              ? `for a file that is split, shorten its ClientSeqNo to at most ${room} characters (the split pattern ${split.clientSeqNo} adds ${longest.length - base.length}), or shorten split.clientSeqNo in the mapping`
              : `split.clientSeqNo (${split.clientSeqNo}) in the mapping is too long; shorten it`,
        },
      ),
    );
  }
  // An origin-proof pair for an item the file does not have would fall out of every part.
  recordsOf(full, 'EcoRelation').forEach((r, i) => {
    const g = Number(valueOf(r, 'DecGNo'));
    if (Number.isInteger(g) && g >= 1 && g <= fullItems.length) return;
    problems.push(
      problem(
        'eco-items',
        r.fields.get('DecGNo')?.origin ?? r.origin ?? { file },
        `原产地证明对应关系第 ${i + 1} 条的报关单商品项号“${valueOf(r, 'DecGNo')}”不在 1..${fullItems.length} 内`,
        `origin-proof pair ${i + 1}: declaration item "${valueOf(r, 'DecGNo')}" is not within 1..${fullItems.length}`,
        { field: `EcoRelation[${i + 1}].DecGNo` },
      ),
    );
  });
  const out = models.map((m, k) => {
    const part = parts[k]!;
    const blocks = new Map(m.blocks);
    let h = singleOf(m, 'DecHead');
    for (const [name, values] of totals)
      if (values) h = withField(h, name, formatDecimal(values[k]!));
    replaceSingle(blocks, 'DecHead', h);
    replaceSingle(
      blocks,
      'DecSign',
      withField(singleOf(m, 'DecSign'), 'ClientSeqNo', partKey(part.n)),
    );
    const renumber = new Map(part.itemIndices.map((orig, i) => [String(orig + 1), String(i + 1)]));
    const containers: DecRecord[] = [];
    for (const c of recordsOf(m, 'Container')) {
      const goods = valueOf(c, 'GoodsNo');
      if (goods === '') {
        containers.push(c);
        continue;
      }
      const mine = goods
        .split(',')
        .map((g) => renumber.get(g.trim()))
        .filter((g): g is string => g !== undefined);
      if (mine.length > 0) containers.push(withField(c, 'GoodsNo', mine.join(',')));
    }
    if (blocks.has('Container')) blocks.set('Container', containers);
    // Origin-proof pairs (EcoRelation) follow their item into its part, renumbered.
    if (blocks.has('EcoRelation'))
      blocks.set(
        'EcoRelation',
        recordsOf(m, 'EcoRelation').flatMap((r) => {
          const g = renumber.get(valueOf(r, 'DecGNo').trim());
          return g === undefined ? [] : [withField(r, 'DecGNo', g)];
        }),
      );
    return { ...m, blocks };
  });
  return { models: out, problems };
}
