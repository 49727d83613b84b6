/**
 * Writers of the enterprise formats (Chinese-column CSV and Excel, JSON, ERP XML) for the sample
 * declarations in ../declaration. Used by generate.ts here and by the bad-input fixture generator
 * in test/fixtures/bad-inputs, which mutates these rows.
 *
 * Code values are written the way enterprise files write them: Chinese names from the code
 * tables (一般贸易, 美元, 千克 …), dashed dates, thousands separators, weights in grams or tonnes,
 * so the mappings' lookups, value maps and unit conversions are all exercised.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { SAMPLES } from '../declaration/data.js';
import {
  money,
  netKg,
  num,
  renderDecMessage,
  type Item,
  type Sample,
} from '../declaration/render.js';

const here = dirname(fileURLToPath(import.meta.url));
export { SAMPLES, type Sample };
const tablesDir = join(here, '..', '..', 'src', 'translators', 'codes', 'tables');

// Code -> Chinese name, from the translator's own code tables (the files enterprises' names must match).
const names = new Map<string, Map<string, string>>();
function nameOf(table: string, code: string | undefined): string {
  if (!code) return '';
  let t = names.get(table);
  if (!t) {
    const doc = JSON.parse(readFileSync(join(tablesDir, `${table}.json`), 'utf8')) as {
      entries: string[][];
    };
    t = new Map(doc.entries.map((e) => [e[0]!, e[1]!]));
    names.set(table, t);
  }
  const n = t.get(code);
  if (n === undefined) throw new Error(`${table}: no name for ${code}`);
  return n;
}

const dashed = (d: string | undefined): string =>
  d ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : '';
const dashedTime = (t: string): string =>
  `${dashed(t)} ${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}`;
const thousands = (s: string): string =>
  s.replace(/^(\d+)(?=\.|$)/, (d) => d.replace(/\B(?=(\d{3})+$)/g, ','));

/** Container gross weight as render.ts computes it (a line in several containers is shared evenly). */
function containerGross(s: Sample, c: Sample['containers'][number]): string {
  const goodsKg = c.goods.reduce(
    (sum, g) =>
      sum + (s.items[g - 1]?.netKg ?? 0) / s.containers.filter((k) => k.goods.includes(g)).length,
    0,
  );
  return num(goodsKg + c.tareKg, 3);
}

// Chinese-column records (mapping-zh.yaml) -------------------------------------------------------

export type Row = Record<string, string>;

export interface ZhOptions {
  /** How item net weights are written: 千克 (default), 克 or 吨. */
  readonly weightUnit?: '千克' | '克' | '吨';
  /** Write quantities of 10 000 and more with thousands separators. */
  readonly thousands?: boolean;
}

export function zhHead(s: Sample): Row {
  const h = s.head;
  const feeMark = (m: string | undefined): string =>
    m ? ({ '1': '费率', '2': '单价', '3': '总价' } as Record<string, string>)[m]! : '';
  return {
    进出口: s.ieFlag === 'I' ? '进口' : '出口',
    申报单位代码: s.agent.code,
    申报单位名称: s.agent.name,
    申报单位信用代码: s.agent.scc,
    申报单位检验检疫编码: s.agent.ciqCode,
    收发货人代码: s.trade.code,
    收发货人名称: s.trade.name,
    收发货人信用代码: s.trade.scc,
    收发货人检验检疫编码: s.trade.ciqCode,
    收发货人外文名称: h.DomesticConsigneeEname ?? '',
    消费使用单位代码: s.owner.code,
    消费使用单位名称: s.owner.name,
    消费使用单位信用代码: s.owner.scc,
    消费使用单位检验检疫编码: s.owner.ciqCode,
    提运单号: h.BillNo ?? '',
    合同协议号: h.ContrNo ?? '',
    申报地海关: h.CustomMaster ?? '',
    进出境关别: h.IEPort ?? '',
    征免性质: nameOf('levy-natures', h.CutMode),
    指运港: h.DistinatePort ?? '',
    启运港: h.DespPortCode ?? '',
    运费币制: nameOf('currencies', h.FeeCurr),
    运费标记: feeMark(h.FeeMark),
    运费: h.FeeRate ?? '',
    保费币制: nameOf('currencies', h.InsurCurr),
    保费标记: feeMark(h.InsurMark),
    保费: h.InsurRate ?? '',
    毛重: num(s.grossKg, 3),
    净重: num(netKg(s), 3),
    进出口日期: dashed(h.IEDate),
    备注: h.NoteS ?? '',
    件数: h.PackNo ?? '',
    '启运国/运抵国': nameOf('countries', h.TradeCountry),
    贸易国别: nameOf('countries', h.TradeAreaCode),
    监管方式: nameOf('trade-modes', h.TradeMode),
    运输方式: nameOf('transport-modes', h.TrafMode),
    运输工具名称: h.TrafName ?? '',
    成交方式: nameOf('transaction-modes', h.TransMode),
    包装种类: nameOf('package-types', h.WrapType),
    录入时间: dashedTime(s.preparedAt),
    录入员卡号: s.sign.icCode,
    录入员: s.sign.operName,
    承诺事项: h.PromiseItmes ?? '',
    // Left empty on purpose: the mapping's default N/M fills it.
    标记唛码: '',
    '入境/离境口岸': h.EntyPortCode ?? '',
    货物存放地点: h.GoodsPlace ?? '',
    启运日期: dashed(h.DespDate),
    无其他包装: s.otherPacks && s.otherPacks.length > 0 ? '否' : '是',
    境外发货人代码: h.OverseasConsignorCode ?? '',
    境外发货人名称: h.OverseasConsignorCname ?? '',
    境外发货人外文名称: h.OverseasConsignorEname ?? '',
    境外发货人地址: h.OverseasConsignorAddr ?? '',
    境外收货人代码: h.OverseasConsigneeCode ?? '',
    境外收货人外文名称: h.OverseasConsigneeEname ?? '',
    航次号: s.freeTxt.VoyNo ?? '',
    报关员电话: s.freeTxt.DecBpNo ?? '',
    报关员证号: s.freeTxt.DecNo ?? '',
    客户端编号: s.sign.clientSeqNo,
  };
}

