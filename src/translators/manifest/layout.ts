import type { FieldKind, FieldSpec } from '../model/field-spec.js';
import { layoutLabel, type TargetLayout } from '../mapping/layout.js';

/**
 * 舱单 layouts (eport-formats.md §4): Head, Declaration (single) and Consignment (one per bill of
 * lading). Field names are element paths below their block (`BorderTransportMeans/JourneyID`);
 * the writer nests consecutive paths that share a parent. `TransportEquipment` holds the
 * container numbers of a bill separated by `;`. MT1101/MT2101 (and air MT1201/MT2201) share the
 * full shape; the arrival reports MT3101/MT3201 use the simpler one (§4.3 last paragraph).
 *
 * MT4101 装载舱单 and the 理货报告 MT5101/MT5102 (sea import/export) and MT5201/MT5202 (air) follow
 * the node trees of the spec pages quoted in seed-subsystems.md §8.2–8.3 (confidence [M]: no XSD,
 * lengths not captured); an element they share with MT1101 takes its length and format from there.
 * Their FunctionCode is 2 增加 or 3 删除. `AdditionalInformation/*` is written after the bills,
 * as the trees show it, for every type.
 */

export const MANIFEST_TYPES = [
  'MT1101',
  'MT2101',
  'MT3101',
  'MT1201',
  'MT2201',
  'MT3201',
  'MT4101',
  'MT5101',
  'MT5102',
  'MT5201',
  'MT5202',
] as const;
export type ManifestType = (typeof MANIFEST_TYPES)[number];

export interface ManifestLayout extends TargetLayout {
  readonly message: ManifestType;
  readonly blocks: readonly {
    key: string;
    zh: string;
    repeated: boolean;
    fields: readonly FieldSpec[];
  }[];
}

/** Namespace of a manifest message: urn:Declaration:datamodel:standard:CN:MT1101:1. */
export const manifestNamespace = (type: string): string =>
  `urn:Declaration:datamodel:standard:CN:${type}:1`;

/** The list separator inside the container cell. */
export const CONTAINER_SEPARATOR = /[;；]/;

const text = (max: number): FieldKind => ({ t: 'text', max });
const f = (name: string, zh: string, kind: FieldKind, required = false): FieldSpec => ({
  name,
  zh,
  kind,
  ...(required ? { required } : {}),
});
const R = true;
const weight: FieldKind = { t: 'number', int: 10, frac: 4, positive: true };
const count: FieldKind = {
  t: 'pattern',
  re: /^[1-9]\d{0,7}$/,
  zh: '正整数',
  en: 'a positive whole number',
};

/** Types whose FunctionCode is only 2 (增加) or 3 (删除): the loading manifest and the tally reports. */
const ADD_DELETE_TYPES: ReadonlySet<ManifestType> = new Set([
  'MT4101',
  'MT5101',
  'MT5102',
  'MT5201',
  'MT5202',
]);
const addOrDelete: FieldKind = {
  t: 'pattern',
  re: /^[23]$/,
  zh: '2（增加）或 3（删除）',
  en: '2 (add) or 3 (delete)',
};

const head = (type: ManifestType): ManifestLayout['blocks'][number] => ({
  key: 'Head',
  zh: '报文头',
  repeated: false,
  fields: [
    f(
      'MessageID',
      '报文编号',
      {
        t: 'pattern',
        re: /^[A-Za-z0-9_@.-]{1,70}$/,
        zh: '字母、数字、_ - . @，最长 70 位',
        en: 'letters, digits, _ - . @, at most 70',
      },
      R,
    ),
    f(
      'FunctionCode',
      '功能代码',
      ADD_DELETE_TYPES.has(type)
        ? addOrDelete
        : {
            t: 'pattern',
            re: /^\d{1,2}$/,
            zh: '1–2 位数字（9 原始/新增，2 增加，3 删除）',
            en: '1–2 digits (9 original, 2 add, 3 delete)',
          },
      R,
    ),
    f('MessageType', '报文类型', { t: 'enum', values: [type] }, R),
    f(
      'SenderID',
      '发送方代码',
      {
        t: 'pattern',
        re: /^\d{4}[0-9A-Z]{9}([_@A-Za-z0-9]*)?$/,
        zh: '4 位关区 + 9 位组织机构代码（13 位起）',
        en: '4-digit customs area + 9-character organisation code (13+ characters)',
      },
      R,
    ),
    f(
      'ReceiverID',
      '接收方代码',
      {
        t: 'pattern',
        re: /^(\d{4}|EPORT)$/,
        zh: '4 位关区代码或 EPORT',
        en: 'a 4-digit customs area or EPORT',
      },
      R,
    ),
    f(
      'SendTime',
      '发送时间',
      {
        t: 'pattern',
        re: /^\d{17}$/,
        zh: '17 位数字 yyyyMMddHHmmssSSS',
        en: '17 digits yyyyMMddHHmmssSSS',
      },
      R,
    ),
    f('Version', '版本号', { t: 'enum', values: ['1.0'] }, R),
  ],
});

