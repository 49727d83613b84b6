import type { CodeTables } from '../codes/code-tables.js';
import {
  abs,
  add,
  compare,
  mul,
  parseDecimal,
  sub,
  ZERO,
  type Decimal,
  formatDecimal,
} from '../decimal.js';
import { recordsOf, singleOf, valueOf, type DecModel } from '../model/record.js';
import type { TranslateProblem } from '../source/problems.js';
import type { DecRuleSettings } from './dec-rule-settings.js';
import { fieldProblem } from './field-problem.js';

/** Settings of the cross-field rules. */
export interface CrossRuleOptions {
  readonly codes: CodeTables;
  readonly file: string;
  /** Largest accepted |DeclTotal - DeclPrice x GQty|. */
  readonly totalTolerance: Decimal;
  /** Most DecList items one 报关单 may hold (50). */
  readonly maxItems: number;
  /** Configurable facts of the transit and 减免税 rules. */
  readonly rules: DecRuleSettings;
}

type Rule = (m: DecModel, o: CrossRuleOptions, out: TranslateProblem[]) => void;

const dec = (s: string): Decimal | undefined =>
  /^\d+(\.\d+)?$/.test(s) ? parseDecimal(s) : undefined;

/** A 报关单 holds 1 to 50 items. */
const itemCount: Rule = (m, o, out) => {
  const items = recordsOf(m, 'DecList');
  const head = singleOf(m, 'DecHead');
  if (items.length === 0) {
    out.push(
      fieldProblem(
        'no-items',
        'DecList',
        undefined,
        'GNo',
        head,
        o.file,
        '报关单没有商品',
        'the declaration has no items',
        { fixZh: '至少填写一项商品', fixEn: 'add at least one item' },
      ),
    );
  }
  if (items.length > o.maxItems) {
    out.push(
      fieldProblem(
        'max-items',
        'DecList',
        o.maxItems,
        'GNo',
        items[o.maxItems],
        o.file,
        `商品共 ${items.length} 项，一份报关单最多 ${o.maxItems} 项`,
        `${items.length} items, a declaration holds at most ${o.maxItems}`,
        {
          fixZh: `把商品分成多份报关单，或在映射中设置 split.mode: split 自动拆分`,
          fixEn:
            'split the items over several declarations, or set split.mode: split in the mapping',
        },
      ),
    );
  }
};

/** GNo runs 1, 2, 3 … without gaps or repeats. */
const contiguousGNo: Rule = (m, o, out) => {
  recordsOf(m, 'DecList').forEach((r, i) => {
    const g = valueOf(r, 'GNo');
    if (g !== '' && g !== String(i + 1)) {
      out.push(
        fieldProblem(
          'gno-sequence',
          'DecList',
          i,
          'GNo',
          r,
          o.file,
          `商品序号应为 ${i + 1}，实际为 ${g}（须从 1 开始连续编号）`,
          `item number should be ${i + 1}, found ${g} (numbers run from 1 without gaps)`,
        ),
      );
    }
  });
};

/** DeclTotal ≈ DeclPrice × GQty. */
const totals: Rule = (m, o, out) => {
  recordsOf(m, 'DecList').forEach((r, i) => {
    const price = dec(valueOf(r, 'DeclPrice'));
    const qty = dec(valueOf(r, 'GQty'));
    const total = dec(valueOf(r, 'DeclTotal'));
    if (!price || !qty || !total) return;
    const product = mul(price, qty);
    if (compare(abs(sub(total, product)), o.totalTolerance) > 0) {
      const p = formatDecimal(product, { decimals: 2, fixed: true });
      out.push(
        fieldProblem(
          'total-mismatch',
          'DecList',
          i,
          'DeclTotal',
          r,
          o.file,
          `申报总价 ${valueOf(r, 'DeclTotal')} 与 单价×数量 = ${p} 不符（允差 ${formatDecimal(o.totalTolerance)}）`,
          `total ${valueOf(r, 'DeclTotal')} does not match price × quantity = ${p} (tolerance ${formatDecimal(o.totalTolerance)})`,
          {
            fixZh: '核对单价、数量和总价',
            fixEn: 'check price, quantity and total',
          },
        ),
      );
    }
  });
};

