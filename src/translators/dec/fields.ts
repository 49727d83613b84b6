import type { CodeTableName } from '../codes/code-tables.js';
import type { BlockKey, BlockSpec, FieldKind, FieldSpec } from '../model/field-spec.js';
import { TRANSIT_BLOCKS } from './transit-fields.js';
import { ECO_RELATION } from './eco-fields.js';

export type { BlockKey, BlockSpec, FieldKind, FieldSpec } from '../model/field-spec.js';

/**
 * The DecMessage layout (eport-formats.md §3): blocks in document order, each block's elements in
 * the order working generators write them, with Chinese names and value rules. The builder writes
 * every listed element (empty ones as `<X/>`), the validator checks values against `kind`.
 * Lengths are the 单一窗口 import-format limits as far as known [M]; they are characters.
 */

const text = (max: number): FieldKind => ({ t: 'text', max });
const code = (table: CodeTableName): FieldKind => ({ t: 'code', table });
const oneOf = (...values: string[]): FieldKind => ({ t: 'enum', values });
const num = (int: number, frac: number, positive = false): FieldKind => ({
  t: 'number',
  int,
  frac,
  positive,
});
const date: FieldKind = { t: 'date' };
const customsCode: FieldKind = {
  t: 'pattern',
  re: /^[0-9A-Z]{10}$/,
  zh: '10 位海关编码（数字或大写字母）',
  en: 'a 10-character customs code (digits or capital letters)',
};
const ciqCode: FieldKind = {
  t: 'pattern',
  re: /^\d{10}$/,
  zh: '10 位数字的检验检疫编码',
  en: 'a 10-digit CIQ code',
};
const port: FieldKind = {
  t: 'pattern',
  re: /^[A-Z]{3}\d{3}$/,
  zh: '港口代码（3 位国别字母 + 3 位数字，如 DEU093）',
  en: 'a port code (3-letter country + 3 digits, e.g. DEU093)',
};
const uscc: FieldKind = { t: 'uscc' };

/** DecSign/ClientSeqNo: at most 18 characters (spec length 18, T and D) [R]. */
export const CLIENT_SEQ_NO_MAX = 18;
export const CLIENT_SEQ_NO_RE = /^[A-Za-z0-9_-]{1,18}$/;
const CLIENT_SEQ_NO_KIND: FieldKind = {
  t: 'pattern',
  re: CLIENT_SEQ_NO_RE,
  zh: '字母、数字、_ 和 -，最长 18 位',
  en: 'letters, digits, _ and -, at most 18',
};

const f = (name: string, zh: string, kind: FieldKind, required = false): FieldSpec => ({
  name,
  zh,
  kind,
  ...(required ? { required } : {}),
});
/** A field newer than the layout's first version: written only when filled. */
const later = (spec: FieldSpec): FieldSpec => ({ ...spec, omitEmpty: true });
const R = true;

