// DXP layer: receipts wrapped in DxpMsg, the platform's DxpRep, and the CEB900 format check.
// Envelopes are hand-written after the official XSD (dxp-terminal-node-DxpMsg-202205.xsd).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isGatewayError } from '../core/errors.js';
import { parseReceipt } from './parse.js';

const FIXTURES = new URL('../../test/fixtures/receipts/', import.meta.url);

const dxpMsg = (data: string, extra = ''): Buffer =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>
<dxp:DxpMsg xmlns:dxp="http://www.chinaport.gov.cn/dxp" ver="1.0">
  <dxp:TransInfo>
    <dxp:CopMsgId>8F1C2E4A-0000-4000-8000-000000000001</dxp:CopMsgId>
    <dxp:SenderId>DXPEDCCEB0000002</dxp:SenderId>
    <dxp:ReceiverIds><dxp:ReceiverId>DXPENT0000458763</dxp:ReceiverId></dxp:ReceiverIds>
    <dxp:CreatTime>2024-05-01T10:20:30</dxp:CreatTime>
    <dxp:MsgType>DECCUSSH1</dxp:MsgType>
  </dxp:TransInfo>
  ${extra}
  <dxp:Data>${data}</dxp:Data>
  <dxp:AddInfo>
    <dxp:FileName>Successed_I_202405010001.xml</dxp:FileName>
    <dxp:BizKey><dxp:Key name="DealFlag">0</dxp:Key><dxp:Key name="RetType">1</dxp:Key></dxp:BizKey>
  </dxp:AddInfo>
</dxp:DxpMsg>`,
    'utf8',
  );

const inner = Buffer.from(
  `<?xml version="1.0" encoding="UTF-8"?>
<DecImportResponse xmlns="http://www.chinaport.gov.cn/dec">
  <ResponseCode>0</ResponseCode><ErrorMessage/><ClientSeqNo>I202405010001</ClientSeqNo>
  <SeqNo>202400000000000001</SeqNo>
</DecImportResponse>`,
  'utf8',
);

/** Base64 with line breaks every 76 chars, as MIME-minded senders write it. */
const wrapped76 = (b: Buffer): string => b.toString('base64').replace(/.{76}/g, '$&\n');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isGatewayError(err) ? err.code : 'not a GatewayError';
  }
  return undefined;
}

describe('DxpMsg envelope', () => {
  it('unwraps a DecImportResponse and keeps envelope and payload', () => {
    const r = parseReceipt(dxpMsg(wrapped76(inner)), 'dxp-in-001.xml');
    expect(r).toMatchObject({
      family: 'dec',
      kind: 'import-response',
      code: '0',
      status: 'imported',
    });
    // No Successed_ name on the outer file: the stem comes from AddInfo/FileName.
    expect(r.keys).toEqual({
      clientSeqNo: 'I202405010001',
      seqNo: '202400000000000001',
      sourceStem: 'I_202405010001',
    });
    expect(r.payload?.equals(inner)).toBe(true);
    expect(r.envelope).toEqual({
      copMsgId: '8F1C2E4A-0000-4000-8000-000000000001',
      senderId: 'DXPEDCCEB0000002',
      receiverIds: ['DXPENT0000458763'],
      msgType: 'DECCUSSH1',
      createdAt: '2024-05-01T10:20:30',
      fileName: 'Successed_I_202405010001.xml',
      bizKeys: { DealFlag: '0', RetType: '1' },
    });
  });

  it('unwraps an official CEB receipt with a BOM', () => {
    const ceb = readFileSync(new URL('CEB304Message.xml', FIXTURES));
    const r = parseReceipt(dxpMsg(ceb.toString('base64')));
    expect(r).toMatchObject({
      family: 'ceb',
      kind: 'ceb-return',
      messageType: 'CEB304Message',
      status: 'declared',
    });
    expect(r.payload?.equals(ceb)).toBe(true);
  });

  it('reports a <Zip> payload as unsupported', () => {
    expect(codeOf(() => parseReceipt(dxpMsg('', '<dxp:Zip>UEsDBA==</dxp:Zip>')))).toBe(
      'GW_ERR_RECEIPT_UNSUPPORTED',
    );
  });

  it('reports zip bytes inside <Data> as unsupported', () => {
    const zipLike = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]).toString('base64');
    expect(codeOf(() => parseReceipt(dxpMsg(zipLike)))).toBe('GW_ERR_RECEIPT_UNSUPPORTED');
  });

  it('refuses empty or broken base64, pointing at DxpMsg/Data', () => {
    for (const bad of ['', 'not base64!', 'QUJD=A==']) {
      try {
        parseReceipt(dxpMsg(bad), 'in.xml');
        expect.unreachable();
      } catch (err) {
        expect(isGatewayError(err) && err.code).toBe('GW_ERR_RECEIPT_UNPARSEABLE');
        expect(isGatewayError(err) && err.details[0]?.where).toBe('in.xml: DxpMsg/Data');
      }
    }
  });

  it('refuses a payload that is not XML, saying it was inside the envelope', () => {
    try {
      parseReceipt(dxpMsg(Buffer.from('hello').toString('base64')), 'in.xml');
      expect.unreachable();
    } catch (err) {
      expect(isGatewayError(err) && err.code).toBe('GW_ERR_RECEIPT_UNPARSEABLE');
      expect(isGatewayError(err) && err.details[0]?.where).toBe('in.xml > DxpMsg/Data');
    }
  });

  it('refuses a DxpMsg inside a DxpMsg', () => {
    const nested = dxpMsg(dxpMsg(inner.toString('base64')).toString('base64'));
    expect(codeOf(() => parseReceipt(nested))).toBe('GW_ERR_RECEIPT_UNPARSEABLE');
  });
});

describe('DxpRep', () => {
  const dxpRep = (code: string, info: string, results = ''): Buffer =>
    Buffer.from(
      `<DxpRep xmlns="http://www.chinaport.gov.cn/dxp" ver="1.0">
  <RecevierId>DXPENT0000458763</RecevierId>
  <Response>
    <ResponseCode>${code}</ResponseCode>
    <ResponseInfo>${info}</ResponseInfo>
    ${results}
    <NoticeTime>2024-05-01</NoticeTime>
    <OriHead>
      <CopMsgId>OUR-MSG-0001</CopMsgId><SenderId>DXPENT0000458763</SenderId>
      <ReceiverIds><ReceiverId>DXPEDCCEB0000002</ReceiverId></ReceiverIds>
      <CreatTime>2024-05-01T10:00:00</CreatTime><MsgType>CEB311Message</MsgType>
    </OriHead>
  </Response>
