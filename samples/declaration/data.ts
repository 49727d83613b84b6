/**
 * The sample declarations. Every company, person, vessel, container and document number here is
 * invented for this project (company names carry 演示 / DEMO); customs codes, 统一社会信用代码 and
 * container numbers are made up but carry valid check characters. Codes follow eport-formats.md §9.
 */
import { containerNo, uscc } from './codes.js';
import type { Item, Party, Sample } from './render.js';

function party(code: string, region: string, orgBody: string, name: string, ciqCode: string): Party {
  return { code, scc: uscc(region, orgBody), name, ciqCode };
}

// Parties ---------------------------------------------------------------------------------------

const shAgent = party('3122980A17', '310115', 'MA1KDP4E', '上海云帆演示报关有限公司', '3100910417');
const shImporter = party('3122260M31', '310115', 'MA1H7R2C', '上海澜帆演示电子科技有限公司', '3100622038');
const shLab = party('3122960D42', '310112', 'MA1J3N8W', '上海格致演示分析仪器有限公司', '3100655291');
const xmAgent = party('3502980C05', '350206', 'MA2Y6T1B', '厦门鹭通演示报关有限公司', '3700900163');
const xmExporter = party('3502960B24', '350206', 'MA31QX5H', '厦门海澄演示服饰进出口有限公司', '3700601127');
const qzMaker = party('3505960N12', '350582', 'MA2XKL70', '泉州织锦演示制衣有限公司', '3703600845');
const nbAgent = party('3302980F61', '330206', 'MA2GE9U3', '宁波港融演示报关有限公司', '3800900274');
const nbImporter = party('3302960E18', '330206', 'MA2H0C4R', '宁波甬味演示食品贸易有限公司', '3800602519');
const szAgent = party('4403980H29', '440305', 'MA5FN2K8', '深圳前湾演示报关有限公司', '4700900388');
const szExporter = party('4403960G73', '440305', 'MA5D8W1P', '深圳蓝砧演示五金电器有限公司', '4700603762');
const szImporter = party('4403960L94', '440304', 'MA5HQ6T2', '深圳鹏云演示数码贸易有限公司', '4700604410');
const gzAgent = party('4401980K36', '440113', 'MA59XR3L', '广州穗关演示报关有限公司', '4400900537');
const gzExporter = party('4401960J58', '440113', 'MA5A2M7U', '广州瓷韵演示陶瓷制品有限公司', '4400601986');

/** Head fields most declarations share. */
function baseHead(fields: Record<string, string>): Record<string, string> {
  return {
    SeqNo: '',
    Type: '',
    ApprNo: '',
    LicenseNo: '',
    ManualNo: '',
    EntryId: '',
    PreEntryId: '',
    EdiId: '1',
    Risk: '',
    EntryType: 'M',
    DeclTrnRel: '0',
    ChkSurety: '0',
    MarkNo: 'N/M',
    CheckFlow: '0',
    TaxAaminMark: '0',
    SpecDeclFlag: '0000000',
    OrigBoxFlag: '0',
    ...fields,
  };
}

type ItemInput = Omit<Item, 'originCountry' | 'destinationCountry' | 'dutyMode' | 'districtCode'> &
  Partial<Pick<Item, 'originCountry' | 'destinationCountry' | 'dutyMode' | 'districtCode'>>;

/** Fills the per-declaration defaults of its lines. */
function lines(defaults: Pick<Item, 'originCountry' | 'destinationCountry' | 'dutyMode' | 'districtCode'>, rows: readonly ItemInput[]): Item[] {
  return rows.map((r) => ({ ...defaults, ...r }));
}

// 1. Import of electronic components from Germany, sea, UTF-8 --------------------------------------

