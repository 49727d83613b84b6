import type { FieldKind, FieldSpec } from '../model/field-spec.js';
import { layoutLabel, type LayoutBlock, type TargetLayout } from '../mapping/layout.js';

/**
 * The CEB 202205 import layouts (eport-formats.md §5.3; element order and lengths as in
 * ceb-import-business-202205.xsd): CEB311 Order (OrderHead + OrderList*) and CEB621 Inventory
 * (InventoryHead + InventoryList*), each followed by BaseTransfer. Optional elements are left
 * out when empty (the XSD's length facets reject an empty element); required ones always written.
 */

export type CebMessageType = 'CEB311' | 'CEB621';

export interface CebLayout extends TargetLayout {
  readonly message: CebMessageType;
  /** The business node wrapping head + list (Order, Inventory). */
  readonly node: string;
  readonly blocks: readonly (LayoutBlock & { readonly fields: readonly FieldSpec[] })[];
}

const text = (max: number): FieldKind => ({ t: 'text', max });
const exact = (n: number, what: string, whatEn: string): FieldKind => ({
  t: 'pattern',
  re: new RegExp(`^.{${n}}$`, 'u'),
  zh: `${n} 位${what}`,
  en: `${n} characters (${whatEn})`,
});
const digits = (n: number, zh: string, en: string): FieldKind => ({
  t: 'pattern',
  re: new RegExp(`^\\d{${n}}$`),
  zh,
  en,
});
const oneOf = (...values: string[]): FieldKind => ({ t: 'enum', values });
/** N19,5: the CEB number format. */
const n195: FieldKind = { t: 'number', int: 14, frac: 5 };
const guid: FieldKind = {
  t: 'pattern',
  re: /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/,
  zh: '36 位大写 UUID',
  en: 'a 36-character upper-case UUID',
};
/** Dates and times: the evaluator turns 2026-11-27 10:15 into 20261127101500, the validator checks the calendar. */
const appTime: FieldKind = { t: 'datetime' };
const day: FieldKind = { t: 'date' };
/** CEB code systems are numeric (§9.8): currency, country and unit are 3-digit codes. */
const code3 = (zh: string, en: string): FieldKind =>
  digits(3, `3 位数字${zh}代码`, `a 3-digit numeric ${en} code`);
const currency: FieldKind = oneOf('142');
const customs4 = digits(4, '4 位关区代码', 'a 4-digit customs code');

const f = (name: string, zh: string, kind: FieldKind, required = false): FieldSpec => ({
  name,
  zh,
  kind,
  ...(required ? { required } : {}),
});
const R = true;

const BASE_TRANSFER: CebLayout['blocks'][number] = {
  key: 'BaseTransfer',
  zh: '传输企业',
  repeated: false,
  fields: [
    f('copCode', '传输企业代码', text(18), R),
    f('copName', '传输企业名称', text(100), R),
    f('dxpMode', '报文传输模式', oneOf('DXP'), R),
    f('dxpId', '报文传输编号', text(30), R),
    f('note', '备注', text(1000)),
  ],
};

const headCommon = [
  f('guid', '系统唯一序号', guid, R),
  f('appType', '报送类型', oneOf('1', '2', '3'), R),
  f('appTime', '报送时间', appTime, R),
  f('appStatus', '业务状态', oneOf('1', '2'), R),
];

const CEB311_BLOCKS: CebLayout['blocks'] = [
  {
    key: 'OrderHead',
    zh: '订单表头',
    repeated: false,
    fields: [
      ...headCommon,
      f('orderType', '订单类型', oneOf('I'), R),
      f('orderNo', '订单编号', text(60), R),
      f('ebpCode', '电商平台代码', text(18), R),
      f('ebpName', '电商平台名称', text(100), R),
      f('ebcCode', '电商企业代码', text(18), R),
      f('ebcName', '电商企业名称', text(100), R),
      f('goodsValue', '商品价格', n195, R),
      f('freight', '运杂费', n195, R),
      f('discount', '非现金抵扣金额', n195, R),
      f('taxTotal', '代扣税款', n195, R),
      f('acturalPaid', '实际支付金额', n195, R),
      f('currency', '币制', currency, R),
      f('buyerRegNo', '订购人注册号', text(60), R),
      f('buyerName', '订购人姓名', text(60), R),
      f('buyerTelephone', '订购人电话', text(30), R),
      f('buyerIdType', '订购人证件类型', oneOf('1'), R),
      f('buyerIdNumber', '订购人证件号码', text(60), R),
      f('payCode', '支付企业代码', text(18)),
      f('payName', '支付企业名称', text(100)),
      f('payTransactionId', '支付交易编号', text(60)),
      f('batchNumbers', '商品批次号', text(100)),
      f('consignee', '收货人姓名', text(100), R),
      f('consigneeTelephone', '收货人电话', text(50), R),
      f('consigneeAddress', '收货地址', text(200), R),
      f(
        'consigneeDistrict',
        '收货地址行政区划代码',
        digits(6, '6 位行政区划代码', 'a 6-digit district code'),
      ),
      f('note', '备注', text(1000)),
    ],
  },
  {
    key: 'OrderList',
    zh: '订单商品',
    repeated: true,
    fields: [
      f(
        'gnum',
        '商品序号',
        { t: 'pattern', re: /^[1-9]\d{0,3}$/, zh: '从 1 起的序号', en: 'a sequence number from 1' },
        R,
      ),
      f('itemNo', '企业商品货号', text(30)),
      f('itemName', '企业商品名称', text(250), R),
      f('gmodel', '商品规格型号', text(510), R),
      f('itemDescribe', '企业商品描述', text(1000)),
      f('barCode', '条形码', text(50)),
      f('unit', '计量单位', code3('计量单位', 'unit'), R),
      f('qty', '数量', n195, R),
      f('price', '单价', n195, R),
      f('totalPrice', '总价', n195, R),
      f('currency', '币制', currency, R),
      f('country', '原产国', code3('国别', 'country'), R),
      f('note', '备注', text(1000)),
    ],
  },
  BASE_TRANSFER,
];

