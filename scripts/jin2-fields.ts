/**
 * Writes src/translators/jin2/xsd-fields.ts from the official 2017 金二 XSDs (test/fixtures/xsd/jin2):
 * for each block the gateway builds, every element in XSD order with its type facets. The SAS
 * base.xsd has no field annotations; its Chinese labels come from LABELS below (the gateway's
 * wording, checked against the INV annotations where the names coincide).
 *
 *   node --import tsx scripts/jin2-fields.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DOMParser, type Element } from '@xmldom/xmldom';

const XS = 'http://www.w3.org/2001/XMLSchema';
const ROOT = 'test/fixtures/xsd/jin2';
const BLOCKS: Record<string, readonly string[]> = {
  'EMS/Common_ComplexType.xsd': [
    'BondInvtBsc',
    'BondInvtDt',
    'BondInvtAcmpFormDt',
    'SasCentDclStock',
    'BondInvtDtSimple',
  ],
  'SAS/base.xsd': [
    'SasDclBsc',
    'SasDclDt',
    'SasDclUcnsDt',
    'SasDclAcmpFormDt',
    'SasStockBsc',
    'SasStockDt',
    'SasPassportBsc',
    'SasPassportDt',
    'SasPassportRlt',
  ],
};

/** Labels of the SAS elements (base.xsd annotates none). */
const LABELS: Record<string, string> = {
  sasDclNo: '申报表编号',
  chgTmsCnt: '变更次数',
  masterCuscd: '主管关区代码',
  sasDclPreentNo: '申报表预录入统一编号',
  dclTypecd: '申报类型代码',
  businessTypecd: '业务类型代码',
  directionTypecd: '货物流向代码',
  areainOriactNo: '区内账册编号',
  areaoutOriactNo: '区外账册编号',
  areainEtpsno: '区内企业编码',
  areainEtpsNm: '区内企业名称',
  areainEtpsSccd: '区内企业社会信用代码',
  areaoutEtpsno: '区外企业编码',
  areaoutEtpsNm: '区外企业名称',
  areaoutEtpsSccd: '区外企业社会信用代码',
  dpstLevyBlNo: '保证金征收单编号',
  validTime: '有效期',
  exhibitionPlace: '展示地',
  dclEr: '申请人',
  dclTime: '申报时间',
  putrecEmapvTime: '备案审批时间',
  chgEmapvTime: '变更审批时间',
  clsCaseTime: '结案时间',
  emapvMarkcd: '审批标记代码',
  dclTbStucd: '申报表状态代码',
  rmk: '备注',
  col1: '备用1',
  col2: '备用2',
  col3: '备用3',
  col4: '备用4',
  ownerSystem: '所属系统',
  emapvDescription: '审批意见',
  sasDclSeqno: '申报表序号',
  mtpckEndprdTypecd: '料件成品标志代码',
  oriactGdsSeqno: '账册备案序号',
  gdecd: '商品编码',
  gdsNm: '商品名称',
  gdsSpcfModelDesc: '商品规格型号',
  dclQty: '申报数量',
  dclUnitcd: '申报计量单位',
  dclUprcAmt: '申报单价',
  dclTotalAmt: '申报总价',
  dclCurrcd: '币制',
  licenceNo: '许可证编号',
  licenceValidTime: '许可证有效期',
  actlAreaoutQty: '实际出区数量',
  actlAreainQty: '实际入区数量',
  gdsMarkcd: '商品标记代码',
  gdsRmk: '商品备注',
  invtVdedtQty: '清单核扣数量',
  rcntVdedtTime: '最近核扣时间',
  modfMarkcd: '修改标志',
  endprdSeqno: '成品序号',
  mtpckSeqno: '料件序号',
  netUseupQty: '净耗',
  lossRate: '损耗率',
  acmpFormSeqno: '随附单证序号',
  formTypecd: '单证类型代码',
  formNo: '单证编号',
  fixdNo: '固定编号',
  acmpFormFileNm: '随附单证文件名称',
  version: '版本号',
  sasStockNo: '出入库单编号',
  sasStockPreentNo: '出入库单预录入统一编号',
  stockTypecd: '出入库单类型',
  rltBondInvtNo: '关联核注清单编号',
  centralizedDclTypecd: '集报标志',
  rltSasStockNo: '关联出入库单编号',
  packageQty: '件数',
  grossWt: '毛重',
  netWt: '净重',
  packType: '包装种类',
  levyBlAmt: '征税金额',
  passTypecd: '核放单类型',
  passportUsedTypecd: '核放单生成标志',
  stucd: '状态代码',
  sasStockSeqno: '出入库单商品序号',
  gdsMtno: '商品料号',
  lawfUnitcd: '法定计量单位',
  secdLawfUnitcd: '第二法定计量单位',
  natcd: '原产国（地区）',
  usdStatTotalAmt: '美元统计总金额',
  lawfQty: '法定数量',
  secdLawfQty: '第二法定数量',
  wtSfVal: '重量比例因子',
  fstSfVal: '第一比例因子',
  secdSfVal: '第二比例因子',
  useCd: '用途代码',
  lvyrlfModecd: '征免方式',
  ucnsVerno: '单耗版本号',
  clyMarkcd: '归类标志',
  actlPassQty: '实际过卡数量',
  passportUsedQty: '核放单已用数量',
  replaceQty: '替换数量',
  rltStockSeqno: '关联出入库单序号',
  passportNo: '核放单编号',
  sasPassportPreentNo: '核放单预录入统一编号',
  passportTypecd: '核放单类型',
  ioTypecd: '进出标志',
  bindTypecd: '绑定类型',
  rltTbTypecd: '关联单证类型',
  rltNo: '关联单证编号',
  vehicleNo: '车牌号',
  vehicleIcNo: 'IC 卡号（电子车牌）',
  containerNo: '集装箱号',
  vehicleWt: '车自重',
  vehicleFrameNo: '车架号',
  vehicleFrameWt: '车架重',
  containerType: '集装箱箱型',
  containerWt: '集装箱重',
  totalWt: '总重量',
  passCollectWt: '卡口地磅采集重量',
  wtError: '重量比对误差',
  totalGrossWt: '货物总毛重',
  totalNetWt: '货物总净重',
  dclErConc: '申请人及联系方式',
  passId: '卡口 ID',
  secdPassId: '第二卡口 ID',
  passTime: '过卡时间',
  secdPassTime: '第二过卡时间',
  logisticsStucd: '物流状态',
  passportSeqno: '核放单序号',
  rltGdsSeqno: '关联商品序号',
};