/** GrossWet >= NetWt > 0 (positivity itself is a field rule). */
const weights: Rule = (m, o, out) => {
  const h = singleOf(m, 'DecHead');
  const gross = dec(valueOf(h, 'GrossWet'));
  const net = dec(valueOf(h, 'NetWt'));
  if (gross && net && compare(gross, net) < 0) {
    out.push(
      fieldProblem(
        'gross-net',
        'DecHead',
        undefined,
        'GrossWet',
        h,
        o.file,
        `毛重 ${valueOf(h, 'GrossWet')} 小于净重 ${valueOf(h, 'NetWt')}`,
        `gross weight ${valueOf(h, 'GrossWet')} is less than net weight ${valueOf(h, 'NetWt')}`,
        {
          fixZh: '毛重含包装，应不小于净重',
          fixEn: 'gross weight includes packing and cannot be below net weight',
        },
      ),
    );
  }
  // When the mapping supplies each item's net weight (@NetWt), the head must agree with their sum.
  const items = recordsOf(m, 'DecList');
  if (net && items.length > 0 && items.every((r) => dec(valueOf(r, '@NetWt')))) {
    const sum = items.reduce((s, r) => add(s, dec(valueOf(r, '@NetWt'))!), ZERO);
    const tol = parseDecimal('0.01')!;
    if (compare(abs(sub(sum, net)), tol) > 0) {
      out.push(
        fieldProblem(
          'net-sum',
          'DecHead',
          undefined,
          'NetWt',
          h,
          o.file,
          `表头净重 ${valueOf(h, 'NetWt')} 与各项商品净重之和 ${formatDecimal(sum)} 不符`,
          `head net weight ${valueOf(h, 'NetWt')} differs from the sum of the items' net weights ${formatDecimal(sum)}`,
        ),
      );
    }
  }
};

/** SecondQty and SecondUnit come together. */
const secondQty: Rule = (m, o, out) => {
  recordsOf(m, 'DecList').forEach((r, i) => {
    const q = valueOf(r, 'SecondQty');
    const u = valueOf(r, 'SecondUnit');
    if ((q === '') !== (u === '')) {
      const missing = q === '' ? 'SecondQty' : 'SecondUnit';
      out.push(
        fieldProblem(
          'second-qty-pair',
          'DecList',
          i,
          missing,
          r,
          o.file,
          '法定第二数量和第二计量单位须同时填写或同时为空',
          'second quantity and second unit are filled together or not at all',
        ),
      );
    }
  });
};

/** Freight, insurance and other charges: a rate needs its mark, an amount needs its currency. */
const charges: Rule = (m, o, out) => {
  const h = singleOf(m, 'DecHead');
  for (const [zh, p] of [
    ['运费', 'Fee'],
    ['保险费', 'Insur'],
    ['杂费', 'Other'],
  ] as const) {
    const mark = valueOf(h, `${p}Mark`);
    const rate = valueOf(h, `${p}Rate`);
    const curr = valueOf(h, `${p}Curr`);
    if (rate !== '' && mark === '')
      out.push(
        fieldProblem(
          'charge-fields',
          'DecHead',
          undefined,
          `${p}Mark`,
          h,
          o.file,
          `填了${zh}却没有${zh}标记`,
          `${p}Rate is filled but ${p}Mark is not`,
        ),
      );
    if (mark !== '' && rate === '')
      out.push(
        fieldProblem(
          'charge-fields',
          'DecHead',
          undefined,
          `${p}Rate`,
          h,
          o.file,
          `填了${zh}标记却没有${zh}`,
          `${p}Mark is filled but ${p}Rate is not`,
        ),
      );
    if ((mark === '2' || mark === '3') && curr === '')
      out.push(
        fieldProblem(
          'charge-fields',
          'DecHead',
          undefined,
          `${p}Curr`,
          h,
          o.file,
          `${zh}按单价或总价申报时须填币制`,
          `${p}Curr is required when ${p}Mark is 2 or 3 (amount)`,
        ),
      );
  }
};

