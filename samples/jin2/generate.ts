/**
 * Writes sas121-passport.xlsx, the Excel sample of a 核放单 (SAS121): sheet 表头 (field / value),
 * 表体 (one row per item) and 关联单证 (the 核注清单 it releases). Deterministic bytes: fixed dates.
 *
 *   node --import tsx samples/jin2/generate.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';

const HEAD: readonly (readonly [string, string | number])[] = [
  ['我方编号', 'HF20261130001'],
  ['核放单类型', '3'],
  ['进出标志', 'I'],
  ['绑定类型', '3'],
  ['主管关区', '3111'],
  ['关联单证类型', '1'],
  ['关联单证编号', 'QD311126I000067647'],
  ['区内企业编码', '330261A004'],
  ['区内企业名称', '宁波高新物流有限公司'],
  ['区内企业信用代码', '913302017532977856'],
  ['车牌号', '浙B2M765'],
  ['车自重', 13000],
  ['车架重', 1000],
  ['总重量', 14292.8],
  ['货物总毛重', 292.8],
  ['货物总净重', 285.6],
  ['申请人', '汪军 13800000000'],
  ['申报时间', '2026-11-30 08:40:00'],
];

const ITEMS = [
  ['序号', '料号', '商品编码', '品名', '毛重', '净重', '关联商品序号', '申报单位', '申报数量'],
  [1, 'MT-0008', '9505100090', '圣诞饰品', 150.2, 146.4, 1, '011', 100],
  [2, 'MT-0012', '3926400000', '塑料装饰品', 142.6, 139.2, 2, '007', 200],
];

const RELATED = [
  ['关联单证类型', '关联单证编号'],
  ['1', 'QD311126I000067647'],
];

export async function passportXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'eport-gateway sample generator';
  wb.created = new Date(Date.UTC(2026, 0, 1));
  wb.modified = new Date(Date.UTC(2026, 0, 1));
  const head = wb.addWorksheet('表头');
  head.addRow(['字段', '值']);
  for (const row of HEAD) head.addRow([...row]);
  const items = wb.addWorksheet('表体');
  for (const row of ITEMS) items.addRow(row);
  const related = wb.addWorksheet('关联单证');
  for (const row of RELATED) related.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('./sas121-passport.xlsx', import.meta.url), await passportXlsx());
}