export const HEAD_FIELDS: readonly FieldSpec[] = [
  f('SeqNo', '数据中心统一编号', text(18)),
  f('IEFlag', '进出口标志', oneOf('I', 'E'), R),
  f('Type', '单据类型', text(2)),
  f('AgentCode', '申报单位代码', customsCode, R),
  f('AgentName', '申报单位名称', text(100), R),
  f('ApprNo', '批准文号', text(32)),
  f('BillNo', '提运单号', text(50)),
  f('ContrNo', '合同协议号', text(32)),
  f('CustomMaster', '申报地海关', code('customs-areas'), R),
  f('CutMode', '征免性质', code('levy-natures')),
  f('DistinatePort', '经停港/指运港', port),
  f('FeeCurr', '运费币制', code('currencies')),
  f('FeeMark', '运费标记', oneOf('1', '2', '3')),
  f('FeeRate', '运费/率', num(14, 5)),
  f('GrossWet', '毛重（千克）', num(14, 5, true), R),
  f('IEDate', '进出口日期', date),
  f('IEPort', '进出境关别', code('customs-areas'), R),
  f('InsurCurr', '保险费币制', code('currencies')),
  f('InsurMark', '保险费标记', oneOf('1', '3')),
  f('InsurRate', '保险费/率', num(14, 5)),
  f('LicenseNo', '许可证编号', text(20)),
  f('ManualNo', '备案号', text(12)),
  f('NetWt', '净重（千克）', num(14, 5, true), R),
  f('NoteS', '备注', text(255)),
  f('OtherCurr', '杂费币制', code('currencies')),
  f('OtherMark', '杂费标记', oneOf('1', '3')),
  f('OtherRate', '杂费/率', num(14, 5)),
  f('OwnerCode', '消费使用/生产销售单位代码', {
    t: 'pattern',
    re: /^([0-9A-Z]{10}|NO)$/,
    zh: '10 位海关编码或 NO',
    en: 'a 10-character customs code or NO',
  }),
  f('OwnerName', '消费使用/生产销售单位名称', text(100), R),
  f(
    'PackNo',
    '件数',
    { t: 'pattern', re: /^[1-9]\d{0,8}$/, zh: '正整数', en: 'a positive whole number' },
    R,
  ),
  f('TradeCode', '境内收发货人代码', customsCode, R),
  f('TradeCountry', '启运国/运抵国', code('countries'), R),
  f('TradeMode', '监管方式', code('trade-modes'), R),
  f('TradeName', '境内收发货人名称', text(100), R),
  f('TrafMode', '运输方式', code('transport-modes'), R),
  f('TrafName', '运输工具名称', text(50)),
  f('TransMode', '成交方式', code('transaction-modes'), R),
  f('WrapType', '包装种类', code('package-types'), R),
  f('EntryId', '海关编号', text(18)),
  f('PreEntryId', '预录入编号', text(18)),
  f('EdiId', '报关标志', oneOf('1', '3', '5', '6')),
  f('Risk', '风险评估参数', text(20)),
  f('CopCode', '录入单位代码', customsCode),
  f('CopName', '录入单位名称', text(100)),
  f('EntryType', '报关单类型', oneOf('0', 'L', 'W', 'D', 'M'), R),
  f('PDate', '打印日期', date),
  f('TypistNo', '录入员IC卡号', text(13)),
  f('InputerName', '录入员姓名', text(30)),
  f('PartenerID', '申报人标识', text(20)),
  f('TgdNo', '通关申请单号', text(18)),
  f('DataSource', '扩展字段', text(50)),
  f('DeclTrnRel', '报关/转关关系标志', oneOf('0', '1'), R),
  f('ChkSurety', '担保验放标志', text(1)),
  f('BillType', '备案清单类型', oneOf('1', '2', '3', '4')),
  f('CopCodeScc', '录入单位统一社会信用代码', uscc),
  f('OwnerCodeScc', '消费使用/生产销售单位统一社会信用代码', uscc),
  f('AgentCodeScc', '申报单位统一社会信用代码', uscc),
  f('TradeCoScc', '境内收发货人统一社会信用代码', uscc),
  f('PromiseItmes', '承诺事项', {
    t: 'pattern',
    re: /^[0-9]{1,10}$/,
    zh: '数字串（每位一项确认）',
    en: 'a digit string (one confirmation per position)',
  }),
  f('TradeAreaCode', '贸易国别', code('countries')),
  f('CheckFlow', '查验分流', oneOf('0', '1')),
  f('TaxAaminMark', '税收征管标记', oneOf('0', '1')),
  f('MarkNo', '标记唛码', text(400)),
  f('DespPortCode', '启运港代码', port),
  f('EntyPortCode', '入/离境口岸代码', {
    t: 'pattern',
    re: /^\d{6}$/,
    zh: '6 位数字',
    en: '6 digits',
  }),
  f('GoodsPlace', '货物存放地点', text(100)),
  f('BLNo', 'B/L号', text(50)),
  f('InspOrgCode', '口岸检验检疫机关（已废弃）', text(10)),
  f('SpecDeclFlag', '特种业务标识', {
    t: 'pattern',
    re: /^[01]{7}$/,
    zh: '7 位 0/1 标志',
    en: '7 flags of 0 or 1',
  }),
  f('PurpOrgCode', '目的地检验检疫机关', text(10)),
  f('DespDate', '启运日期', date),
  f('CmplDschrgDt', '卸毕日期', date),
  f('CorrelationReasonFlag', '关联理由', text(2)),
  f('VsaOrgCode', '领证机关（已废弃）', text(10)),
  f('OrigBoxFlag', '原集装箱标识', oneOf('0', '1')),
  f('DeclareName', '申报人员姓名', text(30)),
  f('NoOtherPack', '无其他包装', oneOf('0', '1')),
  f('OrgCode', '检验检疫受理机关（已废弃）', text(10)),
  f('OverseasConsignorCode', '境外发货人代码', text(50)),
  f('OverseasConsignorCname', '境外发货人名称', text(150)),
  f('OverseasConsignorEname', '境外发货人名称（外文）', text(100)),
  f('OverseasConsignorAddr', '境外发货人地址', text(100)),
  f('OverseasConsigneeCode', '境外收货人代码', text(50)),
  f('OverseasConsigneeEname', '境外收货人名称（外文）', text(100)),
  f('DomesticConsigneeEname', '境内收发货人名称（外文）', text(100)),
  f('CorrelationNo', '关联号码', text(255)),
  f('EdiRemark', 'EDI申报备注', text(10)),
  f('EdiRemark2', 'EDI申报备注2', text(10)),
  f('TradeCiqCode', '境内收发货人检验检疫编码', ciqCode),
  f('OwnerCiqCode', '消费使用/生产销售单位检验检疫编码', ciqCode),
  f('DeclCiqCode', '申报单位检验检疫编码', ciqCode),
];

