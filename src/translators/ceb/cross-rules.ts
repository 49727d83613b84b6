import {
  abs,
  add,
  compare,
  formatDecimal,
  mul,
  parseDecimal,
  sub,
  type Decimal,
} from '../decimal.js';
import type { DecRecord } from '../model/record.js';
import type { TranslateProblem } from '../source/problems.js';
import { layoutProblem } from '../validation/field-problem.js';
import type { CebLayout } from './layout.js';

/** Amounts may differ by rounding in the enterprise's system; customs accept a cent (§10). */
const CENT = parseDecimal('0.01')!;
/** An Order / Inventory holds at most 99 items (XSD maxOccurs and §5.1). */
export const CEB_MAX_ITEMS = 99;

const num = (rec: DecRecord | undefined, name: string): Decimal | undefined => {
  const v = rec?.fields.get(name)?.value ?? '';
  return /^-?\d+(\.\d+)?$/.test(v) ? parseDecimal(v) : undefined;
};
const val = (rec: DecRecord | undefined, name: string): string =>
  rec?.fields.get(name)?.value ?? '';

/**
 * The CEB cross-field rules of §10: CEB311 acturalPaid = goodsValue + freight + taxTotal − discount,
 * totalPrice = price × qty (±0.01); CEB621 grossWeight ≥ netWeight, qty2/unit2 together, 保税 1210
 * needs emsNo/areaCode/areaName and country 142, 直购 9610 needs trafNo/voyageNo/billNo; ≤ 99 items.
 * Shape rules (tradeMode ∈ {9610,1210}, packNo = 1, currency 142) live in the layout.
 */
export function cebCrossRules(
  layout: CebLayout,
  blocks: ReadonlyMap<string, readonly DecRecord[]>,
  file: string,
): TranslateProblem[] {
  const out: TranslateProblem[] = [];
  const headKey = layout.headBlock;
  const head = blocks.get(headKey)?.[0];
  const items = blocks.get(layout.itemBlock) ?? [];
  const p = (
    rule: string,
    block: string,
    index: number | undefined,
    name: string,
    rec: DecRecord | undefined,
    zh: string,
    en: string,
    fixZh?: string,
    fixEn?: string,
  ): void => {
    out.push(
      layoutProblem(layout, rule, block, index, name, rec, file, zh, en, {
        ...(fixZh ? { fixZh } : {}),
        ...(fixEn ? { fixEn } : {}),
      }),
    );
  };

  if (items.length === 0)
    p(
      'items-missing',
      layout.itemBlock,
      undefined,
      'gnum',
      head,
      '没有商品记录',
      'there are no item records',
      '至少提供一条商品',
      'provide at least one item',
    );
  if (items.length > CEB_MAX_ITEMS) {
    p(
      'max-items',
      layout.itemBlock,
      CEB_MAX_ITEMS,
      'gnum',
      items[CEB_MAX_ITEMS],
      `商品共 ${items.length} 项，一票最多 ${CEB_MAX_ITEMS} 项`,
      `${items.length} items, an order or inventory holds at most ${CEB_MAX_ITEMS}`,
      '把商品拆到多个订单/清单',
      'split the items over several orders / inventories',
    );
  }
  items.forEach((rec, i) => {
    const [price, qty, total] = [num(rec, 'price'), num(rec, 'qty'), num(rec, 'totalPrice')];
    if (price && qty && total && compare(abs(sub(mul(price, qty), total)), CENT) > 0) {
      p(
        'total-price',
        layout.itemBlock,
        i,
        'totalPrice',
        rec,
        `总价 ${val(rec, 'totalPrice')} 不等于单价 × 数量（${val(rec, 'price')} × ${val(rec, 'qty')}）`,
        `totalPrice ${val(rec, 'totalPrice')} is not price × qty (${val(rec, 'price')} × ${val(rec, 'qty')})`,
        '核对单价、数量和总价',
        'check price, quantity and total',
      );
    }
    if (layout.message === 'CEB621' && (val(rec, 'qty2') === '') !== (val(rec, 'unit2') === '')) {
      const missing = val(rec, 'qty2') === '' ? 'qty2' : 'unit2';
      p(
        'qty2-unit2',
        layout.itemBlock,
        i,
        missing,
        rec,
        '第二数量与第二计量单位须同时填写或同时为空',
        'qty2 and unit2 must both be given or both be empty',
        '补齐或删去第二数量/单位',
        'complete or remove the second quantity / unit',
      );
    }
  });

  if (layout.message === 'CEB311' && head) {
    const [goods, freight, tax, discount, paid] = [
      'goodsValue',
      'freight',
      'taxTotal',
      'discount',
      'acturalPaid',
    ].map((n) => num(head, n));
    if (goods && freight && tax && discount && paid) {
      const expect = sub(add(add(goods, freight), tax), discount);
      if (compare(abs(sub(expect, paid)), CENT) > 0) {
        p(
          'actural-paid',
          headKey,
          undefined,
          'acturalPaid',
          head,
          `实际支付金额 ${val(head, 'acturalPaid')} 不等于 商品价格 + 运杂费 + 代扣税款 − 非现金抵扣 = ${formatDecimal(expect)}`,
          `acturalPaid ${val(head, 'acturalPaid')} is not goodsValue + freight + taxTotal − discount = ${formatDecimal(expect)}`,
          '核对订单金额',
          'check the order amounts',
        );
      }
    }
  }
  if (layout.message === 'CEB621' && head) {
    const [gross, net] = [num(head, 'grossWeight'), num(head, 'netWeight')];
    if (gross && net && compare(gross, net) < 0) {
      p(
        'gross-net',
        headKey,
        undefined,
        'grossWeight',
        head,
        `毛重 ${val(head, 'grossWeight')} 小于净重 ${val(head, 'netWeight')}`,
        `grossWeight ${val(head, 'grossWeight')} is less than netWeight ${val(head, 'netWeight')}`,
        '毛重应不小于净重',
        'gross weight must be at least the net weight',
      );
    }
    const mode = val(head, 'tradeMode');
    const need =
      mode === '1210'
        ? ['emsNo', 'areaCode', 'areaName']
        : mode === '9610'
          ? ['trafNo', 'voyageNo', 'billNo']
          : [];
    for (const n of need) {
      if (val(head, n) === '')
        p(
          'trade-mode-field',
          headKey,
          undefined,
          n,
          head,
          `贸易方式 ${mode}（${mode === '1210' ? '保税' : '直购'}）时必填`,
          `required for tradeMode ${mode} (${mode === '1210' ? 'bonded' : 'direct purchase'})`,
        );
    }
    if (mode === '1210' && val(head, 'country') !== '' && val(head, 'country') !== '142') {
      p(
        'bonded-country',
        headKey,
        undefined,
        'country',
        head,
        `保税进口（1210）起运国应为 142（中国），实际为 ${val(head, 'country')}`,
        `bonded import (1210) must have country 142 (China), found ${val(head, 'country')}`,
      );
    }
  }
  return out;
}