const importComponents: Sample = {
  file: 'dec-01-import-components-utf8.xml',
  encoding: 'UTF-8',
  summary: '一般贸易进口电子元器件（德国，海运，CIF，欧元） / general-trade import of electronic components (DEU, sea, CIF, EUR)',
  ieFlag: 'I',
  currency: 'EUR',
  preparedAt: '20260105093012',
  trade: shImporter,
  owner: shImporter,
  agent: shAgent,
  head: baseHead({
    BillNo: 'SBXE260100417',
    ContrNo: 'LF-NW-2026-0017',
    CustomMaster: '2248',
    CutMode: '101',
    DistinatePort: 'DEU093',
    FeeCurr: '',
    FeeMark: '',
    FeeRate: '',
    IEDate: '20260104',
    IEPort: '2248',
    InsurCurr: '',
    InsurMark: '',
    InsurRate: '',
    NoteS: '随附发票、装箱单及合同；货物为工业控制设备零部件',
    PackNo: '24',
    TradeCountry: 'DEU',
    TradeMode: '0110',
    TrafMode: '2',
    TrafName: 'SANDBOX HARMONY',
    TransMode: '1',
    WrapType: '22',
    PromiseItmes: '00000',
    TradeAreaCode: 'DEU',
    DespPortCode: 'DEU093',
    EntyPortCode: '310301',
    GoodsPlace: '上海外高桥港区演示堆场',
    BLNo: 'SBXE260100417',
    DespDate: '20251201',
    OverseasConsignorCode: 'NO',
    OverseasConsignorCname: '',
    OverseasConsignorEname: 'NORDWIND DEMO ELEKTRONIK GMBH',
    OverseasConsignorAddr: 'MUSTERSTRASSE 12, 20095 HAMBURG, GERMANY',
    DomesticConsigneeEname: 'SHANGHAI LANFAN DEMO ELECTRONIC TECHNOLOGY CO., LTD.',
  }),
  grossKg: 6072.5,
  items: lines({ originCountry: 'DEU', destinationCountry: 'CHN', dutyMode: '1', districtCode: '31222' }, [
    {
      codeTs: '8542319000', ciqCode: '999', gName: '处理器及控制器',
      gModel: '4|3|集成电路|多元件集成电路|处理器及控制器|工业控制用|NORDWIND牌|型号NWC-4820',
      gQty: 2000, gUnit: '007', declPrice: 18.5, firstQty: 2000, firstUnit: '007', secondQty: 12.4, secondUnit: '035',
      goodsBrand: 'NORDWIND', goodsModel: 'NWC-4820', destCode: '310115', netKg: 12.4,
    },
    {
      codeTs: '8536690000', ciqCode: '999', gName: '连接器插座',
      gModel: '4|3|插座|用于电路连接|电压36V|NORDWIND牌|型号NWK-12P',
      gQty: 50000, gUnit: '007', declPrice: 0.36, firstQty: 85, firstUnit: '035', secondQty: 50000, secondUnit: '007',
      goodsBrand: 'NORDWIND', goodsModel: 'NWK-12P', destCode: '310115', netKg: 85,
    },
    {
      codeTs: '8504409999', ciqCode: '999', gName: '开关电源',
      gModel: '4|3|静止式变流器|交流转直流|输出功率240W|NORDWIND牌|型号NWP-240',
      gQty: 3000, gUnit: '007', declPrice: 42.8, firstQty: 3000, firstUnit: '007', secondQty: 4200, secondUnit: '035',
      goodsBrand: 'NORDWIND', goodsModel: 'NWP-240', destCode: '310115', netKg: 4200,
    },
    {
      codeTs: '9032899090', ciqCode: '999', gName: '温度控制器',
      gModel: '4|3|自动调节仪器|工业炉温度控制|电子式|NORDWIND牌|型号NWT-900',
      gQty: 400, gUnit: '001', declPrice: 265, firstQty: 400, firstUnit: '001', secondQty: 960, secondUnit: '035',
      goodsBrand: 'NORDWIND', goodsModel: 'NWT-900', destCode: '310115', netKg: 960,
    },
  ]),
  containers: [
    { id: containerNo('SBX', '200417'), md: '21', goods: [1, 2, 3], tareKg: 2230 },
    { id: containerNo('SBX', '200418'), md: '21', goods: [3, 4], tareKg: 2230 },
  ],
  otherPacks: [{ packType: '92', packQty: 4 }],
  freeTxt: { RelId: '', RelManNo: '', BonNo: '', VoyNo: '2601E', DecBpNo: '021-50000417', CusFie: '', DecNo: '31000417' },
  sign: { operType: 'C', icCode: '2100990000417', operName: '王演示', clientSeqNo: 'EPGW20260105000101' },
  edocs: [
    { id: 'ED2026010500000417', code: '00000001', fileName: 'INV-LF-NW-2026-0017.pdf', size: 183_204 },
    { id: 'ED2026010500000418', code: '00000002', fileName: 'PL-LF-NW-2026-0017.pdf', size: 96_511 },
  ],
};

// 2. Export of apparel to the USA, sea, UTF-8 -----------------------------------------------------