/** Containers refer only to existing items. */
const containerGoods: Rule = (m, o, out) => {
  const n = recordsOf(m, 'DecList').length;
  recordsOf(m, 'Container').forEach((r, i) => {
    const bad = valueOf(r, 'GoodsNo')
      .split(',')
      .filter((g) => /^\d+$/.test(g) && (Number(g) < 1 || Number(g) > n));
    if (bad.length > 0)
      out.push(
        fieldProblem(
          'container-goods',
          'Container',
          i,
          'GoodsNo',
          r,
          o.file,
          `引用了不存在的商品序号 ${bad.join(',')}（共 ${n} 项）`,
          `refers to item numbers ${bad.join(',')} that do not exist (${n} items)`,
        ),
      );
  });
  const ids = recordsOf(m, 'Container').map((r) => valueOf(r, 'ContainerId'));
  ids.forEach((id, i) => {
    if (id !== '' && ids.indexOf(id) !== i)
      out.push(
        fieldProblem(
          'container-duplicate',
          'Container',
          i,
          'ContainerId',
          recordsOf(m, 'Container')[i],
          o.file,
          `集装箱号 ${id} 重复`,
          `container ${id} is listed twice`,
        ),
      );
  });
};

/** NoOtherPack agrees with the DecOtherPacks block. */
const otherPackFlag: Rule = (m, o, out) => {
  const h = singleOf(m, 'DecHead');
  const flag = valueOf(h, 'NoOtherPack');
  const has = recordsOf(m, 'DecOtherPack').length > 0;
  if ((flag === '1' && has) || (flag === '0' && !has)) {
    out.push(
      fieldProblem(
        'other-pack-flag',
        'DecHead',
        undefined,
        'NoOtherPack',
        h,
        o.file,
        has ? '填了其他包装，“无其他包装”应为 0' : '没有其他包装，“无其他包装”应为 1',
        has
          ? 'other packages are listed, so NoOtherPack must be 0'
          : 'no other packages are listed, so NoOtherPack must be 1',
      ),
    );
  }
};

/** Trade mode and levy nature pairs known from the filling rules (codes/tables/trade-levy-rules.json). */
const tradeLevy: Rule = (m, o, out) => {
  const h = singleOf(m, 'DecHead');
  const trade = valueOf(h, 'TradeMode');
  const cut = valueOf(h, 'CutMode');
  if (trade === '' || cut === '') return;
  for (const rule of o.codes.tradeLevyRules) {
    if (!rule.tradeModes.includes(trade)) continue;
    const ok =
      (!rule.cutModes || rule.cutModes.includes(cut)) && !(rule.notCutModes ?? []).includes(cut);
    if (!ok) {
      const allowed = rule.cutModes ? `（应为 ${rule.cutModes.join('/')}）` : '';
      out.push(
        fieldProblem(
          'trade-levy',
          'DecHead',
          undefined,
          'CutMode',
          h,
          o.file,
          `监管方式 ${trade} 与征免性质 ${cut} 不一致：${rule.zh}${allowed}`,
          `trade mode ${trade} and levy nature ${cut} do not fit: ${rule.en}`,
        ),
      );
    }
  }
};

/** The signer fills DecSign/Sign; a filled one means a signed or tampered file. */
const signEmpty: Rule = (m, o, out) => {
  const s = singleOf(m, 'DecSign');
  if (valueOf(s, 'Sign') !== '')
    out.push(
      fieldProblem(
        'sign-empty',
        'DecSign',
        undefined,
        'Sign',
        s,
        o.file,
        '签名应留空，由网关签名',
        'must be empty: the gateway signs',
      ),
    );
};

export const CROSS_RULES: readonly Rule[] = [
  itemCount,
  contiguousGNo,
  totals,
  weights,
  secondQty,
  charges,
  containerGoods,
  otherPackFlag,
  tradeLevy,
  signEmpty,
];