const FULL_DECLARATION: readonly FieldSpec[] = [
  f('RepresentativePerson/Name', '舱单传输人', text(70)),
  f('ExitCustomsOffice/ID', '运输工具离境地海关', text(9)),
  f('Agent/ID', '运输工具代理企业代码', text(50)),
  f('Carrier/ID', '承运人代码', text(50)),
  f('BorderTransportMeans/JourneyID', '航次航班编号', text(17), R),
  f('BorderTransportMeans/TypeCode', '运输方式代码', text(3)),
  f('BorderTransportMeans/ID', '运输工具代码', text(35), R),
  f('BorderTransportMeans/Name', '运输工具名称', text(35)),
  f('BorderTransportMeans/FirstArrivalLocationID', '抵达关境内第一个目的港', text(5)),
  f('BorderTransportMeans/ArrivalDateTime', '抵达时间', text(14)),
  f('BorderTransportMeans/DepartureDateTime', '启运时间', text(14)),
  f('AdditionalInformation/Content', '备注', text(512)),
];

/**
 * Per-container details of `TransportEquipment` (§4.3, §8.2): cells parallel to the container
 * numbers, checked and written by equipment.ts; no lengths are sourced.
 */
const EQUIPMENT_FIELDS: readonly FieldSpec[] = [
  f('TransportEquipment', '集装箱号（多个用 ; 分隔）', text(100000)),
  f('TransportEquipment/CharacteristicCode', '集装箱尺寸和类型（每箱一项，; 分隔）', text(100000)),
  f('TransportEquipment/FullnessCode', '重箱或空箱标识（每箱一项，; 分隔）', text(100000)),
  f('TransportEquipment/SealID', '封志号（每箱一项，; 分隔；同箱多个用 , 分隔）', text(100000)),
  f('TransportEquipment/SealID@AgencyCode', '施封人（与封志号对应）', text(100000)),
];

const FULL_CONSIGNMENT: readonly FieldSpec[] = [
  f('TransportContractDocument/ID', '总提运单号', text(35), R),
  f('TransportContractDocument/ConditionCode', '运输条款', text(3)),
  f('AssociatedTransportDocument/ID', '分提运单号', text(35)),
  f('GrossVolumeMeasure', '货物体积（立方米）', { t: 'number', int: 10, frac: 4 }),
  f('LoadingLocation/ID', '装货地代码', text(5)),
  f('LoadingLocation/LoadingDate', '装货日期', text(14)),
  f('UnloadingLocation/ID', '卸货地代码', text(9)),
  f('UnloadingLocation/ArrivalDate', '到达卸货地日期', text(8)),
  f('GoodsReceiptPlace/ID', '收货地代码', text(5)),
  f('GoodsReceiptPlace/Name', '收货地名称', text(70)),
  f('FreightPayment/MethodCode', '运费支付方法', { t: 'enum', values: ['PP', 'CC', 'FF'] }),
  f('ConsignmentPackaging/QuantityQuantity', '货物总件数', count, R),
  f('ConsignmentPackaging/TypeCode', '包装种类', text(2), R),
  f('TotalGrossMassMeasure', '货物总毛重（千克）', weight, R),
  f('Consignee/Name', '收货人名称', text(70)),
  f('Consignor/Name', '发货人名称', text(70)),
  f('NotifyParty/Name', '通知人名称', text(70)),
  ...EQUIPMENT_FIELDS,
  f('ConsignmentItem/SequenceNumeric', '货物序号', count),
  f('ConsignmentItem/Commodity/CargoDescription', '货物简要描述', text(512), R),
];

const ARRIVAL_DECLARATION: readonly FieldSpec[] = [
  f(
    'DeclarationOfficeID',
    '申报地海关',
    { t: 'pattern', re: /^\d{4}$/, zh: '4 位关区代码', en: 'a 4-digit customs code' },
    R,
  ),
  f('BorderTransportMeans/JourneyID', '航次航班编号', text(17), R),
  f('BorderTransportMeans/ID', '运输工具代码', text(35), R),
  f('AdditionalInformation/Content', '备注', text(512)),
];

const ARRIVAL_CONSIGNMENT: readonly FieldSpec[] = [
  f('TransportContractDocument/ID', '总提运单号', text(35), R),
  f('AssociatedTransportDocument/ID', '分提运单号', text(35)),
  f('ConsignmentPackaging/QuantityQuantity', '货物总件数', count, R),
  f('TotalGrossMassMeasure', '货物总毛重（千克）', weight, R),
  f('TransportEquipment', '集装箱号（多个用 ; 分隔）', text(100000)),
];