const apparelRows: ItemInput[] = [
  ['6109100021', '男式棉制针织T恤衫', 'T恤衫|男式|针织|100%棉', 'HC-T2601', 12000, 2.35, 2160],
  ['6109100022', '女式棉制针织T恤衫', 'T恤衫|女式|针织|100%棉', 'HC-T2602', 10000, 2.2, 1650],
  ['6109902090', '男式化纤针织T恤衫', 'T恤衫|男式|针织|100%聚酯纤维', 'HC-T2603', 8000, 1.95, 1120],
  ['6110200010', '男式棉制针织套头衫', '套头衫|男式|针织|80%棉20%聚酯纤维', 'HC-S2601', 3000, 6.4, 1500],
  ['6110200020', '女式棉制针织开襟衫', '开襟衫|女式|针织|80%棉20%聚酯纤维', 'HC-S2602', 2500, 6.8, 1125],
  ['6203420090', '男式棉制梭织长裤', '长裤|男式|梭织|98%棉2%氨纶', 'HC-P2601', 4000, 7.9, 2200],
  ['6204620090', '女式棉制梭织长裤', '长裤|女式|梭织|98%棉2%氨纶', 'HC-P2602', 3500, 7.6, 1750],
  ['6205200099', '男式棉制梭织衬衫', '衬衫|男式|梭织|100%棉', 'HC-H2601', 3000, 5.2, 780],
  ['6206300090', '女式棉制梭织衬衫', '衬衫|女式|梭织|100%棉', 'HC-H2602', 2800, 5.05, 700],
  ['6104620090', '女式棉制针织短裤', '短裤|女式|针织|95%棉5%氨纶', 'HC-D2601', 5000, 2.6, 900],
  ['6103420090', '男式棉制针织短裤', '短裤|男式|针织|95%棉5%氨纶', 'HC-D2602', 5000, 2.75, 1000],
  ['6111200090', '婴儿棉制针织连身衣', '连身衣|婴儿|针织|100%棉', 'HC-B2601', 6000, 1.85, 540],
].map(([codeTs, gName, elements, exgNo, qty, price, kg]) => ({
  codeTs: String(codeTs),
  ciqCode: '999',
  gName: String(gName),
  gModel: `0|0|${String(elements)}|无品牌|货号${String(exgNo)}`,
  gQty: Number(qty),
  gUnit: '011',
  declPrice: Number(price),
  firstQty: Number(qty),
  firstUnit: '011',
  secondQty: Number(kg),
  secondUnit: '035',
  exgNo: String(exgNo),
  goodsModel: String(exgNo),
  netKg: Number(kg),
}));

const exportApparel: Sample = {
  file: 'dec-02-export-apparel-utf8.xml',
  encoding: 'UTF-8',
  summary: '一般贸易出口服装（美国，海运，FOB，美元） / general-trade export of apparel (USA, sea, FOB, USD)',
  ieFlag: 'E',
  currency: 'USD',
  preparedAt: '20260106141530',
  trade: xmExporter,
  owner: qzMaker,
  agent: xmAgent,
  head: baseHead({
    BillNo: 'SBXX2601XM0233',
    ContrNo: 'HC-SO-2026-0233',
    CustomMaster: '3702',
    CutMode: '101',
    DistinatePort: 'USA138',
    IEDate: '',
    IEPort: '3702',
    NoteS: '出口服装，货源地泉州；随附发票及装箱单',
    PackNo: '1386',
    TradeCountry: 'USA',
    TradeMode: '0110',
    TrafMode: '2',
    TrafName: 'SANDBOX PIONEER',
    TransMode: '3',
    WrapType: '22',
    PromiseItmes: '',
    TradeAreaCode: 'USA',
    EntyPortCode: '350201',
    GoodsPlace: '厦门海天演示码头',
    BLNo: 'SBXX2601XM0233',
    OverseasConsigneeCode: 'NO',
    OverseasConsigneeEname: 'SANDBOX OUTFITTERS DEMO INC.',
    DomesticConsigneeEname: 'XIAMEN HAICHENG DEMO APPAREL IMP. & EXP. CO., LTD.',
  }),
  grossKg: 17210,
  items: lines({ originCountry: 'CHN', destinationCountry: 'USA', dutyMode: '1', districtCode: '35059' }, apparelRows),
  containers: [
    { id: containerNo('SBX', '400233'), md: '11', goods: [1, 2, 3, 4], tareKg: 3750 },
    { id: containerNo('SBX', '400234'), md: '11', goods: [5, 6, 7, 8], tareKg: 3750 },
    { id: containerNo('SBX', '400235'), md: '11', goods: [9, 10, 11, 12], tareKg: 3750 },
  ],
  freeTxt: { RelId: '', RelManNo: '', BonNo: '', VoyNo: '2602W', DecBpNo: '0592-5000233', CusFie: '', DecNo: '37000233' },
  sign: { operType: 'C', icCode: '2100990000233', operName: '陈演示', clientSeqNo: 'EPGW20260106000102' },
  edocs: [
    { id: 'ED2026010600000233', code: '00000001', fileName: 'INV-HC-SO-2026-0233.pdf', size: 241_877 },
    { id: 'ED2026010600000234', code: '00000002', fileName: 'PL-HC-SO-2026-0233.pdf', size: 130_409 },
  ],
};

