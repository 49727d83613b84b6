import { recordsOf, singleOf, valueOf, type DecModel } from '../model/record.js';
import { isTransitDeclaration, TRANSIT_EDI_IDS, TRANSIT_OPER_TYPES } from '../dec/transit.js';
import { TRANSIT_BLOCKS } from '../dec/transit-fields.js';
import type { TranslateProblem } from '../source/problems.js';
import type { CrossRuleOptions } from './cross-rules.js';
import { fieldProblem } from './field-problem.js';

/**
 * The 转关 (transit) rules of a DecMessage (seed-subsystems.md §2): what makes a declaration a
 * transit one, that its transit blocks are there (and only there), the 转关 flag of SpecDeclFlag,
 * the TrafName @-rules, and that TrnContaGoods refer to real items and containers.
 */
type Rule = (m: DecModel, o: CrossRuleOptions, out: TranslateProblem[]) => void;

const FIX_TRANSIT_ZH =
  '转关报关单填 DeclTrnRel=1、OperType=B（上载）或 D（申报）；一般报关单去掉转关数据';
const FIX_TRANSIT_EN =
  'a transit declaration has DeclTrnRel 1 and OperType B (upload) or D (declare); a general one carries no transit data';

/** Transit blocks only on a transit declaration, and TrnHead on every transit declaration. */
const transitBlocks: Rule = (m, o, out) => {
  const transit = isTransitDeclaration(m);
  if (!transit) {
    for (const spec of TRANSIT_BLOCKS) {
      const rec = recordsOf(m, spec.key)[0];
      if (!rec) continue;
      // Point at the first filled field, so the position names the enterprise's cell.
      const name =
        spec.fields.find((f) => valueOf(rec, f.name) !== '')?.name ?? spec.fields[0]!.name;
      out.push(
        fieldProblem(
          'transit-data',
          spec.key,
          spec.repeated ? 0 : undefined,
          name,
          rec,
          o.file,
          `不是转关报关单（DeclTrnRel 不为 1，OperType 不是 B/D），却有${spec.zh}数据`,
          `the declaration is not a transit one (DeclTrnRel is not 1, OperType not B or D) but has ${spec.key} data`,
          {
            fixZh: FIX_TRANSIT_ZH,
            fixEn: FIX_TRANSIT_EN,
          },
        ),
      );
    }
    return;
  }
  if (recordsOf(m, 'TrnHead').length === 0) {
    const head = singleOf(m, 'DecHead');
    out.push(
      fieldProblem(
        'transit-head',
        'DecHead',
        undefined,
        'DeclTrnRel',
        head,
        o.file,
        '转关报关单缺少转关单表头 TrnHead',
        'a transit declaration needs a TrnHead (转关单表头)',
        {
          fixZh: '提供转关单表头数据（映射中 TrnHead 的来源分段），或改为一般报关单',
          fixEn:
            'supply the TrnHead data (the section the mapping reads TrnHead from), or declare it as a general declaration',
        },
      ),
    );
  }
};

/** DeclTrnRel, OperType and EdiId agree on whether the declaration is a transit one. */
const transitFlags: Rule = (m, o, out) => {
  const head = singleOf(m, 'DecHead');
  const sign = singleOf(m, 'DecSign');
  const rel = valueOf(head, 'DeclTrnRel');
  const oper = valueOf(sign, 'OperType');
  const edi = valueOf(head, 'EdiId');
  if (TRANSIT_OPER_TYPES.includes(oper) && rel !== '1') {
    out.push(
      fieldProblem(
        'transit-flags',
        'DecHead',
        undefined,
        'DeclTrnRel',
        head,
        o.file,
        `操作类型 ${oper}（报关单+转关单）要求 DeclTrnRel 为 1，实际为“${rel}”`,
        `OperType ${oper} (declaration + transit document) needs DeclTrnRel 1, found "${rel}"`,
        { fixZh: FIX_TRANSIT_ZH, fixEn: FIX_TRANSIT_EN },
      ),
    );
  }
  if (rel === '1' && oper !== '' && !TRANSIT_OPER_TYPES.includes(oper) && oper !== 'G') {
    out.push(
      fieldProblem(
        'transit-flags',
        'DecSign',
        undefined,
        'OperType',
        sign,
        o.file,
        `转关提前报关单（DeclTrnRel=1）的操作类型应为 B、D 或 G（暂存），实际为 ${oper}`,
        `a transit declaration (DeclTrnRel 1) has OperType B, D or G (store), found ${oper}`,
        { fixZh: FIX_TRANSIT_ZH, fixEn: FIX_TRANSIT_EN },
      ),
    );
  }
  if (TRANSIT_EDI_IDS.includes(edi) && rel !== '1') {
    out.push(
      fieldProblem(
        'transit-flags',
        'DecHead',
        undefined,
        'EdiId',
        head,
        o.file,
        `报关标志 ${edi}（转关提前）要求 DeclTrnRel 为 1，实际为“${rel}”`,
        `EdiId ${edi} (转关提前, transit in advance) needs DeclTrnRel 1, found "${rel}"`,
        { fixZh: FIX_TRANSIT_ZH, fixEn: FIX_TRANSIT_EN },
      ),
    );
  }
};

