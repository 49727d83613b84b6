import type { BlockSpec, FieldKind, FieldSpec } from '../model/field-spec.js';

/**
 * The 转关 (transit) blocks of a DecMessage (seed-subsystems.md §2.2–2.3, transcribed from the
 * 单一窗口 货物申报 import specification [R]). They sit directly under the root after the other
 * blocks and are written only for a transit declaration (DecHead/DeclTrnRel 1, or
 * DecSign/OperType B or D), never as empty elements.
 *
 * Required flags: the specification marks a field T (暂存) and/or D (申报). A T field is required
 * whenever its record exists (`required`); a D-only field is required unless the declaration is
 * only stored (OperType G) (`requiredToDeclare`). TrnHead and TrnList mark none as required.
 */

const text = (max: number): FieldKind => ({ t: 'text', max });
const num = (int: number, frac: number): FieldKind => ({ t: 'number', int, frac });
const digits = (max: number): FieldKind => ({
  t: 'pattern',
  re: new RegExp(`^\\d{1,${max}}$`),
  zh: `最多 ${max} 位数字`,
  en: `at most ${max} digits`,
});
const date: FieldKind = { t: 'date' };
const f = (
  name: string,
  zh: string,
  kind: FieldKind,
  flags: Pick<FieldSpec, 'required' | 'requiredToDeclare'> = {},
): FieldSpec => ({ name, zh, kind, ...flags });

/** 转关类型 TransFlag [R×2]. */
export const TRANS_FLAGS = ['1', 'AA', '1G', '1T', '1E', '1P', '1K'] as const;

export const TRN_HEAD: BlockSpec = {
  key: 'TrnHead',
  zh: '转关单表头',
  repeated: false,
  optional: true,
  fields: [
    f('TrnPreId', '转关单统一编号', text(18)),
    f('TransNo', '载货清单号', text(16)),
    f('TurnNo', '转关申报单号', text(16)),
    f('NativeTrafMode', '境内运输方式', text(1)),
    f('TrafCustomsNo', '境内运输工具编号', text(13)),
    f('NativeShipName', '境内运输工具名称', text(30)),
    f('NativeVoyageNo', '境内航次号', text(32)),
    f('ContractorName', '承运单位名称', text(70)),
    f('ContractorCode', '承运单位组织机构代码', text(10)),
    f('TransFlag', '转关类型', { t: 'enum', values: TRANS_FLAGS }),
    f('ValidTime', '预计运抵指运地时间', date),
    f('ESealFlag', '是否启用电子关锁', { t: 'enum', values: ['Y', 'N'] }),
    f('Notes', '备注', text(200)),
    f('TrnType', '转关单类型', { t: 'enum', values: ['0', '1'] }),
    f('ApplCodeScc', '转关申报单位统一代码', text(18)),
  ],
};

export const TRN_LIST: BlockSpec = {
  key: 'TrnList',
  zh: '转关提运单',
  repeated: true,
  optional: true,
  fields: [
    f('TrafMode', '进出境运输方式', text(1)),
    f('ShipId', '进出境运输工具编号', text(32)),
    f('ShipNameEn', '进出境运输工具名称', text(255)),
    f('VoyageNo', '进出境航次号', text(32)),
    f('BillNo', '提运单号', text(32)),
    f('IEDate', '进出境日期', date),
  ],
};

export const TRN_CONTAINER: BlockSpec = {
  key: 'TrnContainer',
  zh: '转关集装箱',
  wrapper: 'TrnContainers',
  repeated: true,
  optional: true,
  fields: [
    f('ContaNo', '集装箱号', text(11), { required: true }),
    f('ContaSn', '集装箱序号', digits(3)),
    f('ContaModel', '集装箱规格', text(4)),
    f('SealNo', '电子关锁号', text(128)),
    f('TransName', '境内运输工具名称', text(32)),
    f('TransWeight', '运输工具实际重量', num(14, 5)),
    f('SealQty', '关锁个数', digits(4)),
  ],
};

export const TRN_CONTA_GOODS: BlockSpec = {
  key: 'TrnContaGoods',
  zh: '转关集装箱货物',
  wrapper: 'TrnContaGoodsList',
  repeated: true,
  optional: true,
  fields: [
    f('GNo', '商品序号', digits(9), { required: true }),
    f('ContaNo', '集装箱号', text(11), { required: true }),
    f('ContaGoodsCount', '箱内商品件数', digits(9), { requiredToDeclare: true }),
    f('ContaGoodsWeight', '箱内商品重量', num(14, 5), { requiredToDeclare: true }),
  ],
};

/** The transit blocks in document order. */
export const TRANSIT_BLOCKS: readonly BlockSpec[] = [
  TRN_HEAD,
  TRN_LIST,
  TRN_CONTAINER,
  TRN_CONTA_GOODS,
];