// 3. Import of a mass spectrometer from Japan, air, UTF-8 with BOM ----------------------------------

const importInstrument: Sample = {
  file: 'dec-03-import-instrument-utf8-bom.xml',
  encoding: 'UTF-8-BOM',
  summary: '一般贸易进口质谱仪（日本，空运，FOB，日元，运保费另报） / import of one mass spectrometer (JPN, air, FOB, JPY, freight and insurance declared)',
  ieFlag: 'I',
  currency: 'JPY',
  preparedAt: '20260107101545',
  trade: shLab,
  owner: shLab,
  agent: shAgent,
  head: baseHead({
    BillNo: '999-20260107',
    ContrNo: 'GZ-SK-2026-0008',
    CustomMaster: '2233',
    CutMode: '101',
    DistinatePort: 'JPN011',
    FeeCurr: 'CNY',
    FeeMark: '3',
    FeeRate: '12800',
    IEDate: '20260107',
    IEPort: '2233',
    InsurCurr: '',
    InsurMark: '1',
    InsurRate: '0.3',
    NoteS: '实验室用质谱仪，木箱包装；运费按总价、保险费按费率申报',
    PackNo: '2',
    TradeCountry: 'JPN',
    TradeMode: '0110',
    TrafMode: '5',
    TrafName: 'CA1040',
    TransMode: '3',
    WrapType: '23',
    PromiseItmes: '00000',
    TradeAreaCode: 'JPN',
    DespPortCode: 'JPN011',
    EntyPortCode: '310501',
    GoodsPlace: '浦东国际机场演示货站',
    BLNo: '999-20260107',
    DespDate: '20260106',
    OverseasConsignorCode: 'NO',
    OverseasConsignorEname: 'SAKURA DEMO INSTRUMENTS CO., LTD.',
    OverseasConsignorAddr: '1-2-3 SAMPLE-CHO, CHIYODA-KU, TOKYO, JAPAN',
    DomesticConsigneeEname: 'SHANGHAI GEZHI DEMO ANALYTICAL INSTRUMENTS CO., LTD.',
  }),
  grossKg: 566,
  items: lines({ originCountry: 'JPN', destinationCountry: 'CHN', dutyMode: '1', districtCode: '31122' }, [
    {
      codeTs: '9027819000', ciqCode: '999', gName: '四极杆质谱仪',
      gModel: '4|3|质谱仪|实验室成分分析|利用离子质荷比进行分析|SAKURADEMO牌|型号QMS-9100',
      gQty: 1, gUnit: '001', declPrice: 38_600_000, firstQty: 1, firstUnit: '001',
      goodsBrand: 'SAKURADEMO', goodsModel: 'QMS-9100', destCode: '310112', netKg: 418,
    },
  ]),
  containers: [],
  freeTxt: { RelId: '', RelManNo: '', BonNo: '', VoyNo: '', DecBpNo: '021-50000417', CusFie: '', DecNo: '31000417' },
  sign: { operType: 'C', icCode: '2100990000417', operName: '王演示', clientSeqNo: 'EPGW20260107000103' },
  edocs: [{ id: 'ED2026010700000008', code: '00000001', fileName: 'INV-GZ-SK-2026-0008.pdf', size: 77_310 }],
};

// 4. Import of food from Australia, sea, GBK --------------------------------------------------------

