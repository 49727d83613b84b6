import type { FieldKind, FieldSpec } from '../model/field-spec.js';
import { layoutLabel, type LayoutBlock, type TargetLayout } from '../mapping/layout.js';
import { XSD_FIELDS } from './xsd-fields.js';

/**
 * The 金二 (加贸/保税) layouts the gateway builds, from the official 2017 XSDs (seed-subsystems.md §9;
 * xsd-fields.ts is generated from them): 核注清单 INV101, 业务申报表 SAS101, 出入库单 SAS111 and 核放单
 * SAS121. Every business element is always written, in XSD order (the XSDs make every one of them
 * mandatory); an element the XSD cannot take empty (fixed length, numbers, xs:date) is required,
 * except the counters and spare numbers customs keep, which are written as 0 when left empty.
 */

export type Jin2MessageType = 'INV101' | 'SAS101' | 'SAS111' | 'SAS121';
export const JIN2_TYPES: readonly Jin2MessageType[] = ['INV101', 'SAS101', 'SAS111', 'SAS121'];

export interface Jin2Block extends LayoutBlock {
  readonly fields: readonly FieldSpec[];
  /** Fields written as 0 when left empty (customs-side counters and spare numbers). */
  readonly zeroFill: ReadonlySet<string>;
  /** EnvelopInfo is no business block: the builder writes it into Package/EnvelopInfo. */
  readonly envelope?: boolean;
}

export interface Jin2Layout extends TargetLayout {
  readonly message: Jin2MessageType;
  /** INV101 lives in the xmldsig namespace (its XSD's targetNamespace); the SAS ones in none. */
  readonly namespace?: string;
  /**
   * The head's 企业内部编号, the business key, when the XSD has one (INV101 etpsInnerInvtNo). The
   * SAS XSDs have none: their key is EnvelopInfo/business_id, else the message_id.
   */
  readonly keyField?: string;
  /** File-name suffix of EnvelopInfo/file_name (the receipts use .INV and .SAS). */
  readonly fileSuffix: string;
  readonly blocks: readonly Jin2Block[];
}

export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** Sequence numbers and amounts the enterprise declares; other numeric elements are filled with 0. */
const DECLARED_NUMBERS = new Set([
  'gdsSeqno',
  'putrecSeqno',
  'sasDclSeqno',
  'oriactGdsSeqno',
  'sasStockSeqno',
  'passportSeqno',
  'acmpFormSeqno',
  'endprdSeqno',
  'mtpckSeqno',
  'dclQty',
  'dclUprcAmt',
  'dclTotalAmt',
  'lawfQty',
  'grossWt',
  'netWt',
  'packageQty',
  'netUseupQty',
  'lossRate',
  'vehicleWt',
  'totalWt',
  'totalGrossWt',
  'totalNetWt',
]);

/** The XSD facets as a field kind; `double` has none, the gateway allows N24,5. */
function kindOf(type: string): FieldKind {
  const [t, arg = ''] = type.split(':');
  switch (t) {
    case 'max':
      return { t: 'text', max: Number(arg) };
    case 'len':
      return {
        t: 'pattern',
        re: new RegExp(`^.{${arg}}$`, 'u'),
        zh: `${arg} 个字符`,
        en: `exactly ${arg} characters`,
      };
    case 'int':
      return { t: 'number', int: Number(arg), frac: 0 };
    case 'dec': {
      const [i, f] = arg.split(',').map(Number);
      return { t: 'number', int: i!, frac: f! };
    }
    case 'double':
      return { t: 'number', int: 19, frac: 5 };
    case 'xsdate':
    case 'date':
      return { t: 'date' };
    case 'datetime':
      return { t: 'datetime' };
    default:
      return { t: 'text', max: Number.MAX_SAFE_INTEGER };
  }
}

/** True when the XSD refuses the element empty. */
const notEmpty = (type: string): boolean => /^(len|int|dec|double|xsdate)/.test(type);
const numeric = (type: string): boolean => /^(int|dec|double)/.test(type);

/**
 * Corrections to the XSD where it contradicts the data it describes: SasCentDclStock/bondInvtNo has
 * `length 64`, yet a 核注清单编号 has 18 characters and a new 清单 has none yet (customs assign it).
 */
const OVERRIDES: Readonly<Record<string, string>> = { 'SasCentDclStock.bondInvtNo': 'max:64' };

