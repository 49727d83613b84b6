import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { parseReceipt } from './parse.js';

const mt9999 = (code: string) => `<?xml version="1.0" encoding="GBK"?>
<Manifest xmlns="urn:Declaration:datamodel:standard:CN:MT9999:1">
  <Head><MessageID>2200_MT9999_1</MessageID><FunctionCode>3</FunctionCode><MessageType>MT9999</MessageType><SenderID>2200</SenderID><ReceiverID>4201101115245</ReceiverID><SendTime>20261127101500123</SendTime><Version>1.0</Version></Head>
  <Response>
    <BorderTransportMeans><JourneyID>026E</JourneyID><ID>UN9321483</ID></BorderTransportMeans>
    <Consignment><TransportContractDocument><ID>COSU6321000001</ID></TransportContractDocument><ResponseType><Code>${code}</Code><Text>21301 原始舱单主要数据传输成功。</Text></ResponseType></Consignment>
    <Consignment><TransportContractDocument><ID>COSU6321000002</ID></TransportContractDocument><ResponseType><Code>${code}</Code><Text>21301 原始舱单主要数据传输成功。</Text></ResponseType></Consignment>
  </Response>
</Manifest>`;

describe('MT9999 manifest responses', () => {
  it('reads each bill with its response code; 01 = accepted', () => {
    const r = parseReceipt(iconv.encode(mt9999('01'), 'gbk'), 'MT9999_1.xml');
    expect(r).toMatchObject({
      family: 'manifest',
      kind: 'mt9999',
      code: '01',
      status: 'accepted',
      negative: false,
      keys: { billNo: 'COSU6321000001' },
    });
    expect(r.text).toContain('传输成功');
    expect(r.records?.map((x) => x.keys.billNo)).toEqual(['COSU6321000001', 'COSU6321000002']);
  });

  it('03 (退单) is a rejection', () => {
    expect(
      parseReceipt(Buffer.from(mt9999('03').replace('encoding="GBK"', 'encoding="UTF-8"'))),
    ).toMatchObject({ status: 'rejected', negative: true });
  });

  it('a manifest that is not MT9999 stays unknown', () => {
    expect(
      parseReceipt(
        Buffer.from(
          '<Manifest xmlns="urn:Declaration:datamodel:standard:CN:MT1101:1"><Head><MessageType>MT1101</MessageType></Head></Manifest>',
        ),
      ).family,
    ).toBe('unknown');
  });
});