const importFood: Sample = {
  file: 'dec-04-import-food-gbk.xml',
  encoding: 'GBK',
  summary: '一般贸易进口食品（澳大利亚，海运，C&F，澳元，GBK 编码） / import of food (AUS, sea, C&F, AUD, GBK-encoded)',
  ieFlag: 'I',
  currency: 'AUD',
  preparedAt: '20260108083020',
  trade: nbImporter,
  owner: nbImporter,
  agent: nbAgent,
  head: baseHead({
    BillNo: 'SBXN2601AU0519',
    ContrNo: 'YW-SC-2026-0519',
    CustomMaster: '3104',
    CutMode: '101',
    DistinatePort: 'AUS015',
    IEDate: '20260107',
    IEPort: '3104',
    InsurCurr: '',
    InsurMark: '1',
    InsurRate: '0.3',
    NoteS: '进口预包装食品，随附卫生证书与原产地证书；奶粉、咖啡豆、葡萄酒、饼干、蜂蜜、夏威夷果',
    PackNo: '1180',
    TradeCountry: 'AUS',
    TradeMode: '0110',
    TrafMode: '2',
    TrafName: 'SANDBOX SOUTHERN STAR',
    TransMode: '2',
    WrapType: '22',
    PromiseItmes: '00000',
    TradeAreaCode: 'AUS',
    DespPortCode: 'AUS015',
    EntyPortCode: '330201',
    GoodsPlace: '宁波北仑港演示冷链查验场',
    BLNo: 'SBXN2601AU0519',
    DespDate: '20251218',
    OverseasConsignorCode: 'NO',
    OverseasConsignorEname: 'SOUTHERN CROSS DEMO FOODS PTY LTD',
    OverseasConsignorAddr: '100 EXAMPLE ROAD, MELBOURNE VIC 3000, AUSTRALIA',
    DomesticConsigneeEname: 'NINGBO YONGWEI DEMO FOOD TRADING CO., LTD.',
  }),
  grossKg: 15_380,
  items: lines({ originCountry: 'AUS', destinationCountry: 'CHN', dutyMode: '1', districtCode: '33029' }, [
    {
      codeTs: '0402210000', ciqCode: '101', gName: '全脂乳粉',
      gModel: '4|3|全脂乳粉|未加糖|脂肪含量26%|25千克/袋|南十字演示牌',
      gQty: 8000, gUnit: '035', declPrice: 6.85, firstQty: 8000, firstUnit: '035', destCode: '330206', netKg: 8000,
    },
    {
      codeTs: '0901210000', ciqCode: '101', gName: '焙炒咖啡豆',
      gModel: '4|3|已焙炒|未浸除咖啡碱|咖啡豆|1千克/袋|南十字演示牌',
      gQty: 1200, gUnit: '035', declPrice: 21.4, firstQty: 1200, firstUnit: '035', destCode: '330206', netKg: 1200,
    },
    {
      codeTs: '2204210000', ciqCode: '101', gName: '红葡萄酒',
      gModel: '4|3|鲜葡萄酿造|750毫升/瓶|酒精度13.5%|西拉|南十字演示牌|2023年份',
      gQty: 3600, gUnit: '142', declPrice: 9.6, firstQty: 2700, firstUnit: '095', secondQty: 4320, secondUnit: '035',
      destCode: '330206', netKg: 4320,
    },
    {
      codeTs: '1905310000', ciqCode: '101', gName: '黄油曲奇饼干',
      gModel: '4|3|甜饼干|小麦粉、黄油、白砂糖|500克/盒|南十字演示牌',
      gQty: 600, gUnit: '035', declPrice: 8.2, firstQty: 600, firstUnit: '035', destCode: '330206', netKg: 600,
    },
    {
      codeTs: '0409000000', ciqCode: '101', gName: '天然蜂蜜',
      gModel: '4|3|天然蜂蜜|桉树花蜜|500克/瓶|南十字演示牌',
      gQty: 240, gUnit: '035', declPrice: 15.5, firstQty: 240, firstUnit: '035', destCode: '330206', netKg: 240,
    },
    {
      codeTs: '0802620000', ciqCode: '101', gName: '去壳夏威夷果仁',
      gModel: '4|3|夏威夷果|去壳|烘烤|1千克/袋|南十字演示牌',
      gQty: 180, gUnit: '035', declPrice: 24, firstQty: 180, firstUnit: '035', destCode: '330206', netKg: 180,
    },
  ]),
  containers: [{ id: containerNo('EPG', '310519'), md: '11', goods: [1, 2, 3, 4, 5, 6], tareKg: 3800 }],
  licenses: [{ docuCode: 'Y', certCode: 'AU2026DEMO000519' }],
  freeTxt: { RelId: '', RelManNo: '', BonNo: '', VoyNo: '2601N', DecBpNo: '0574-55000519', CusFie: '', DecNo: '38000519' },
  sign: { operType: 'C', icCode: '2100990000519', operName: '李演示', clientSeqNo: 'EPGW20260108000104' },
  edocs: [
    { id: 'ED2026010800000519', code: '00000001', fileName: 'INV-YW-SC-2026-0519.pdf', size: 150_022 },
    { id: 'ED2026010800000520', code: '00000004', fileName: 'CON-YW-SC-2026-0519.pdf', size: 402_118 },
  ],
};

// 5. Export of tools and small appliances to Germany, sea, GBK, 20 lines -------------------------------