const CEB621_BLOCKS: CebLayout['blocks'] = [
  {
    key: 'InventoryHead',
    zh: '清单表头',
    repeated: false,
    fields: [
      ...headCommon,
      f('orderNo', '订单编号', text(60), R),
      f('ebpCode', '电商平台代码', text(18), R),
      f('ebpName', '电商平台名称', text(100), R),
      f('ebcCode', '电商企业代码', text(18), R),
      f('ebcName', '电商企业名称', text(100), R),
      f('logisticsNo', '物流运单编号', text(60), R),
      f('logisticsCode', '物流企业代码', text(18), R),
      f('logisticsName', '物流企业名称', text(100), R),
      f('copNo', '企业内部编号', text(20), R),
      f('preNo', '预录入编号', text(18)),
      f('assureCode', '担保企业编号', text(30), R),
      f('emsNo', '账册编号', text(30)),
      f('invtNo', '清单编号', text(18)),
      f('ieFlag', '进出口标记', oneOf('I'), R),
      f('declTime', '申报日期', day, R),
      f('customsCode', '申报海关代码', customs4, R),
      f('portCode', '口岸海关代码', customs4, R),
      f('ieDate', '进口日期', day),
      f('buyerIdType', '订购人证件类型', oneOf('1'), R),
      f('buyerIdNumber', '订购人证件号码', text(60), R),
      f('buyerName', '订购人姓名', text(60), R),
      f('buyerTelephone', '订购人电话', text(30), R),
      f('consigneeAddress', '收件地址', text(200), R),
      f('agentCode', '申报企业代码', text(18), R),
      f('agentName', '申报企业名称', text(100), R),
      f('areaCode', '区内企业代码', text(18)),
      f('areaName', '区内企业名称', text(100)),
      f('tradeMode', '贸易方式', oneOf('9610', '1210'), R),
      f(
        'trafMode',
        '运输方式',
        {
          t: 'pattern',
          re: /^[0-9A-Z]$/,
          zh: '1 位运输方式代码',
          en: 'a 1-character transport mode code',
        },
        R,
      ),
      f('trafNo', '运输工具编号', text(100)),
      f('voyageNo', '航班航次号', text(32)),
      f('billNo', '提运单号', text(37)),
      f('loctNo', '监管场所代码', text(10)),
      f('licenseNo', '许可证件号', text(19)),
      f('country', '起运国（地区）', code3('国别', 'country'), R),
      f('freight', '运费', n195, R),
      f('insuredFee', '保费', n195, R),
      f('currency', '币制', currency, R),
      f('wrapType', '包装种类代码', exact(1, '包装种类代码', 'package type code')),
      f('packNo', '件数', oneOf('1'), R),
      f('grossWeight', '毛重（千克）', n195, R),
      f('netWeight', '净重（千克）', n195, R),
      f('note', '备注', text(1000)),
    ],
  },
  {
    key: 'InventoryList',
    zh: '清单商品',
    repeated: true,
    fields: [
      f(
        'gnum',
        '商品序号',
        { t: 'pattern', re: /^[1-9]\d{0,3}$/, zh: '从 1 起的序号', en: 'a sequence number from 1' },
        R,
      ),
      f('itemRecordNo', '账册备案料号', text(30)),
      f('itemNo', '企业商品货号', text(20)),
      f('itemName', '企业商品品名', text(250)),
      f('gcode', '商品编码', { t: 'hs' }, R),
      f('gname', '商品名称', text(250), R),
      f('gmodel', '商品规格型号', text(510), R),
      f('barCode', '条形码', text(50)),
      f('country', '原产国（地区）', code3('国别', 'country'), R),
      f('tradeCountry', '贸易国（地区）', code3('国别', 'country')),
      f('currency', '币制', currency, R),
      f('qty', '数量', n195, R),
      f('unit', '计量单位', code3('计量单位', 'unit'), R),
      f('qty1', '法定数量', n195, R),
      f('unit1', '法定计量单位', code3('计量单位', 'unit'), R),
      f('qty2', '第二数量', n195),
      f('unit2', '第二计量单位', code3('计量单位', 'unit')),
      f('price', '单价', n195, R),
      f('totalPrice', '总价', n195, R),
      f('note', '备注', text(1000)),
    ],
  },
  BASE_TRANSFER,
];

function layout(message: CebMessageType, node: string, blocks: CebLayout['blocks']): CebLayout {
  return {
    message,
    node,
    blocks,
    headBlock: blocks[0]!.key,
    itemBlock: blocks[1]!.key,
    label: layoutLabel(blocks),
  };
}

/** The CEB layouts by message type. */
export const CEB_LAYOUTS: Readonly<Record<CebMessageType, CebLayout>> = {
  CEB311: layout('CEB311', 'Order', CEB311_BLOCKS),
  CEB621: layout('CEB621', 'Inventory', CEB621_BLOCKS),
};

/** The CEB namespace (http://www.chinaport.gov.cn/ceb), written with the `ceb:` prefix. */
export const CEB_NAMESPACE = 'http://www.chinaport.gov.cn/ceb';