export const LIST_FIELDS: readonly FieldSpec[] = [
  f('ClassMark', '归类标志', text(1)),
  f('CodeTS', '商品编号', { t: 'hs' }, R),
  f('ContrItem', '备案序号', { t: 'pattern', re: /^\d{1,19}$/, zh: '数字', en: 'digits' }),
  f('DeclPrice', '申报单价', num(15, 4, true), R),
  f('DutyMode', '征减免税方式', code('duty-modes'), R),
  f('Factor', '申报计量单位与法定单位比例因子', num(14, 5)),
  f('GModel', '规格型号（申报要素）', text(255), R),
  f('GName', '商品名称', text(255), R),
  f(
    'GNo',
    '商品序号',
    { t: 'pattern', re: /^[1-9]\d?$/, zh: '1 到 99 的整数', en: 'a whole number 1 to 99' },
    R,
  ),
  f('OriginCountry', '原产国（地区）', code('countries'), R),
  f('TradeCurr', '成交币制', code('currencies'), R),
  f('DeclTotal', '申报总价', num(15, 4, true), R),
  f('GQty', '成交数量', num(14, 5, true), R),
  f('FirstQty', '法定第一数量', num(14, 5, true), R),
  f('SecondQty', '法定第二数量', num(14, 5)),
  f('GUnit', '成交计量单位', code('units'), R),
  f('FirstUnit', '法定第一计量单位', code('units'), R),
  f('SecondUnit', '法定第二计量单位', code('units')),
  f('UseTo', '用途/生产厂家', text(2)),
  f('WorkUsd', '工缴费', num(14, 5)),
  f('ExgNo', '货号', text(30)),
  f('ExgVersion', '版本号', text(8)),
  f('DestinationCountry', '最终目的国（地区）', code('countries'), R),
  f('CiqCode', '检验检疫编码', text(20)),
  f('DeclGoodsEname', '商品英文名称', text(100)),
  f('OrigPlaceCode', '原产地区代码', text(10)),
  f('Purpose', '用途代码', text(4)),
  f('ProdValidDt', '产品有效期', date),
  f('ProdQgp', '产品保质期', text(20)),
  f('GoodsAttr', '货物属性代码', text(60)),
  f('Stuff', '成份/原料/组份', text(400)),
  f('Uncode', 'UN编码', text(20)),
  f('DangName', '危险货物名称', text(80)),
  f('DangPackType', '危包类别', text(4)),
  f('DangPackSpec', '危包规格', text(24)),
  f('EngManEntCnm', '境外生产企业名称', text(100)),
  f('NoDangFlag', '非危险化学品', oneOf('0', '1')),
  f('DestCode', '目的地代码', text(8)),
  f('GoodsSpec', '检验检疫货物规格', text(2000)),
  f('GoodsModel', '货物型号', text(2000)),
  f('GoodsBrand', '货物品牌', text(2000)),
  f('ProduceDate', '生产日期', text(2000)),
  f('ProdBatchNo', '生产批号', text(2000)),
  f('DistrictCode', '境内目的地/境内货源地', text(5)),
  f('CiqName', '检验检疫名称（已废弃）', text(255)),
  f('MnufctrRegNo', '生产单位注册号', text(255)),
  f('MnufctrRegName', '生产单位名称', text(255)),
  later(f('RcepOrigPlaceCode', '优惠贸易协定项下原产地', text(3))),
  later(f('ControlExplainCode', '管制说明代码', text(4))),
];