</DxpRep>`,
      'utf8',
    );

  it('a zero code means the platform took the message', () => {
    const r = parseReceipt(dxpRep('0000', '成功'));
    expect(r).toMatchObject({
      family: 'dxp-rep',
      kind: 'dxp-rep',
      code: '0000',
      status: 'sent',
      negative: false,
    });
    expect(r).toMatchObject({
      originalType: 'CEB311Message',
      noticeTime: '2024-05-01',
      text: '成功',
    });
    expect(r.keys).toEqual({ copMsgId: 'OUR-MSG-0001' });
  });

  it('a permanent platform error rejects', () => {
    const r = parseReceipt(dxpRep('2001', '指定的接收方不存在'));
    expect(r).toMatchObject({ code: '2001', status: 'rejected', terminal: true, negative: true });
  });

  it('a system error is negative but claims nothing (the pipeline may resend)', () => {
    const r = parseReceipt(dxpRep('3003', '远程连接超时'));
    expect(r).toMatchObject({ status: 'sent', terminal: false, negative: true });
  });

  it('surfaces a failed receiver hidden under an overall success', () => {
    const results =
      '<Results><Result><RecId>DXPEDCCEB0000002</RecId><Code>1001</Code><Info>数字签名无效</Info></Result></Results>';
    const r = parseReceipt(dxpRep('0', 'ok', results));
    expect(r).toMatchObject({ code: '1001', text: '数字签名无效', status: 'rejected' });
  });
});

describe('CEB900 format check', () => {
  it('a negative returnStatus rejects, keyed by the original CopMsgId', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<CEB900Message xmlns="http://www.chinaport.gov.cn/ceb" guid="A1" version="1.0">
  <MessageReturn>
    <guid>A1</guid>
    <returnStatus>-900001</returnStatus>
    <returnInfo>报文格式校验失败：orderNo 不能为空</returnInfo>
    <returnTime>20240501102030123</returnTime>
    <oriCopMsgId>OUR-MSG-0001</oriCopMsgId>
    <oriMessageType>CEB311Message</oriMessageType>
    <oriBizMessage><![CDATA[<CEB311Message/>]]></oriBizMessage>
  </MessageReturn>
</CEB900Message>`;
    const r = parseReceipt(Buffer.from(xml, 'utf8'));
    expect(r).toMatchObject({
      family: 'ceb',
      kind: 'ceb900',
      messageType: 'CEB900Message',
      originalType: 'CEB311Message',
      code: '-900001',
      status: 'rejected',
      terminal: true,
      negative: true,
      noticeTime: '20240501102030123',
    });
    expect(r.keys).toEqual({ guid: 'A1', copMsgId: 'OUR-MSG-0001' });
  });
});