/** MT4101 装载舱单 (§8.2): the carrier's loading list, bill by bill with its containers. */
const LOADING_DECLARATION: readonly FieldSpec[] = [
  f('Carrier/ID', '承运人代码', text(50), R),
  f('BorderTransportMeans/JourneyID', '航次航班编号', text(17), R),
  f('BorderTransportMeans/TypeCode', '运输方式代码', text(3), R),
  f('BorderTransportMeans/ID', '运输工具代码', text(35), R),
  f('BorderTransportMeans/Name', '运输工具名称', text(35)),
  f('AdditionalInformation/Content', '备注', text(512)),
];

const LOADING_CONSIGNMENT: readonly FieldSpec[] = [
  f('TransportContractDocument/ID', '总提运单号', text(35), R),
  f('LoadingLocation/ID', '装货地代码', text(5), R),
  f('LoadingLocation/LoadingDate', '装货日期', text(14)),
  f('ConsignmentPackaging/QuantityQuantity', '货物总件数', count, R),
  f('ConsignmentPackaging/TypeCode', '包装种类', text(2), R),
  f('TotalGrossMassMeasure', '货物总毛重（千克）', weight, R),
  f('TransportSplitIndicator', '分批标志', text(1)),
  ...EQUIPMENT_FIELDS,
  f('ConsignmentItem/Commodity/CargoDescription', '货物简要描述', text(512)),
];

/** MT5101/MT5102/MT5201/MT5202 理货报告 (§8.3): the tally party's count of what was (un)loaded. */
const TALLY_DECLARATION: readonly FieldSpec[] = [
  f(
    'DeclarationOfficeID',
    '申报地海关',
    { t: 'pattern', re: /^\d{4}$/, zh: '4 位关区代码', en: 'a 4-digit customs code' },
    R,
  ),
  f('BorderTransportMeans/JourneyID', '航次航班编号（空运：航班号/CCYYMMDD）', text(17), R),
  f('BorderTransportMeans/TypeCode', '运输方式代码', text(3), R),
  f('BorderTransportMeans/ID', '运输工具代码', text(35)),
  f('BorderTransportMeans/Name', '运输工具名称', text(35)),
  f('BorderTransportMeans/ActualDateTime', '装卸开始时间', text(14), R),
  f('BorderTransportMeans/CompletedDateTime', '装卸结束时间', text(14), R),
  f('BorderTransportMeans/LoadingLocation/ID', '装货地代码', text(5), R),
  // `{UN/LOCODE or IATA code}/{关区}`, e.g. CNSHA/2248 (10 characters, seed-subsystems.md §8.1).
  f('BorderTransportMeans/UnloadingLocation/ID', '卸货地代码（港口代码/关区）', text(10), R),
  f('BorderTransportMeans/Master/Name', '船长/机长姓名', text(70)),
  f('TallyParty/ID', '理货单位代码', text(50), R),
  f('TallyParty/Contact/Name', '理货联系人', text(70)),
  f('TallyParty/Contact/Communication/ID', '联系号码', text(50)),
  f('TallyParty/Contact/Communication/TypeID', '通讯方式类别', text(3)),
];

const TALLY_CONSIGNMENT: readonly FieldSpec[] = [
  f('NativeBillNo', '原始提运单号', text(35)),
  f('TransportContractDocument/ID', '总提运单号', text(35), R),
  f('AssociatedTransportDocument/ID', '分提运单号', text(35)),
  f('ConsignmentPackaging/QuantityQuantity', '理货件数', count, R),
  f('ConsignmentPackaging/TypeCode', '包装种类', text(2)),
  f('TotalGrossMassMeasure', '货物总毛重（千克）', weight),
  f('TransportEquipment', '集装箱号（多个用 ; 分隔）', text(100000)),
];

function shapeOf(type: ManifestType): {
  declaration: readonly FieldSpec[];
  consignment: readonly FieldSpec[];
} {
  if (type === 'MT3101' || type === 'MT3201')
    return { declaration: ARRIVAL_DECLARATION, consignment: ARRIVAL_CONSIGNMENT };
  if (type === 'MT4101')
    return { declaration: LOADING_DECLARATION, consignment: LOADING_CONSIGNMENT };
  if (type.startsWith('MT5'))
    return { declaration: TALLY_DECLARATION, consignment: TALLY_CONSIGNMENT };
  return { declaration: FULL_DECLARATION, consignment: FULL_CONSIGNMENT };
}

function layout(type: ManifestType): ManifestLayout {
  const shape = shapeOf(type);
  const blocks: ManifestLayout['blocks'] = [
    head(type),
    { key: 'Declaration', zh: '舱单数据', repeated: false, fields: shape.declaration },
    { key: 'Consignment', zh: '提运单', repeated: true, fields: shape.consignment },
  ];
  return {
    message: type,
    blocks,
    headBlock: 'Head',
    itemBlock: 'Consignment',
    label: layoutLabel(blocks),
  };
}

/** The manifest layouts by message type. */
export const MANIFEST_LAYOUTS: Readonly<Record<ManifestType, ManifestLayout>> = Object.fromEntries(
  MANIFEST_TYPES.map((t) => [t, layout(t)]),
) as Record<ManifestType, ManifestLayout>;