/** Code fields whose values the sources give (seed-subsystems.md §9.2; the receipt samples). */
const ENUMS: Readonly<Record<string, readonly string[]>> = {
  'BondInvtBsc.impexpMarkcd': ['I', 'E'],
  'BondInvtBsc.mtpckEndprdMarkcd': ['I', 'E'],
  'SasDclBsc.dclTypecd': ['1', '2', '3'],
  'SasStockBsc.dclTypecd': ['1', '3'],
  'SasPassportBsc.dclTypecd': ['1', '3'],
  'SasPassportBsc.ioTypecd': ['I', 'E'],
  'SasStockBsc.stockTypecd': ['I', 'E'],
};

function block(key: string, zh: string, repeated: boolean): Jin2Block {
  const fields: FieldSpec[] = [];
  const zeroFill = new Set<string>();
  for (const [name, label, xsdType] of XSD_FIELDS[key]!) {
    const type = OVERRIDES[`${key}.${name}`] ?? xsdType;
    const fill = numeric(type) && !DECLARED_NUMBERS.has(name);
    if (fill) zeroFill.add(name);
    const values = ENUMS[`${key}.${name}`];
    fields.push({
      name,
      zh: label,
      kind: values ? { t: 'enum', values } : kindOf(type),
      ...(notEmpty(type) && !fill ? { required: true } : {}),
    });
  }
  return { key, zh, repeated, fields, zeroFill };
}

/** Package/EnvelopInfo fields a mapping gives (message_id, file_name, message_type are derived). */
const ENVELOPE: Jin2Block = {
  key: 'EnvelopInfo',
  zh: '报文信封',
  repeated: false,
  envelope: true,
  zeroFill: new Set(),
  fields: [
    {
      name: 'version',
      zh: '版本号',
      kind: { t: 'pattern', re: /^.{3,11}$/u, zh: '3 至 11 个字符', en: '3 to 11 characters' },
      required: true,
    },
    { name: 'business_id', zh: '业务编号', kind: { t: 'text', max: 128 } },
    {
      name: 'sender_id',
      zh: '发送方 DXP 编号',
      kind: {
        t: 'pattern',
        re: /^.{4,16}$/u,
        zh: '4 至 16 个字符（企业 DXP 编号）',
        en: '4 to 16 characters (the enterprise DXP id)',
      },
      required: true,
    },
    {
      name: 'receiver_id',
      zh: '接收方 DXP 编号',
      kind: {
        t: 'pattern',
        re: /^.{4,16}$/u,
        zh: '4 至 16 个字符（如 DXPDSWSAS0000001）',
        en: '4 to 16 characters (e.g. DXPDSWSAS0000001)',
      },
      required: true,
    },
    { name: 'send_time', zh: '发送时间', kind: { t: 'datetime' }, required: true },
  ],
};

function layout(
  message: Jin2MessageType,
  keyField: string | undefined,
  blocks: readonly Jin2Block[],
  namespace?: string,
): Jin2Layout {
  const all = [ENVELOPE, ...blocks];
  return {
    message,
    ...(keyField ? { keyField } : {}),
    fileSuffix: message.startsWith('INV') ? 'INV' : 'SAS',
    blocks: all,
    headBlock: blocks[0]!.key,
    itemBlock: blocks[1]!.key,
    label: layoutLabel(all),
    ...(namespace ? { namespace } : {}),
  };
}

/** The 金二 layouts by message type. */
export const JIN2_LAYOUTS: Readonly<Record<Jin2MessageType, Jin2Layout>> = {
  INV101: layout(
    'INV101',
    'etpsInnerInvtNo',
    [
      block('BondInvtBsc', '核注清单表头', false),
      block('BondInvtDt', '核注清单表体', true),
      block('BondInvtAcmpFormDt', '清单随附单证', true),
      block('SasCentDclStock', '集报出入库单', true),
      block('BondInvtDtSimple', '简单加工成品', true),
    ],
    XMLDSIG_NS,
  ),
  SAS101: layout('SAS101', undefined, [
    block('SasDclBsc', '业务申报表表头', false),
    block('SasDclDt', '业务申报表表体', true),
    block('SasDclUcnsDt', '单耗表体', true),
    block('SasDclAcmpFormDt', '申报表随附单证', true),
  ]),
  SAS111: layout('SAS111', undefined, [
    block('SasStockBsc', '出入库单表头', false),
    block('SasStockDt', '出入库单表体', true),
  ]),
  SAS121: layout('SAS121', undefined, [
    block('SasPassportBsc', '核放单表头', false),
    block('SasPassportDt', '核放单表体', true),
    block('SasPassportRlt', '核放单关联单证', true),
  ]),
};
