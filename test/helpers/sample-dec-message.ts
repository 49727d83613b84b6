/**
 * A realistic 报关单 `DecMessage` (default namespace, Chinese text, N goods items) for signing tests,
 * the demo and benchmarks. With the default 20 items it is about 24 KB (749 elements), like the document the
 * node-stack measurements used. Data is invented.
 */

const HEAD_FIELDS: readonly [string, string][] = [
  ['SeqNo', ''],
  ['IEFlag', 'I'],
  ['Type', ''],
  ['AgentCode', '3301960ABC'],
  ['AgentName', '杭州示例报关有限公司'],
  ['ApprNo', ''],
  ['BillNo', 'COSU6281234560'],
  ['ContrNo', 'HT-2024-0501-001'],
  ['CustomMaster', '3100'],
  ['CutMode', '101'],
  ['DistinatePort', 'USLAX'],
  ['FeeCurr', 'USD'],
  ['FeeMark', '3'],
  ['FeeRate', '1200.00'],
  ['InsurCurr', 'USD'],
  ['InsurMark', '3'],
  ['InsurRate', '85.50'],
  ['OtherCurr', ''],
  ['OtherMark', ''],
  ['OtherRate', ''],
  ['GrossWet', '12850.500'],
  ['NetWt', '11920.000'],
  ['IEDate', '20240501'],
  ['IEPort', '3104'],
  ['LicenseNo', ''],
  ['ManualNo', ''],
  ['NoteS', '进口笔记本电脑及配件，含税价 & 运保费'],
  ['OwnerCode', '3301961XYZ'],
  ['OwnerName', '浙江示例电子科技股份有限公司'],
  ['PackNo', '320'],
  ['TradeCode', '3301961XYZ'],
  ['TradeName', '浙江示例电子科技股份有限公司'],
  ['TradeCountry', 'USA'],
  ['TradeMode', '0110'],
  ['TrafMode', '2'],
  ['TrafName', 'COSCO SHIPPING TAURUS'],
  ['TransMode', '1'],
  ['WrapType', '22'],
  ['EntryId', ''],
  ['PreEntryId', ''],
  ['EdiId', '1'],
  ['Risk', ''],
  ['CopCode', '3301960ABC'],
  ['CopName', '杭州示例报关有限公司'],
  ['EntryType', 'M'],
  ['PDate', '20240501'],
  ['TypistNo', '8930000012345'],
  ['InputerName', '张三'],
  ['PartenerID', '李四'],
  ['DeclTrnRel', '0'],
  ['ChkSurety', '0'],
  ['BillType', '1'],
  ['CopCodeScc', '91330100MA2AAAAA1X'],
  ['OwnerCodeScc', '91330100MA2BBBBB2Y'],
  ['AgentCodeScc', '91330100MA2CCCCC3Z'],
  ['TradeCoScc', '91330100MA2BBBBB2Y'],
  ['PromiseItmes', '000'],
  ['TradeAreaCode', 'USA'],
  ['MarkNo', 'N/M'],
  ['DespPortCode', 'USLAX'],
];

// GModel carries the 申报要素 (declaration elements), which make up much of a real DecList.
const GOODS: readonly [string, string, string][] = [
  [
    '8471300000',
    '笔记本电脑',
    '4|3|便携式自动数据处理设备|示例牌|X1-14|处理器Intel Core i7，内存16GB，硬盘512GB固态|重量1.3千克|无品牌类型',
  ],
  [
    '8473302000',
    '笔记本电脑用电池',
    '4|3|笔记本电脑专用|锂离子电池|示例牌|BT-56|额定容量57Wh，额定电压11.4V|境外品牌（其他）',
  ],
  [
    '8504409999',
    '电源适配器',
    '4|3|将交流电转换为直流电|笔记本电脑用|示例牌|PA-65|输出功率65W，输出电压20V|境外品牌（其他）',
  ],
  [
    '8471607100',
    '键盘',
    '4|3|计算机输入设备|有线USB接口|示例牌|KB-101|104键，薄膜按键|境外品牌（其他）',
  ],
  [
    '8471607200',
    '鼠标',
    '4|3|计算机输入设备|无线2.4GHz|示例牌|MS-2|光电式，分辨率1600DPI|境外品牌（其他）',
  ],
];

const ENAMES = [
  'PORTABLE AUTOMATIC DATA PROCESSING MACHINE (NOTEBOOK COMPUTER) WEIGHING NOT MORE THAN 10 KG',
  'LITHIUM-ION BATTERY PACK FOR NOTEBOOK COMPUTERS, RATED CAPACITY 57WH',
  'STATIC CONVERTER (POWER ADAPTER) FOR NOTEBOOK COMPUTERS, OUTPUT 65W',
  'KEYBOARD FOR AUTOMATIC DATA PROCESSING MACHINES, USB WIRED',
  'MOUSE FOR AUTOMATIC DATA PROCESSING MACHINES, 2.4GHZ WIRELESS',
];