const toolRows: ItemInput[] = [
  ['8467211000', '手提式电动钻', '钻孔用|手提式|带电动机|功率650W', 'LZ-D650', '001', 1800, 14.2, 3060],
  ['8467221000', '电动链锯', '锯木用|手提式|带电动机|功率1800W', 'LZ-C1800', '001', 600, 38.5, 2820],
  ['8467291000', '电动角磨机', '打磨用|手提式|带电动机|功率900W', 'LZ-G900', '001', 1500, 11.6, 2700],
  ['8467890000', '手提式气动打钉枪', '打钉用|手提式|非电动|气动', 'LZ-N50', '001', 800, 16.3, 1280],
  ['8508110000', '真空吸尘器', '家用|功率1200W|集尘容积15升', 'LZ-V1200', '001', 1200, 32, 6000],
  ['8509400090', '食品搅拌机', '家用|功率600W|容量1.5升', 'LZ-B600', '001', 1500, 12.8, 4200],
  ['8516310000', '电吹风机', '家用|功率1800W', 'LZ-H1800', '001', 3000, 5.6, 1800],
  ['8516500000', '微波炉', '家用|功率700W|容积20升', 'LZ-M20', '001', 800, 41, 9600],
  ['8516609000', '电烤箱', '家用|功率1500W|容积30升', 'LZ-O30', '001', 600, 29.5, 4800],
  ['8516710000', '电咖啡机', '家用|功率1100W|滴漏式', 'LZ-K1100', '001', 1000, 18.9, 2500],
  ['8516720000', '多士炉', '家用|功率800W|两片式', 'LZ-T800', '001', 1200, 7.4, 1800],
  ['8414519200', '吊扇', '家用|功率60W|扇叶直径1.3米', 'LZ-F130', '001', 900, 17.2, 4050],
  ['8414519100', '台扇', '家用|功率40W|扇叶直径30厘米', 'LZ-F30', '001', 2400, 6.3, 5520],
  ['8414519900', '落地扇', '家用|功率50W|扇叶直径40厘米', 'LZ-F40', '001', 1600, 9.1, 6080],
  ['8513101000', '充电式手电筒', '自带电源|锂电池|LED光源', 'LZ-L200', '007', 6000, 2.15, 1200],
  ['8205400000', '螺丝刀套装', '手工工具|铬钒钢|6件套', 'LZ-S6', '006', 5000, 1.9, 2250],
  ['8204110000', '双头呆扳手', '手工工具|不可调|铬钒钢', 'LZ-W12', '016', 8000, 0.85, 1600],
  ['8203200000', '钢丝钳', '手工工具|碳钢|8英寸', 'LZ-P8', '016', 6000, 1.25, 1800],
  ['8424200000', '手持式喷枪', '喷涂用|手持式|电动|功率450W', 'LZ-SP450', '001', 700, 13.7, 1050],
  ['9405119000', 'LED吸顶灯', '室内照明|LED光源|功率24W', 'LZ-CL24', '007', 2500, 6.2, 3000],
].map(([codeTs, gName, elements, model, unit, qty, price, kg]) => {
  const byWeight = codeTs === '8205400000' || codeTs === '8204110000' || codeTs === '8203200000';
  return {
    codeTs: String(codeTs),
    ciqCode: '999',
    gName: String(gName),
    gModel: `1|0|${String(gName)}|${String(elements)}|蓝砧演示牌|型号${String(model)}`,
    gQty: Number(qty),
    gUnit: String(unit),
    declPrice: Number(price),
    firstQty: byWeight ? Number(kg) : Number(qty),
    firstUnit: byWeight ? '035' : String(unit),
    ...(byWeight ? {} : { secondQty: Number(kg), secondUnit: '035' }),
    goodsBrand: '蓝砧演示',
    goodsModel: String(model),
    exgNo: String(model),
    netKg: Number(kg),
  };
});

