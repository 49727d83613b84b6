/**
 * Renders a sample declaration as `DecMessage` XML text (eport-formats.md §3) in the child order
 * the Single Window client expects. Written for this project.
 */

/** A party with its customs code, 统一社会信用代码, name and 检验检疫编码. */
export interface Party {
  readonly code: string;
  readonly scc: string;
  readonly name: string;
  readonly ciqCode: string;
}

/** One 商品 line (DecList). Totals and GNo are computed. */
export interface Item {
  readonly codeTs: string;
  readonly ciqCode: string;
  readonly gName: string;
  readonly gModel: string;
  readonly gQty: number;
  readonly gUnit: string;
  readonly declPrice: number;
  readonly firstQty: number;
  readonly firstUnit: string;
  readonly secondQty?: number;
  readonly secondUnit?: string;
  readonly originCountry: string;
  readonly destinationCountry: string;
  readonly dutyMode: string;
  readonly districtCode: string;
  readonly destCode?: string;
  readonly goodsBrand?: string;
  readonly goodsModel?: string;
  readonly exgNo?: string;
  /** Net weight of the line in kg; summed into DecHead/NetWt. */
  readonly netKg: number;
}

export interface Container {
  readonly id: string;
  /** 11/12/21/22 … (eport-formats.md §9.9). */
  readonly md: string;
  /** GNo list the container holds. */
  readonly goods: readonly number[];
  readonly tareKg: number;
  readonly lcl?: boolean;
}

export interface EdocEntry {
  readonly id: string;
  /** 00000001 发票, 00000002 装箱单, 00000004 合同. */
  readonly code: string;
  readonly fileName: string;
  readonly size: number;
}

/** Everything one sample file holds. Head fields not listed here are written empty. */
export interface Sample {
  readonly file: string;
  readonly encoding: 'UTF-8' | 'UTF-8-BOM' | 'GBK';
  /** Namespace prefix for every element (e.g. "dec"); default namespace when absent. */
  readonly prefix?: string;
  readonly summary: string;
  readonly ieFlag: 'I' | 'E';
  /** 成交币制 of every line (ISO letters). */
  readonly currency: string;
  /** When the declaration was prepared, yyyyMMddHHmmss (PDate, EdocRealation/SignTime). */
  readonly preparedAt: string;
  readonly trade: Party;
  readonly owner: Party;
  readonly agent: Party;
  /** Head fields by element name (values as written). */
  readonly head: Readonly<Record<string, string>>;
  readonly grossKg: number;
  readonly items: readonly Item[];
  readonly containers: readonly Container[];
  readonly licenses?: readonly { docuCode: string; certCode: string }[];
  readonly otherPacks?: readonly { packType: string; packQty: number }[];
  readonly freeTxt: Readonly<Record<string, string>>;
  readonly sign: { operType: string; icCode: string; operName: string; clientSeqNo: string };
  readonly edocs: readonly EdocEntry[];
}