/** SpecDeclFlag's 转关 position is 1 exactly for transit declarations. */
const specDeclFlag: Rule = (m, o, out) => {
  const pos = o.rules.transit.specDeclFlagPosition;
  if (pos === 0) return;
  const head = singleOf(m, 'DecHead');
  const flags = valueOf(head, 'SpecDeclFlag');
  const transit = isTransitDeclaration(m);
  const set = flags.charAt(pos - 1) === '1';
  const want = transit ? `${'0'.repeat(pos - 1)}1${'0'.repeat(Math.max(0, 7 - pos))}` : '0000000';
  if (transit && !set) {
    out.push(
      fieldProblem(
        'spec-decl-transit',
        'DecHead',
        undefined,
        'SpecDeclFlag',
        head,
        o.file,
        `转关报关单的特种业务标识第 ${pos} 位（转关）应为 1，实际为“${flags}”`,
        `a transit declaration has the 转关 flag (position ${pos}) of SpecDeclFlag set, found "${flags}"`,
        { fixZh: `例如填 ${want}`, fixEn: `e.g. write ${want}` },
      ),
    );
  } else if (!transit && set) {
    out.push(
      fieldProblem(
        'spec-decl-transit',
        'DecHead',
        undefined,
        'SpecDeclFlag',
        head,
        o.file,
        `特种业务标识第 ${pos} 位（转关）为 1，但这不是转关报关单`,
        `SpecDeclFlag has the 转关 flag (position ${pos}) set but the declaration is not a transit one`,
        {
          fixZh: `把第 ${pos} 位改为 0，或按转关报关单申报`,
          fixEn: `set position ${pos} to 0, or declare it as a transit declaration`,
        },
      ),
    );
  }
};

const TRANSIT_TRAF_NAME = /^@(\d{16}|\d{13})?$/;

/** 直转/提前报关: TrafName is @ + 16-digit 转关申报单预录入号, @ + 13-digit 载货清单号, or @ alone. */
const trafName: Rule = (m, o, out) => {
  if (!o.rules.transit.trafNameRule) return;
  const head = singleOf(m, 'DecHead');
  const name = valueOf(head, 'TrafName');
  if (o.rules.transit.midwayTypes.includes(valueOf(head, 'Type'))) return;
  if (valueOf(head, 'DeclTrnRel') === '1') {
    if (!TRANSIT_TRAF_NAME.test(name)) {
      out.push(
        fieldProblem(
          'transit-traf-name',
          'DecHead',
          undefined,
          'TrafName',
          head,
          o.file,
          `转关提前/直转报关单的运输工具名称应为 @ 加 16 位转关申报单预录入号、@ 加 13 位载货清单号，或只填 @，实际为“${name}”`,
          `the means of transport of a transit declaration is @ + the 16-digit transit pre-entry number, @ + the 13-digit cargo list number, or a bare @; found "${name}"`,
          {
            fixZh: '多份报关单对应一份转关单时只填 @；中转报关单（单据类型 SZ/SM/SL）填船名',
            fixEn:
              'write a bare @ when several declarations share one transit document; 中转 declarations (Type SZ/SM/SL) carry the ship name',
          },
        ),
      );
    }
  } else if (name.startsWith('@')) {
    out.push(
      fieldProblem(
        'transit-traf-name',
        'DecHead',
        undefined,
        'TrafName',
        head,
        o.file,
        `运输工具名称以 @ 开头只用于转关报关单，实际为“${name}”`,
        `a means of transport starting with @ is for transit declarations only, found "${name}"`,
        {
          fixZh: '填写实际运输工具名称，或按转关报关单申报（DeclTrnRel=1）',
          fixEn:
            'write the actual means of transport, or declare it as a transit declaration (DeclTrnRel 1)',
        },
      ),
    );
  }
};

/** TrnContaGoods name existing items and listed containers; TrnContainers are not listed twice. */
const transitContainers: Rule = (m, o, out) => {
  const items = recordsOf(m, 'DecList').length;
  const containers = recordsOf(m, 'TrnContainer');
  const numbers = containers.map((r) => valueOf(r, 'ContaNo'));
  numbers.forEach((no, i) => {
    if (no !== '' && numbers.indexOf(no) !== i)
      out.push(
        fieldProblem(
          'transit-container-duplicate',
          'TrnContainer',
          i,
          'ContaNo',
          containers[i],
          o.file,
          `集装箱号 ${no} 重复`,
          `container ${no} is listed twice`,
        ),
      );
  });
  recordsOf(m, 'TrnContaGoods').forEach((r, i) => {
    const g = valueOf(r, 'GNo');
    if (/^\d+$/.test(g) && (Number(g) < 1 || Number(g) > items)) {
      out.push(
        fieldProblem(
          'transit-goods-item',
          'TrnContaGoods',
          i,
          'GNo',
          r,
          o.file,
          `引用了不存在的商品序号 ${g}（共 ${items} 项）`,
          `refers to item ${g}, which does not exist (${items} items)`,
        ),
      );
    }
    const c = valueOf(r, 'ContaNo');
    if (c !== '' && containers.length > 0 && !numbers.includes(c)) {
      out.push(
        fieldProblem(
          'transit-goods-container',
          'TrnContaGoods',
          i,
          'ContaNo',
          r,
          o.file,
          `集装箱 ${c} 不在转关集装箱（TrnContainer）中`,
          `container ${c} is not among the transit containers (TrnContainer)`,
          {
            fixZh: `在转关集装箱中补充 ${c}，或改正箱号`,
            fixEn: `add ${c} to the transit containers, or correct the number`,
          },
        ),
      );
    }
  });
};

export const TRANSIT_RULES: readonly Rule[] = [
  transitBlocks,
  transitFlags,
  specDeclFlag,
  trafName,
  transitContainers,
];
