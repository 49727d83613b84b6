import type { CodeTableName } from '../codes/code-tables.js';

/**
 * 代理报关委托 (electronic agency agreement) request `ImportAgrRequest` (seed-subsystems.md §4.4,
 * [R×3] element names, lengths not published). Root without namespace, written to the client's
 * `Acd` folder (FormId ACD). Lengths below are the gateway's own guard where the sources give none.
 */
export const ACD_ROOT = 'ImportAgrRequest';
export const ACD_SCHEMA_LOCATION = 'AcdAgrInfo_ImportSave.xsd';

/** OperInfo/OperType: 1 新增, 2 变更, 3 删除. */
export const OPER_TYPES: Readonly<Record<string, '1' | '2' | '3'>> = {
  '1': '1',
  add: '1',
  新增: '1',
  '2': '2',
  change: '2',
  变更: '2',
  '3': '3',
  delete: '3',
  删除: '3',
};

export interface AcdField {
  readonly name: string;
  readonly zh: string;
  /** Required when adding (OperType 1). */
  readonly required?: boolean;
  readonly rule?: { readonly re: RegExp; readonly zh: string; readonly en: string };
  readonly table?: CodeTableName;
  /** Longest value accepted; the sources give no lengths, this is a guard [M]. */
  readonly max: number;
}

const customsCode = {
  re: /^[0-9A-Z]{10}$/,
  zh: '10 位海关编码（数字或大写字母）',
  en: 'a 10-character customs code (digits or capital letters)',
};
const date8 = { re: /^\d{8}$/, zh: 'yyyyMMdd 日期', en: 'a yyyyMMdd date' };
const amount = {
  re: /^\d{1,15}(\.\d{1,4})?$/,
  zh: '非负金额（最多 4 位小数）',
  en: 'a non-negative amount (at most 4 decimals)',
};

/** ImportInfo children in the order peers write them. */
export const IMPORT_INFO_FIELDS: readonly AcdField[] = [
  { name: 'GName', zh: '主要货物名称', required: true, max: 255 },
  {
    name: 'CodeTS',
    zh: 'HS编码',
    required: true,
    rule: { re: /^\d{10}$/, zh: '10 位商品编号', en: 'a 10-digit HS code' },
    max: 10,
  },
  { name: 'DeclTotal', zh: '货物总价', required: true, rule: amount, max: 20 },
  { name: 'IEDate', zh: '进出口日期', rule: date8, max: 8 },
  { name: 'ListNo', zh: '提（运）单号', max: 50 },
  { name: 'TradeMode', zh: '贸易方式（监管方式）', table: 'trade-modes', max: 4 },
  { name: 'OriCountry', zh: '原产地/货源地', table: 'countries', max: 3 },
  {
    name: 'TradeCode',
    zh: '委托方（境内收发货人）海关编码',
    required: true,
    rule: customsCode,
    max: 10,
  },
  {
    name: 'AgentCode',
    zh: '被委托方（报关企业）海关编码',
    required: true,
    rule: customsCode,
    max: 10,
  },
  { name: 'Curr', zh: '币制', required: true, table: 'currencies', max: 3 },
  { name: 'QtyOrWeight', zh: '数（重）量', max: 50 },
  { name: 'PackingCondition', zh: '包装情况', max: 100 },
  { name: 'OtherNote', zh: '其他要求', max: 255 },
  { name: 'ConsignTele', zh: '委托方联系电话', max: 30 },
  { name: 'EntryID', zh: '报关单编号', max: 18 },
  { name: 'ReceiveDate', zh: '收到单证日期', rule: date8, max: 8 },
  { name: 'PaperInfo', zh: '收到单证情况', max: 255 },
  { name: 'OtherRecInfo', zh: '其他收到单证', max: 255 },
  { name: 'DeclarePrice', zh: '报关收费', rule: amount, max: 20 },
  { name: 'PromiseNote', zh: '承诺说明', max: 255 },
  { name: 'DeclTele', zh: '被委托方联系电话', max: 30 },
];