export function zhItem(s: Sample, item: Item, o: ZhOptions): Row {
  const [brandType, preference, ...elements] = item.gModel.split('|');
  const unit = o.weightUnit ?? '千克';
  const weight =
    unit === '克'
      ? num(item.netKg * 1000, 3)
      : unit === '吨'
        ? num(item.netKg / 1000, 6)
        : num(item.netKg, 3);
  const qty = (n: number): string => (o.thousands && n >= 10000 ? thousands(num(n)) : num(n));
  return {
    商品编号: item.codeTs,
    检验检疫编码: item.ciqCode,
    商品名称: item.gName,
    品牌类型: brandType!,
    出口享惠情况: preference!,
    申报要素: elements.join('|'),
    成交数量: qty(item.gQty),
    成交单位: nameOf('units', item.gUnit),
    单价: num(item.declPrice),
    总价: money(item.declPrice * item.gQty),
    币制: nameOf('currencies', s.currency),
    法定数量: qty(item.firstQty),
    法定单位: nameOf('units', item.firstUnit),
    第二数量: item.secondQty === undefined ? '' : num(item.secondQty),
    第二单位: nameOf('units', item.secondUnit),
    货号: item.exgNo ?? '',
    原产国: nameOf('countries', item.originCountry),
    最终目的国: nameOf('countries', item.destinationCountry),
    征免方式: nameOf('duty-modes', item.dutyMode),
    用途: s.ieFlag === 'I' ? '99' : '',
    目的地代码: item.destCode ?? '',
    型号: item.goodsModel ?? '',
    品牌: item.goodsBrand ?? '',
    境内目的地: item.districtCode,
    商品净重: weight,
    重量单位: unit,
  };
}

export function zhSections(s: Sample, o: ZhOptions = {}): [string, string, Row[]][] {
  return [
    ['H', '表头', [zhHead(s)]],
    ['I', '表体', s.items.map((i) => zhItem(s, i, o))],
    [
      'C',
      '集装箱',
      s.containers.map((c) => ({
        集装箱号: c.id,
        集装箱规格: nameOf('container-types', c.md),
        集装箱商品项号: c.goods.join(','),
        拼箱: c.lcl ? '是' : '否',
        箱货重量: containerGross(s, c),
        集装箱自重: num(c.tareKg, 3),
      })),
    ],
    [
      'L',
      '许可证',
      (s.licenses ?? []).map((l) => ({ 单证代码: l.docuCode, 单证编号: l.certCode })),
    ],
    [
      'P',
      '其他包装',
      (s.otherPacks ?? []).map((p) => ({
        其他包装件数: String(p.packQty),
        其他包装种类: nameOf('package-types', p.packType),
      })),
    ],
    [
      'D',
      '随附单据',
      s.edocs.map((e) => ({
        随附单据编号: e.id,
        随附单据类别: e.code,
        随附单据文件名: e.fileName,
        随附单据大小: String(e.size),
      })),
    ],
  ];
}

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