/** DecHead children in the order peers write them. */
export const HEAD_ORDER = [
  'SeqNo',
  'IEFlag',
  'Type',
  'AgentCode',
  'AgentName',
  'ApprNo',
  'BillNo',
  'ContrNo',
  'CustomMaster',
  'CutMode',
  'DistinatePort',
  'FeeCurr',
  'FeeMark',
  'FeeRate',
  'GrossWet',
  'IEDate',
  'IEPort',
  'InsurCurr',
  'InsurMark',
  'InsurRate',
  'LicenseNo',
  'ManualNo',
  'NetWt',
  'NoteS',
  'OtherCurr',
  'OtherMark',
  'OtherRate',
  'OwnerCode',
  'OwnerName',
  'PackNo',
  'TradeCode',
  'TradeCountry',
  'TradeMode',
  'TradeName',
  'TrafMode',
  'TrafName',
  'TransMode',
  'WrapType',
  'EntryId',
  'PreEntryId',
  'EdiId',
  'Risk',
  'CopCode',
  'CopName',
  'EntryType',
  'PDate',
  'TypistNo',
  'InputerName',
  'PartenerID',
  'TgdNo',
  'DataSource',
  'DeclTrnRel',
  'ChkSurety',
  'BillType',
  'CopCodeScc',
  'OwnerCodeScc',
  'AgentCodeScc',
  'TradeCoScc',
  'PromiseItmes',
  'TradeAreaCode',
  'CheckFlow',
  'TaxAaminMark',
  'MarkNo',
  'DespPortCode',
  'EntyPortCode',
  'GoodsPlace',
  'BLNo',
  'InspOrgCode',
  'SpecDeclFlag',
  'PurpOrgCode',
  'DespDate',
  'CmplDschrgDt',
  'CorrelationReasonFlag',
  'VsaOrgCode',
  'OrigBoxFlag',
  'DeclareName',
  'NoOtherPack',
  'OrgCode',
  'OverseasConsignorCode',
  'OverseasConsignorCname',
  'OverseasConsignorEname',
  'OverseasConsignorAddr',
  'OverseasConsigneeCode',
  'OverseasConsigneeEname',
  'DomesticConsigneeEname',
  'CorrelationNo',
  'EdiRemark',
  'EdiRemark2',
  'TradeCiqCode',
  'OwnerCiqCode',
  'DeclCiqCode',
] as const;

/** DecList children in the order peers write them. */
export const LIST_ORDER = [
  'ClassMark',
  'CodeTS',
  'ContrItem',
  'DeclPrice',
  'DutyMode',
  'Factor',
  'GModel',
  'GName',
  'GNo',
  'OriginCountry',
  'TradeCurr',
  'DeclTotal',
  'GQty',
  'FirstQty',
  'SecondQty',
  'GUnit',
  'FirstUnit',
  'SecondUnit',
  'UseTo',
  'WorkUsd',
  'ExgNo',
  'ExgVersion',
  'DestinationCountry',
  'CiqCode',
  'DeclGoodsEname',
  'OrigPlaceCode',
  'Purpose',
  'ProdValidDt',
  'ProdQgp',
  'GoodsAttr',
  'Stuff',
  'Uncode',
  'DangName',
  'DangPackType',
  'DangPackSpec',
  'EngManEntCnm',
  'NoDangFlag',
  'DestCode',
  'GoodsSpec',
  'GoodsModel',
  'GoodsBrand',
  'ProduceDate',
  'ProdBatchNo',
  'DistrictCode',
  'CiqName',
  'MnufctrRegNo',
  'MnufctrRegName',
] as const;

/** Up to `digits` decimals, trailing zeros dropped. */
export function num(n: number, digits = 4): string {
  return String(Number(n.toFixed(digits)));
}

/** Two decimals, always. */
export function money(n: number): string {
  return (Math.round(n * 100) / 100).toFixed(2);
}