const doc = (file: string) =>
  new DOMParser().parseFromString(readFileSync(`${ROOT}/${file}`, 'utf8'), 'text/xml');
const kids = (e: Element, name: string): Element[] =>
  Array.from(e.getElementsByTagNameNS(XS, name));

function typeOf(el: Element): string {
  const r = kids(el, 'restriction')[0];
  const base = r?.getAttribute('base') ?? el.getAttribute('type') ?? 'xs:string';
  const facet = (n: string): string | undefined =>
    r ? (kids(r, n)[0]?.getAttribute('value') ?? undefined) : undefined;
  switch (base) {
    case 'xs:string':
      return facet('length')
        ? `len:${facet('length')}`
        : facet('maxLength')
          ? `max:${facet('maxLength')}`
          : 'str';
    case 'xs:long':
      return `int:${facet('totalDigits') ?? 19}`;
    case 'xs:int':
      return 'int:10';
    case 'xs:decimal':
      return `dec:${Number(facet('totalDigits')) - Number(facet('fractionDigits'))},${facet('fractionDigits')}`;
    case 'xs:double':
      return 'double';
    case 'xs:date':
      return 'xsdate';
    case 'Date':
      return 'date';
    case 'DateTime':
      return 'datetime';
    default:
      throw new Error(`unknown type ${base}`);
  }
}

const out: string[] = [
  '// Generated by scripts/jin2-fields.ts from the 2017 金二 XSDs; do not edit by hand.',
  '// Each field: [element, label, type]. Types: str (no facet), max:N, len:N, int:N (digits), dec:I,F,',
  '// double, xsdate (xs:date, never empty), date / datetime (the XSD patterns, may be empty).',
  '',
  'export type XsdField = readonly [name: string, zh: string, type: string];',
  '',
  'export const XSD_FIELDS: Readonly<Record<string, readonly XsdField[]>> = {',
];
for (const [file, names] of Object.entries(BLOCKS)) {
  const root = doc(file).documentElement!;
  for (const name of names) {
    const ct = kids(root, 'complexType').find((c) => c.getAttribute('name') === name);
    if (!ct) throw new Error(`${name} not in ${file}`);
    out.push(`  ${name}: [`);
    for (const el of kids(ct, 'element')) {
      const n = el.getAttribute('name')!;
      const doc = kids(el, 'documentation')[0]?.textContent?.trim() || LABELS[n] || n;
      out.push(`    ['${n}', '${doc}', '${typeOf(el)}'],`);
    }
    out.push('  ],');
  }
}
out.push('};', '');
writeFileSync('src/translators/jin2/xsd-fields.ts', out.join('\n'));