/** Builds the DecMessage text. `items` DecList entries (default 20); optional XML declaration. */
export function sampleDecMessage(
  options: { items?: number; declaration?: boolean; clientSeqNo?: string } = {},
): string {
  const items = options.items ?? 20;
  const decl = options.declaration ?? true;
  let s = decl ? '<?xml version="1.0" encoding="UTF-8"?>\n' : '';
  s += '<DecMessage xmlns="http://www.chinaport.gov.cn/dec" version="3.1">\n  <DecHead>\n';
  for (const [k, v] of HEAD_FIELDS)
    s += v === '' ? `    <${k}/>\n` : `    <${k}>${v.replace(/&/g, '&amp;')}</${k}>\n`;
  s += '  </DecHead>\n  <DecLists>\n';
  for (let i = 1; i <= items; i++) {
    const [code, name, model] = GOODS[(i - 1) % GOODS.length] as [string, string, string];
    const qty = 10 * i;
    const price = (199.5 + i).toFixed(4);
    const fields: [string, string][] = [
      ['ClassMark', ''],
      ['CodeTS', code],
      ['ContrItem', String(i)],
      ['DeclPrice', price],
      ['DutyMode', '1'],
      ['Factor', '1'],
      ['GModel', `${model}|批次${i}`],
      ['GName', name],
      ['GNo', String(i)],
      ['OriginCountry', 'USA'],
      ['TradeCurr', 'USD'],
      ['DeclTotal', (qty * Number(price)).toFixed(2)],
      ['GQty', String(qty)],
      ['FirstQty', String(qty)],
      ['FirstUnit', '001'],
      ['SecondQty', (qty * 1.35).toFixed(3)],
      ['SecondUnit', '035'],
      ['GUnit', '001'],
      ['UseTo', '11'],
      ['WorkUsd', ''],
      ['ExgNo', `EXG-${i}`],
      ['ExgVersion', ''],
      ['DestinationCountry', 'CHN'],
      ['CiqCode', '999'],
      ['DeclGoodsEname', `${ENAMES[(i - 1) % ENAMES.length]}, ITEM ${i}, PACKED IN CARTONS`],
      ['OrigPlaceCode', ''],
      ['Purpose', '99'],
      ['GoodsBrand', '示例牌（EXAMPLE BRAND CO., LTD.）'],
      ['DistrictCode', '33019'],
      ['DestCode', '330100'],
    ];
    s += '    <DecList>';
    for (const [k, v] of fields) s += v === '' ? `<${k}/>` : `<${k}>${v}</${k}>`;
    s += '</DecList>\n';
  }
  s +=
    '  </DecLists>\n  <DecContainers>\n    <Container><ContainerId>CSNU1234567</ContainerId><ContainerMd>22</ContainerMd>';
  s +=
    '<GoodsNo>1,2,3</GoodsNo><LclFlag>0</LclFlag><GoodsContaWt>12850.5</GoodsContaWt></Container>\n  </DecContainers>\n';
  s +=
    '  <DecLicenseDocus/>\n  <DecFreeTxt><RelId/><VoyNo>024E</VoyNo><DecBpNo>0571-88888888</DecBpNo></DecFreeTxt>\n';
  s += `  <DecSign><OperType>G</OperType><ICCode>8930000012345</ICCode><CopCode>3301960ABC</CopCode><OperName>张三</OperName>`;
  s += `<ClientSeqNo>${options.clientSeqNo ?? '202405010000000001'}</ClientSeqNo><Sign/><SignDate/><Certificate/><HostId/></DecSign>\n`;
  // 随附单据 (attached documents), repeated directly under the root.
  const edocs: [string, string, string][] = [
    ['00000001', '发票', 'FP-2024-0501-001.pdf'],
    ['00000002', '装箱单', 'ZXD-2024-0501-001.pdf'],
    ['00000004', '合同', 'HT-2024-0501-001.pdf'],
    ['00000008', '提运单', 'COSU6281234560.pdf'],
  ];
  for (const [code, note, file] of edocs) {
    s += `  <EdocRealation><EdocID>${file}</EdocID><EdocCode>${code}</EdocCode><EdocFomatType>US</EdocFomatType>`;
    s += `<OpNote>${note}（电子版，与原件一致）</OpNote><EdocCopId>${file}</EdocCopId><EdocOwnerCode>3301961XYZ</EdocOwnerCode>`;
    s += `<SignUnit>3301960ABC</SignUnit><SignTime>20240501102030</SignTime><EdocOwnerName>浙江示例电子科技股份有限公司</EdocOwnerName>`;
    s += `<EdocSize>204800</EdocSize></EdocRealation>\n`;
  }
  s += '</DecMessage>\n';
  return s;
}
