import { abs, add, compare, formatDecimal, parseDecimal, sub, type Decimal } from '../decimal.js';
import type { DecRecord } from '../model/record.js';
import type { TranslateProblem } from '../source/problems.js';
import { layoutProblem } from '../validation/field-problem.js';
import type { Jin2Layout } from './layout.js';

/** Weights are compared to 0.01 kg: enterprises round. */
const CENTI = parseDecimal('0.01')!;

const num = (rec: DecRecord | undefined, name: string): Decimal | undefined => {
  const v = rec?.fields.get(name)?.value ?? '';
  return /^\d+(\.\d+)?$/.test(v) ? parseDecimal(v) : undefined;
};
const val = (rec: DecRecord | undefined, name: string): string =>
  rec?.fields.get(name)?.value ?? '';

/**
 * Rules across fields of a 金二 message: gross weight not below net weight (heads and items),
 * 核放单 totalWt = vehicleWt + vehicleFrameWt + containerWt + totalGrossWt (as in the SAS221 sample),
 * sequence numbers unique, and each 出入库单 linked at most once to a 集报 核注清单 (SasCentDclStock).
 */
export function jin2CrossRules(
  layout: Jin2Layout,
  blocks: ReadonlyMap<string, readonly DecRecord[]>,
  file: string,
): TranslateProblem[] {
  const out: TranslateProblem[] = [];
  const p = (
    rule: string,
    block: string,
    index: number | undefined,
    name: string,
    rec: DecRecord | undefined,
    zh: string,
    en: string,
    fixZh: string,
    fixEn: string,
  ): void => {
    out.push(layoutProblem(layout, rule, block, index, name, rec, file, zh, en, { fixZh, fixEn }));
  };
  const grossNet = (
    block: string,
    index: number | undefined,
    rec: DecRecord,
    gross: string,
    net: string,
  ): void => {
    const g = num(rec, gross);
    const n = num(rec, net);
    if (g && n && compare(g, n) < 0) {
      p(
        'gross-net',
        block,
        index,
        gross,
        rec,
        `毛重 ${val(rec, gross)} 小于净重 ${val(rec, net)}`,
        `gross weight ${val(rec, gross)} is less than net weight ${val(rec, net)}`,
        '核对毛重与净重是否填反',
        'check whether gross and net weight were swapped',
      );
    }
  };
  for (const spec of layout.blocks) {
    const recs = blocks.get(spec.key) ?? [];
    const names = new Set(spec.fields.map((f) => f.name));
    const seqField = spec.fields.find((f) => /Seqno$/.test(f.name) && f.required)?.name;
    const seen = new Map<string, number>();
    recs.forEach((rec, i) => {
      const index = spec.repeated ? i : undefined;
      if (names.has('grossWt') && names.has('netWt'))
        grossNet(spec.key, index, rec, 'grossWt', 'netWt');
      if (names.has('totalGrossWt') && names.has('totalNetWt'))
        grossNet(spec.key, index, rec, 'totalGrossWt', 'totalNetWt');
      if (spec.repeated && seqField) {
        const s = val(rec, seqField);
        const first = seen.get(s);
        if (s !== '' && first !== undefined) {
          p(
            'duplicate-seq',
            spec.key,
            index,
            seqField,
            rec,
            `序号 ${s} 与第 ${first + 1} 项重复`,
            `sequence number ${s} repeats item ${first + 1}`,
            '每项使用不同的序号（映射中可用 seq: true 自动编号）',
            'give each item its own number (seq: true in the mapping numbers them)',
          );
        } else if (s !== '') seen.set(s, i);
      }
    });
  }
  const passport = blocks.get('SasPassportBsc')?.[0];
  if (layout.message === 'SAS121' && passport) {
    const parts = ['vehicleWt', 'vehicleFrameWt', 'containerWt', 'totalGrossWt'].map(
      (n) => num(passport, n) ?? parseDecimal('0')!,
    );
    const total = num(passport, 'totalWt');
    const sum = parts.reduce((a, b) => add(a, b));
    if (total && compare(abs(sub(total, sum)), CENTI) > 0) {
      p(
        'total-weight',
        'SasPassportBsc',
        undefined,
        'totalWt',
        passport,
        `总重量 ${val(passport, 'totalWt')} 不等于车自重 + 车架重 + 集装箱重 + 货物总毛重 = ${formatDecimal(sum)}`,
        `totalWt ${val(passport, 'totalWt')} is not vehicleWt + vehicleFrameWt + containerWt + totalGrossWt = ${formatDecimal(sum)}`,
        '按过磅组成重新计算总重量',
        'recompute the total weight from its parts',
      );
    }
  }
  const stocks = blocks.get('SasCentDclStock') ?? [];
  const linked = new Map<string, number>();
  stocks.forEach((rec, i) => {
    const no = val(rec, 'sasStockNo');
    const first = linked.get(no);
    if (no !== '' && first !== undefined) {
      p(
        'duplicate-stock',
        'SasCentDclStock',
        i,
        'sasStockNo',
        rec,
        `出入库单 ${no} 已在第 ${first + 1} 行关联，同一出入库单只能集报一次`,
        `出入库单 ${no} is already linked in row ${first + 1}; a stock slip is reported once`,
        '删除重复的出入库单行',
        'remove the repeated stock-slip row',
      );
    } else if (no !== '') linked.set(no, i);
  });
  if (layout.keyField) {
    const head = blocks.get(layout.headBlock)?.[0];
    if (val(head, layout.keyField) === '') {
      p(
        'key-missing',
        layout.headBlock,
        undefined,
        layout.keyField,
        head,
        '企业内部编号为空：回执按它关联',
        'the enterprise number is empty: receipts are matched on it',
        '填写企业内部编号（每份单证唯一）',
        'fill in the enterprise number (unique per document)',
      );
    }
  }
  return out;
}