const csvLine = (cells: readonly string[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** One header row (the union of all columns) and a 记录类型 per row. */
export function recordsCsv(sections: [string, string, Row[]][]): string {
  const columns: string[] = [];
  for (const [, , rows] of sections)
    for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  let out = csvLine(['记录类型', ...columns]);
  for (const [type, , rows] of sections)
    for (const r of rows) out += csvLine([type, ...columns.map((c) => r[c] ?? '')]);
  return out;
}

/** `[表头]`, header, rows; `[表体]`, header, rows … (a head file and an items file joined). */
export function sectionsCsv(sections: [string, string, Row[]][]): string {
  let out = '';
  for (const [, marker, rows] of sections) {
    if (rows.length === 0) continue;
    out += `[${marker}]\r\n${csvLine(Object.keys(rows[0]!))}`;
    for (const r of rows) out += csvLine(Object.values(r));
  }
  return out;
}

export async function xlsx(s: Sample, o: ZhOptions): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'eport-gateway sample generator';
  wb.created = new Date(Date.UTC(2026, 0, 1));
  wb.modified = new Date(Date.UTC(2026, 0, 1));
  const sections = zhSections(s, o);
  const head = wb.addWorksheet('表头');
  head.addRow(['字段', '值']);
  for (const [k, v] of Object.entries(zhHead(s))) {
    // Dates as real Excel dates, as an ERP export would write them.
    if ((k === '进出口日期' || k === '启运日期') && v) head.addRow([k, new Date(`${v}T00:00:00Z`)]);
    else if (k === '录入时间') head.addRow([k, new Date(`${v.replace(' ', 'T')}Z`)]);
    else head.addRow([k, v]);
  }
  for (const [, sheetName, rows] of sections.slice(1)) {
    if (rows.length === 0) continue;
    const ws = wb.addWorksheet(sheetName);
    ws.addRow(Object.keys(rows[0]!));
    const numeric = new Set([
      '成交数量',
      '单价',
      '总价',
      '法定数量',
      '第二数量',
      '商品净重',
      '箱货重量',
      '集装箱自重',
      '随附单据大小',
    ]);
    for (const r of rows)
      ws.addRow(
        Object.entries(r).map(([k, v]) =>
          numeric.has(k) && v !== '' ? Number(v.replace(/,/g, '')) : v,
        ),
      );
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// JSON (mapping-json.yaml) ------------------------------------------------------------------------

export function jsonDoc(s: Sample): Record<string, unknown> {
  const h = s.head;
  const party = (p: Sample['agent']) => ({
    code: p.code,
    name: p.name,
    uscc: p.scc,
    ciqCode: p.ciqCode,
  });
  const doc = {
    head: {
      referenceNo: s.sign.clientSeqNo,
      direction: s.ieFlag === 'I' ? 'import' : 'export',
      agent: party(s.agent),
      consignor: { ...party(s.trade), englishName: h.DomesticConsigneeEname },
      producer: party(s.owner),
      billOfLading: h.BillNo,
      contractNo: h.ContrNo,
      declarationCustoms: h.CustomMaster,
      portCustoms: h.IEPort,
      levyNature: nameOf('levy-natures', h.CutMode),
      tradeMode: h.TradeMode,
      transportMode: nameOf('transport-modes', h.TrafMode),
      vessel: h.TrafName,
      voyage: s.freeTxt.VoyNo,
      incoterm: nameOf('transaction-modes', h.TransMode),
      packaging: h.WrapType,
      packages: Number(h.PackNo),
      grossWeightKg: s.grossKg,
      destinationCountry: h.TradeCountry,
      tradeCountry: nameOf('countries', h.TradeAreaCode),
      destinationPort: h.DistinatePort,
      exitPort: h.EntyPortCode,
      goodsLocation: h.GoodsPlace,
      exportDate: dashed(h.IEDate),
      remarks: h.NoteS,
      currency: nameOf('currencies', s.currency),
      sourceDistrict: s.items[0]!.districtCode,
      preparedAt: dashedTime(s.preparedAt).replace(' ', 'T'),
      operator: { card: s.sign.icCode, name: s.sign.operName },
      broker: { phone: s.freeTxt.DecBpNo, licence: s.freeTxt.DecNo },
      promises: h.PromiseItmes,
      marks: 'N/M',
      buyer: { code: h.OverseasConsigneeCode, name: h.OverseasConsigneeEname },
    },
    items: s.items.map((i) => ({
      hsCode: i.codeTs,
      ciqCode: i.ciqCode,
      name: i.gName,
      declarationElements: i.gModel,
      quantity: i.gQty,
      unit: nameOf('units', i.gUnit),
      unitPrice: i.declPrice,
      legalQuantity: i.firstQty,
      legalUnit: nameOf('units', i.firstUnit),
      secondQuantity: i.secondQty ?? null,
      secondUnit: i.secondUnit ? nameOf('units', i.secondUnit) : null,
      sku: i.exgNo,
      origin: i.originCountry,
      netWeightGrams: Math.round(i.netKg * 1000),
    })),
    containers: s.containers.map((c) => ({
      number: c.id,
      type: c.md,
      items: c.goods.join(','),
      lcl: Boolean(c.lcl),
      grossKg: Number(containerGross(s, c)),
      tareKg: c.tareKg,
    })),
    documents: s.edocs.map((e) => ({
      id: e.id,
      type: e.code,
      fileName: e.fileName,
      bytes: e.size,
    })),
  };
  return doc;
}

export function json(s: Sample): string {
  return `${JSON.stringify(jsonDoc(s), null, 2)}\n`;
}

// XML (mapping-xml.yaml) ---------------------------------------------------------------------------

export function xml(s: Sample, encoding: string): string {
  const esc = (v: string): string =>
    v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const el = (name: string, v: string | number | undefined, pad: string): string =>
    `${pad}<${name}>${esc(String(v ?? ''))}</${name}>\n`;
  const h = s.head;
  const head: [string, string | number | undefined][] = [
    ['CLIENT_SEQ_NO', s.sign.clientSeqNo],
    ['IE_FLAG', s.ieFlag],
    ['AGENT_CODE', s.agent.code],
    ['AGENT_NAME', s.agent.name],
    ['AGENT_SCC', s.agent.scc],
    ['AGENT_CIQ', s.agent.ciqCode],
    ['TRADE_CODE', s.trade.code],
    ['TRADE_NAME', s.trade.name],
    ['TRADE_SCC', s.trade.scc],
    ['TRADE_CIQ', s.trade.ciqCode],
    ['TRADE_ENAME', h.DomesticConsigneeEname],
    ['OWNER_CODE', s.owner.code],
    ['OWNER_NAME', s.owner.name],
    ['OWNER_SCC', s.owner.scc],
    ['OWNER_CIQ', s.owner.ciqCode],
    ['BILL_NO', h.BillNo],
    ['CONTRACT_NO', h.ContrNo],
    ['CUSTOMS', h.CustomMaster],
    ['IE_PORT', h.IEPort],
    ['CUT_MODE', h.CutMode],
    ['DEST_PORT', h.DistinatePort],
    ['GROSS_KG', num(s.grossKg, 3)],
    ['NET_KG', num(netKg(s), 3)],
    ['NOTE', h.NoteS],
    ['PACKAGES', h.PackNo],
    ['TRADE_COUNTRY', h.TradeCountry],
    ['TRADE_AREA', h.TradeAreaCode],
    ['TRADE_MODE', h.TradeMode],
    ['TRAF_MODE', h.TrafMode],
    ['TRAF_NAME', h.TrafName],
    ['TRANS_MODE', h.TransMode],
    ['WRAP_TYPE', h.WrapType],
    ['PREPARED', s.preparedAt],
    ['TYPIST_CARD', s.sign.icCode],
    ['TYPIST', s.sign.operName],
    ['MARKS', ''],
    ['EXIT_PORT', h.EntyPortCode],
    ['GOODS_PLACE', h.GoodsPlace],
    ['BUYER_CODE', h.OverseasConsigneeCode],
    ['BUYER_NAME', h.OverseasConsigneeEname],
    ['VOYAGE', s.freeTxt.VoyNo],
    ['BROKER_PHONE', s.freeTxt.DecBpNo],
    ['BROKER_NO', s.freeTxt.DecNo],
  ];
  let out = `<?xml version="1.0" encoding="${encoding}"?>\n<DECL>\n  <HEAD>\n`;
  for (const [k, v] of head) out += el(k, v, '    ');
  out += '  </HEAD>\n  <ITEMS>\n';
  for (const i of s.items) {
    out += '    <ITEM>\n';
    const fields: [string, string | number | undefined][] = [
      ['HS', i.codeTs],
      ['CIQ', i.ciqCode],
      ['NAME', i.gName],
      ['MODEL_ELEMENTS', i.gModel],
      ['QTY', num(i.gQty)],
      ['UNIT', i.gUnit],
      ['PRICE', num(i.declPrice)],
      ['TOTAL', money(i.declPrice * i.gQty)],
      ['CURRENCY', s.currency],
      ['QTY1', num(i.firstQty)],
      ['UNIT1', i.firstUnit],
      ['QTY2', i.secondQty === undefined ? '' : num(i.secondQty)],
      ['UNIT2', i.secondUnit ?? ''],
      ['ORIGIN', i.originCountry],
      ['DESTINATION', i.destinationCountry],
      ['DUTY_MODE', i.dutyMode],
      ['DISTRICT', i.districtCode],
      ['GOODS_MODEL', i.goodsModel],
      ['BRAND', i.goodsBrand],
      ['NET_KG', num(i.netKg, 3)],
    ];
    for (const [k, v] of fields) out += el(k, v, '      ');
    out += '    </ITEM>\n';
  }
  out += '  </ITEMS>\n  <CONTAINERS>\n';
  for (const c of s.containers) {
    out += '    <CONTAINER>\n';
    for (const [k, v] of [
      ['ID', c.id],
      ['SIZE_TYPE', c.md],
      ['ITEMS', c.goods.join(',')],
      ['LCL', c.lcl ? '1' : '0'],
      ['GROSS_KG', containerGross(s, c)],
      ['TARE_KG', num(c.tareKg, 3)],
    ] as const)
      out += el(k, v, '      ');
    out += '    </CONTAINER>\n';
  }
  out += '  </CONTAINERS>\n  <DOCS>\n';
  for (const e of s.edocs) {
    out += '    <DOC>\n';
    for (const [k, v] of [
      ['ID', e.id],
      ['TYPE', e.code],
      ['FILE', e.fileName],
      ['BYTES', e.size],
    ] as const)
      out += el(k, v, '      ');
    out += '    </DOC>\n';
  }
  return `${out}  </DOCS>\n</DECL>\n`;
}

// The split sample: 60 lines of tools, more than one declaration holds -----------------------------

export function splitSample(): Sample {
  const tools = SAMPLES[4]!;
  const items: Item[] = [];
  for (const batch of ['A', 'B', 'C']) {
    for (const i of tools.items) {
      const model = `${i.goodsModel ?? ''}-${batch}`;
      items.push({
        ...i,
        goodsModel: model,
        exgNo: model,
        gModel: i.gModel.replace(/型号([^|]+)$/, `型号${model}`),
      });
    }
  }
  const net = items.reduce((s, i) => s + i.netKg, 0);
  return {
    ...tools,
    file: 'ent-08-export-tools-split.csv',
    summary: '60 项出口工具，超过 50 项自动拆分为两份报关单',
    items,
    grossKg: net + 6000,
    head: {
      ...tools.head,
      PackNo: '15690',
      NoteS: '出口电动工具及小家电 60 项，按映射拆分为两份报关单',
    },
    containers: [],
    sign: { ...tools.sign, clientSeqNo: 'EPGW202601090108' },
  };
}

/** The parts the translator must make of the split sample (mapping-zh.yaml: split by @NetWt). */
export function splitParts(s: Sample): Sample[] {
  const chunks = [s.items.slice(0, 50), s.items.slice(50)];
  const w = chunks.map((c) => c.reduce((t, i) => t + i.netKg, 0));
  const W = w[0]! + w[1]!;
  const packs = Number(s.head.PackNo);
  const gross1 = Math.round((s.grossKg * w[0]! * 1000) / W) / 1000;
  const pack1 = Math.max(1, Math.round((packs * w[0]!) / W));
  return chunks.map((items, k) => ({
    ...s,
    items,
    grossKg: k === 0 ? gross1 : Number((s.grossKg - gross1).toFixed(3)),
    head: { ...s.head, PackNo: String(k === 0 ? pack1 : packs - pack1) },
    sign: { ...s.sign, clientSeqNo: `${s.sign.clientSeqNo}-${k + 1}` },
  }));
}

/** The DecMessage a sample must translate to: rendered without prefix, in UTF-8. */
export const expected = (s: Sample): string =>
  renderDecMessage({ ...s, prefix: undefined, encoding: 'UTF-8' } as Sample, {
    attribute: 'Version',
    value: '4.8',
  });
