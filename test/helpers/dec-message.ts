/** A small but realistic DecMessage with the given ClientSeqNo, for volume and crash tests. */
export function decMessage(
  clientSeqNo: string,
  opts: { items?: number; note?: string } = {},
): string {
  const items = Array.from({ length: opts.items ?? 3 }, (_, i) => {
    const n = i + 1;
    return `<DecList><GNo>${n}</GNo><CodeTS>8471300000</CodeTS><GName>便携式计算机${n}</GName><GModel>4|3|便携|无品牌|型号X${n}</GModel><GQty>10</GQty><GUnit>001</GUnit><DeclPrice>100.00</DeclPrice><DeclTotal>1000.00</DeclTotal><TradeCurr>USD</TradeCurr><FirstQty>10</FirstQty><FirstUnit>001</FirstUnit><OriginCountry>USA</OriginCountry><DestinationCountry>CHN</DestinationCountry><DutyMode>1</DutyMode></DecList>`;
  }).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<DecMessage xmlns="http://www.chinaport.gov.cn/dec" version="3.1"><DecHead><SeqNo/><IEFlag>I</IEFlag><AgentCode>3101234567</AgentCode><AgentName>上海示例报关有限公司</AgentName><TradeCode>3101234568</TradeCode><TradeName>上海示例贸易有限公司</TradeName><OwnerCode>3101234568</OwnerCode><OwnerName>上海示例贸易有限公司</OwnerName><EntryType>M</EntryType><DeclTrnRel>0</DeclTrnRel><CustomMaster>2200</CustomMaster><IEPort>2201</IEPort><TradeMode>0110</TradeMode><CutMode>101</CutMode><TrafMode>2</TrafMode><TransMode>1</TransMode><TradeCountry>USA</TradeCountry><GrossWet>120</GrossWet><NetWt>100</NetWt><PackNo>3</PackNo><WrapType>22</WrapType><NoteS>${opts.note ?? ''}</NoteS><MarkNo>N/M</MarkNo></DecHead><DecLists>${items}</DecLists><DecSign><OperType>G</OperType><ICCode>8930000012345</ICCode><CopCode>3101234567</CopCode><OperName>张三</OperName><ClientSeqNo>${clientSeqNo}</ClientSeqNo><Sign/><SignDate/><Certificate/><HostId/></DecSign></DecMessage>
`;
}