const exportTools: Sample = {
  file: 'dec-05-export-tools-gbk.xml',
  encoding: 'GBK',
  summary: '一般贸易出口电动工具及小家电 20 项（德国，海运，FOB，美元，GBK 编码） / export of 20 lines of tools and small appliances (DEU, sea, FOB, USD, GBK-encoded)',
  ieFlag: 'E',
  currency: 'USD',
  preparedAt: '20260109160205',
  trade: szExporter,
  owner: szExporter,
  agent: szAgent,
  head: baseHead({
    BillNo: 'SBXS2601DE0772',
    ContrNo: 'LZ-EX-2026-0772',
    CustomMaster: '5316',
    CutMode: '101',
    DistinatePort: 'DEU093',
    IEDate: '',
    IEPort: '5316',
    NoteS: '出口电动工具及小家电，自主品牌“蓝砧演示”；20项商品分装4个集装箱',
    PackNo: '5230',
    TradeCountry: 'DEU',
    TradeMode: '0110',
    TrafMode: '2',
    TrafName: 'SANDBOX CONTINENTAL',
    TransMode: '3',
    WrapType: '22',
    PromiseItmes: '',
    TradeAreaCode: 'DEU',
    EntyPortCode: '470401',
    GoodsPlace: '深圳盐田港演示堆场',
    BLNo: 'SBXS2601DE0772',
    OverseasConsigneeCode: 'NO',
    OverseasConsigneeEname: 'MUSTERMANN DEMO WERKZEUGHANDEL GMBH',
    DomesticConsigneeEname: 'SHENZHEN LANZHEN DEMO HARDWARE & ELECTRIC CO., LTD.',
  }),
  grossKg: 74_300,
  items: lines({ originCountry: 'CHN', destinationCountry: 'DEU', dutyMode: '1', districtCode: '44031' }, toolRows),
  containers: [
    { id: containerNo('SBX', '400772'), md: '11', goods: [1, 2, 3, 4, 5], tareKg: 3750 },
    { id: containerNo('SBX', '400773'), md: '11', goods: [6, 7, 8, 9, 10], tareKg: 3750 },
    { id: containerNo('SBX', '400774'), md: '11', goods: [11, 12, 13, 14], tareKg: 3750 },
    { id: containerNo('SBX', '200775'), md: '21', goods: [15, 16, 17, 18, 19, 20], tareKg: 2230 },
  ],
  freeTxt: { RelId: '', RelManNo: '', BonNo: '', VoyNo: '2603W', DecBpNo: '0755-86000772', CusFie: '', DecNo: '53000772' },
  sign: { operType: 'C', icCode: '2100990000772', operName: '张演示', clientSeqNo: 'EPGW20260109000105' },
  edocs: [
    { id: 'ED2026010900000772', code: '00000001', fileName: 'INV-LZ-EX-2026-0772.pdf', size: 312_004 },
    { id: 'ED2026010900000773', code: '00000002', fileName: 'PL-LZ-EX-2026-0772.pdf', size: 208_937 },
  ],
};

// 6. Export of ceramics to Singapore, sea, prefixed namespace, asks the sandbox for an inspection ---------

const exportCeramics: Sample = {
  file: 'dec-06-export-ceramics-prefixed.xml',
  encoding: 'UTF-8',
  prefix: 'dec',
  summary: '一般贸易出口陶瓷餐具（新加坡，海运，FOB，美元，dec: 前缀命名空间，沙箱查验） / export of ceramics (SGP, sea, FOB, USD, dec: prefix, sandbox inspection)',
  ieFlag: 'E',
  currency: 'USD',
  preparedAt: '20260112103000',
  trade: gzExporter,
  owner: gzExporter,
  agent: gzAgent,
  head: baseHead({
    BillNo: 'SBXG2601SG0064',
    ContrNo: 'CY-SG-2026-0064',
    CustomMaster: '5141',
    CutMode: '101',
    DistinatePort: 'SGP001',
    IEDate: '',
    IEPort: '5141',
    NoteS: '出口陶瓷餐具及摆件 SANDBOX:INSPECT',
    PackNo: '640',
    TradeCountry: 'SGP',
    TradeMode: '0110',
    TrafMode: '2',
    TrafName: 'SANDBOX MERIDIAN',
    TransMode: '3',
    WrapType: '22',
    PromiseItmes: '',
    TradeAreaCode: 'SGP',
    EntyPortCode: '440101',
    GoodsPlace: '广州南沙港演示堆场',
    BLNo: 'SBXG2601SG0064',
    OverseasConsigneeCode: 'NO',
    OverseasConsigneeEname: 'MERLION DEMO TABLEWARE PTE. LTD.',
    DomesticConsigneeEname: 'GUANGZHOU CIYUN DEMO CERAMICS CO., LTD.',
  }),
  grossKg: 9420,
  items: lines({ originCountry: 'CHN', destinationCountry: 'SGP', dutyMode: '1', districtCode: '44019' }, [
    {
      codeTs: '6911101900', ciqCode: '999', gName: '瓷餐具',
      gModel: '1|0|瓷餐具|骨瓷|餐盘碗碟|瓷韵演示牌|型号CY-BC16',
      gQty: 3200, gUnit: '006', declPrice: 14.5, firstQty: 5120, firstUnit: '035', secondQty: 3200, secondUnit: '006',
      goodsBrand: '瓷韵演示', goodsModel: 'CY-BC16', netKg: 5120,
    },
    {
      codeTs: '6912001000', ciqCode: '999', gName: '陶餐具',
      gModel: '1|0|陶餐具|炻器|汤碗|瓷韵演示牌|型号CY-SW08',
      gQty: 6000, gUnit: '011', declPrice: 1.35, firstQty: 2400, firstUnit: '035', secondQty: 6000, secondUnit: '011',
      goodsBrand: '瓷韵演示', goodsModel: 'CY-SW08', netKg: 2400,
    },
    {
      codeTs: '6913900000', ciqCode: '999', gName: '陶瓷摆件',
      gModel: '1|0|陶瓷装饰品|陶瓷|室内摆件|瓷韵演示牌|型号CY-OR03',
      gQty: 1500, gUnit: '011', declPrice: 3.8, firstQty: 600, firstUnit: '035', goodsBrand: '瓷韵演示', goodsModel: 'CY-OR03', netKg: 600,
    },
  ]),
  containers: [{ id: containerNo('EPG', '200064'), md: '21', goods: [1, 2, 3], tareKg: 2230 }],
  freeTxt: { RelId: '', RelManNo: '', BonNo: '', VoyNo: '2601S', DecBpNo: '020-39000064', CusFie: '', DecNo: '51000064' },
  sign: { operType: 'C', icCode: '2100990000064', operName: '黄演示', clientSeqNo: 'EPGW20260112000106' },
  edocs: [{ id: 'ED2026011200000064', code: '00000001', fileName: 'INV-CY-SG-2026-0064.pdf', size: 99_846 }],
};