export const BLOCKS: readonly BlockSpec[] = [
  { key: 'DecHead', zh: '表头', repeated: false, fields: HEAD_FIELDS },
  { key: 'DecList', zh: '商品', wrapper: 'DecLists', repeated: true, fields: LIST_FIELDS },
  {
    key: 'Container',
    zh: '集装箱',
    wrapper: 'DecContainers',
    repeated: true,
    fields: [
      f('ContainerId', '集装箱号', { t: 'container' }, R),
      f('ContainerMd', '集装箱规格', code('container-types'), R),
      f('GoodsNo', '商品项号关系', {
        t: 'pattern',
        re: /^(?=.{1,255}$)\d{1,2}(,\d{1,2})*$/,
        zh: '逗号分隔的商品序号，如 1,2,3，最长 255 位',
        en: 'item numbers separated by commas, e.g. 1,2,3, at most 255 characters',
      }),
      f('LclFlag', '拼箱标识', oneOf('0', '1')),
      f('GoodsContaWt', '箱货重量', num(14, 5)),
      f('ContainerWt', '集装箱自重', num(13, 5)),
    ],
  },
  {
    key: 'LicenseDocu',
    zh: '随附单证',
    wrapper: 'DecLicenseDocus',
    repeated: true,
    fields: [f('DocuCode', '单证代码', text(1), R), f('CertCode', '单证编号', text(32), R)],
  },
  {
    key: 'DecRequestCert',
    zh: '申请单证',
    wrapper: 'DecRequestCerts',
    repeated: true,
    fields: [
      f('AppCertCode', '申请单证代码', text(4), R),
      f('ApplOri', '正本数量', { t: 'pattern', re: /^\d{1,3}$/, zh: '整数', en: 'a whole number' }),
      f('ApplCopyQuan', '副本数量', {
        t: 'pattern',
        re: /^\d{1,3}$/,
        zh: '整数',
        en: 'a whole number',
      }),
    ],
  },
  {
    key: 'DecOtherPack',
    zh: '其他包装',
    wrapper: 'DecOtherPacks',
    repeated: true,
    fields: [
      f(
        'PackQty',
        '包装件数',
        { t: 'pattern', re: /^[1-9]\d{0,8}$/, zh: '正整数', en: 'a positive whole number' },
        R,
      ),
      f('PackType', '包装材料种类', code('package-types'), R),
    ],
  },
  {
    key: 'DecCopLimit',
    zh: '企业资质',
    wrapper: 'DecCopLimits',
    repeated: true,
    fields: [
      f('EntQualifNo', '企业资质编号', text(50), R),
      f('EntQualifTypeCode', '企业资质类别代码', text(4), R),
    ],
  },
  {
    key: 'DecUser',
    zh: '使用人',
    wrapper: 'DecUsers',
    repeated: true,
    fields: [
      f('UseOrgPersonCode', '使用单位联系人', text(30), R),
      f('UseOrgPersonTel', '使用单位联系电话', text(30)),
    ],
  },
  {
    key: 'DecFreeTxt',
    zh: '自由文本',
    repeated: false,
    fields: [
      f('RelId', '关联报关单', text(18)),
      f('RelManNo', '关联备案', text(12)),
      f('BonNo', '监管仓号', text(32)),
      f('VoyNo', '航次号', text(32)),
      f('DecBpNo', '报关员联系方式', text(32)),
      f('CusFie', '货场代码', text(8)),
      f('DecNo', '申报人员证号', text(20)),
    ],
  },
  {
    key: 'DecSign',
    zh: '签名信息',
    repeated: false,
    fields: [
      f('OperType', '操作类型', oneOf('A', 'B', 'C', 'D', 'E', 'G'), R),
      f('ICCode', '操作员IC卡号', text(13)),
      f('CopCode', '操作企业代码', customsCode),
      f('OperName', '操作员姓名', text(30)),
      f('ClientSeqNo', '客户端唯一编号', CLIENT_SEQ_NO_KIND, R),
      f('Sign', '签名', text(100000)),
      f('SignDate', '签名日期', text(20)),
      f('Certificate', '证书号', text(100000)),
      f('HostId', '邮箱ID', text(20)),
      f('BillSeqNo', '清单统一编号', text(18)),
      f('DomainId', '签名人分类', oneOf('1', '2')),
      f('Note', '备注', text(255)),
    ],
  },
  {
    key: 'EdocRealation',
    zh: '随附单据',
    repeated: true,
    fields: [
      f('EdocID', '随附单据编号', text(64), R),
      f('EdocCode', '随附单证类别', text(8), R),
      f('EdocFomatType', '随附单据格式类型', text(2)),
      f('OpNote', '操作说明', text(255)),
      f('EdocCopId', '随附单据文件名称', text(64)),
      f('EdocOwnerCode', '所属单位海关编号', text(10)),
      f('SignUnit', '签名单位代码', text(10)),
      f('SignTime', '签名时间', { t: 'datetime' }),
      f('EdocOwnerName', '所属单位名称', text(100)),
      f('EdocSize', '随附单据文件大小', {
        t: 'pattern',
        re: /^\d{1,12}$/,
        zh: '字节数（整数）',
        en: 'a size in bytes (whole number)',
      }),
      f('GNoStr', '关联商品序号', text(255)),
    ],
  },
  ECO_RELATION,
  ...TRANSIT_BLOCKS,
];

const byKey = new Map(BLOCKS.map((b) => [b.key, b]));

/** The block spec for a key. */
export function blockSpec(key: BlockKey): BlockSpec {
  return byKey.get(key)!;
}

/** The field spec of `block.name`, when the layout lists it. */
export function fieldSpec(block: BlockKey, name: string): FieldSpec | undefined {
  return blockSpec(block).fields.find((x) => x.name === name);
}

/** True for the block keys of the layout. */
export function isBlockKey(key: string): key is BlockKey {
  return byKey.has(key as BlockKey);
}