export function netKg(sample: Sample): number {
  return Number(sample.items.reduce((s, i) => s + i.netKg, 0).toFixed(3));
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Writes elements with an optional prefix and two-space indentation. */
class Writer {
  private readonly lines: string[] = [];
  constructor(private readonly prefix: string | undefined) {}

  private name(local: string): string {
    return this.prefix ? `${this.prefix}:${local}` : local;
  }

  leaf(depth: number, local: string, value: string | number | undefined): void {
    const v = value === undefined ? '' : String(value);
    const n = this.name(local);
    this.lines.push(`${'  '.repeat(depth)}${v === '' ? `<${n}/>` : `<${n}>${escape(v)}</${n}>`}`);
  }

  open(depth: number, local: string, attrs = ''): void {
    this.lines.push(`${'  '.repeat(depth)}<${this.name(local)}${attrs}>`);
  }

  close(depth: number, local: string): void {
    this.lines.push(`${'  '.repeat(depth)}</${this.name(local)}>`);
  }

  empty(depth: number, local: string): void {
    this.lines.push(`${'  '.repeat(depth)}<${this.name(local)}/>`);
  }

  /** A wrapper with repeated children, or an empty element when there are none. */
  group<T>(
    depth: number,
    local: string,
    rows: readonly T[],
    row: (t: T, depth: number) => void,
  ): void {
    if (rows.length === 0) return this.empty(depth, local);
    this.open(depth, local);
    for (const r of rows) row(r, depth + 1);
    this.close(depth, local);
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/** The head values derived from the parties, items and weights, merged over `sample.head`. */
function headValues(s: Sample): Record<string, string> {
  return {
    ...s.head,
    IEFlag: s.ieFlag,
    AgentCode: s.agent.code,
    AgentName: s.agent.name,
    AgentCodeScc: s.agent.scc,
    CopCode: s.agent.code,
    CopName: s.agent.name,
    CopCodeScc: s.agent.scc,
    DeclCiqCode: s.agent.ciqCode,
    TradeCode: s.trade.code,
    TradeName: s.trade.name,
    TradeCoScc: s.trade.scc,
    TradeCiqCode: s.trade.ciqCode,
    OwnerCode: s.owner.code,
    OwnerName: s.owner.name,
    OwnerCodeScc: s.owner.scc,
    OwnerCiqCode: s.owner.ciqCode,
    GrossWet: num(s.grossKg, 3),
    NetWt: num(netKg(s), 3),
    TypistNo: s.sign.icCode,
    InputerName: s.sign.operName,
    DeclareName: s.sign.operName,
    NoOtherPack: s.otherPacks && s.otherPacks.length > 0 ? '0' : '1',
    PDate: s.preparedAt.slice(0, 8),
  };
}

/**
 * The XML text of a sample, XML declaration included (naming the sample's encoding). The standard
 * XML samples keep the older `version="3.1"`; the gateway's own output (enterprise expected/)
 * writes its default `Version="4.8"`.
 */
export function renderDecMessage(
  s: Sample,
  version: { readonly attribute: string; readonly value: string } = {
    attribute: 'version',
    value: '3.1',
  },
): string {
  const w = new Writer(s.prefix);
  const ns = s.prefix
    ? ` xmlns:${s.prefix}="http://www.chinaport.gov.cn/dec"`
    : ' xmlns="http://www.chinaport.gov.cn/dec"';
  w.open(0, 'DecMessage', `${ns} ${version.attribute}="${version.value}"`);

  const head = headValues(s);
  w.open(1, 'DecHead');
  for (const f of HEAD_ORDER) w.leaf(2, f, head[f]);
  w.close(1, 'DecHead');

  w.group(1, 'DecLists', s.items, (item, d) => {
    const gNo = s.items.indexOf(item) + 1;
    const values: Record<string, string> = {
      CodeTS: item.codeTs,
      DeclPrice: num(item.declPrice),
      DutyMode: item.dutyMode,
      GModel: item.gModel,
      GName: item.gName,
      GNo: String(gNo),
      OriginCountry: item.originCountry,
      TradeCurr: s.currency,
      DeclTotal: money(item.declPrice * item.gQty),
      GQty: num(item.gQty),
      FirstQty: num(item.firstQty),
      SecondQty: item.secondQty === undefined ? '' : num(item.secondQty),
      GUnit: item.gUnit,
      FirstUnit: item.firstUnit,
      SecondUnit: item.secondUnit ?? '',
      ExgNo: item.exgNo ?? '',
      DestinationCountry: item.destinationCountry,
      CiqCode: item.ciqCode,
      Purpose: s.ieFlag === 'I' ? '99' : '',
      GoodsAttr: '19',
      DestCode: item.destCode ?? '',
      GoodsModel: item.goodsModel ?? '',
      GoodsBrand: item.goodsBrand ?? '',
      DistrictCode: item.districtCode,
    };
    w.open(d, 'DecList');
    for (const f of LIST_ORDER) w.leaf(d + 1, f, values[f]);
    w.close(d, 'DecList');
  });

  w.group(1, 'DecContainers', s.containers, (c, d) => {
    // A line split over several containers is shared out evenly among them.
    const goodsKg = c.goods.reduce((sum, gNo) => {
      const holders = s.containers.filter((k) => k.goods.includes(gNo)).length;
      return sum + (s.items[gNo - 1]?.netKg ?? 0) / holders;
    }, 0);
    w.open(d, 'Container');
    w.leaf(d + 1, 'ContainerId', c.id);
    w.leaf(d + 1, 'ContainerMd', c.md);
    w.leaf(d + 1, 'GoodsNo', c.goods.join(','));
    w.leaf(d + 1, 'LclFlag', c.lcl ? '1' : '0');
    w.leaf(d + 1, 'GoodsContaWt', num(goodsKg + c.tareKg, 3));
    w.leaf(d + 1, 'ContainerWt', num(c.tareKg, 3));
    w.close(d, 'Container');
  });

  w.group(1, 'DecLicenseDocus', s.licenses ?? [], (l, d) => {
    w.open(d, 'LicenseDocu');
    w.leaf(d + 1, 'DocuCode', l.docuCode);
    w.leaf(d + 1, 'CertCode', l.certCode);
    w.close(d, 'LicenseDocu');
  });
  w.empty(1, 'DecRequestCerts');
  w.group(1, 'DecOtherPacks', s.otherPacks ?? [], (p, d) => {
    w.open(d, 'DecOtherPack');
    w.leaf(d + 1, 'PackQty', p.packQty);
    w.leaf(d + 1, 'PackType', p.packType);
    w.close(d, 'DecOtherPack');
  });
  w.empty(1, 'DecCopLimits');
  w.empty(1, 'DecUsers');

  w.open(1, 'DecFreeTxt');
  for (const f of ['RelId', 'RelManNo', 'BonNo', 'VoyNo', 'DecBpNo', 'CusFie', 'DecNo'])
    w.leaf(2, f, s.freeTxt[f]);
  w.close(1, 'DecFreeTxt');

  w.open(1, 'DecSign');
  w.leaf(2, 'OperType', s.sign.operType);
  w.leaf(2, 'ICCode', s.sign.icCode);
  w.leaf(2, 'CopCode', s.agent.code);
  w.leaf(2, 'OperName', s.sign.operName);
  w.leaf(2, 'ClientSeqNo', s.sign.clientSeqNo);
  for (const f of ['Sign', 'SignDate', 'Certificate', 'HostId', 'BillSeqNo']) w.empty(2, f);
  w.leaf(2, 'DomainId', '1');
  w.empty(2, 'Note');
  w.close(1, 'DecSign');

  for (const e of s.edocs) {
    w.open(1, 'EdocRealation');
    w.leaf(2, 'EdocID', e.id);
    w.leaf(2, 'EdocCode', e.code);
    w.leaf(2, 'EdocFomatType', 'US');
    w.empty(2, 'OpNote');
    w.leaf(2, 'EdocCopId', e.fileName);
    w.leaf(2, 'EdocOwnerCode', s.trade.code);
    w.leaf(2, 'SignUnit', s.agent.code);
    w.leaf(2, 'SignTime', s.preparedAt);
    w.leaf(2, 'EdocOwnerName', s.trade.name);
    w.leaf(2, 'EdocSize', e.size);
    w.empty(2, 'GNoStr');
    w.close(1, 'EdocRealation');
  }
  w.close(0, 'DecMessage');
  const declaredAs = s.encoding === 'GBK' ? 'GBK' : 'UTF-8';
  return `<?xml version="1.0" encoding="${declaredAs}"?>\n${w.text()}`;
}