// 7. Import of laptops from Hong Kong, road, asks the sandbox for a rejection ---------------------------

const importLaptops: Sample = {
  file: 'dec-07-import-laptops-reject-utf8.xml',
  encoding: 'UTF-8',
  summary: '一般贸易进口笔记本电脑（中国香港，公路，CIF，港币，沙箱退单） / import of laptops (HKG, road, CIF, HKD, sandbox rejection)',
  ieFlag: 'I',
  currency: 'HKD',
  preparedAt: '20260113113045',
  trade: szImporter,
  owner: szImporter,
  agent: szAgent,
  head: baseHead({
    BillNo: '',
    ContrNo: 'PY-HK-2026-0031',
    CustomMaster: '5320',
    CutMode: '101',
    DistinatePort: 'HKG000',
    IEDate: '20260113',
    IEPort: '5320',
    NoteS: '进口笔记本电脑及零件，陆路经皇岗口岸 SANDBOX:REJECT',
    PackNo: '85',
    TradeCountry: 'HKG',
    TradeMode: '0110',
    TrafMode: '4',
    TrafName: '粤Z·D7031港',
    TransMode: '1',
    WrapType: '22',
    PromiseItmes: '00000',
    TradeAreaCode: 'HKG',
    DespPortCode: 'HKG000',
    EntyPortCode: '470201',
    GoodsPlace: '皇岗口岸演示监管场站',
    DespDate: '20260113',
    OverseasConsignorCode: 'NO',
    OverseasConsignorEname: 'VICTORIA HARBOUR DEMO TRADING LIMITED',
    OverseasConsignorAddr: 'UNIT 1, 8/F, EXAMPLE BUILDING, KOWLOON, HONG KONG',
    DomesticConsigneeEname: 'SHENZHEN PENGYUN DEMO DIGITAL TRADING CO., LTD.',
  }),
  grossKg: 1120,
  items: lines({ originCountry: 'CHN', destinationCountry: 'CHN', dutyMode: '1', districtCode: '44031' }, [
    {
      codeTs: '8471300000', ciqCode: '999', gName: '笔记本电脑', originCountry: 'VNM',
      gModel: '4|3|便携式自动数据处理设备|重量1.4千克|14英寸|CPU主频2.8GHz|PENGDEMO牌|型号PB-14',
      gQty: 400, gUnit: '001', declPrice: 3680, firstQty: 400, firstUnit: '001', goodsBrand: 'PENGDEMO', goodsModel: 'PB-14',
      destCode: '440304', netKg: 680,
    },
    {
      codeTs: '8473309000', ciqCode: '999', gName: '笔记本电脑电源适配器',
      gModel: '4|3|自动数据处理设备零件|电源适配器|适用于笔记本电脑|PENGDEMO牌|型号PA-65',
      gQty: 1200, gUnit: '007', declPrice: 58, firstQty: 240, firstUnit: '035', goodsBrand: 'PENGDEMO', goodsModel: 'PA-65',
      destCode: '440304', netKg: 240,
    },
  ]),
  containers: [],
  freeTxt: { RelId: '', RelManNo: '', BonNo: '', VoyNo: '', DecBpNo: '0755-86000772', CusFie: '', DecNo: '53000772' },
  sign: { operType: 'C', icCode: '2100990000772', operName: '张演示', clientSeqNo: 'EPGW20260113000107' },
  edocs: [{ id: 'ED2026011300000031', code: '00000001', fileName: 'INV-PY-HK-2026-0031.pdf', size: 64_200 }],
};

/** All samples, in file order. */
export const SAMPLES: readonly Sample[] = [
  importComponents,
  exportApparel,
  importInstrument,
  importFood,
  exportTools,
  exportCeramics,
  importLaptops,
];
