// 报关单 receipts. No public sample file exists, so these are hand-written from the field lists
// in eport-formats.md §3.5; the GB2312 bytes are made with iconv-lite as old receipts were.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { isGatewayError } from '../core/errors.js';
import { parseReceipt } from './parse.js';

const utf8 = (xml: string): Buffer => Buffer.from(xml, 'utf8');
const gb2312 = (xml: string): Buffer => iconv.encode(xml, 'gb2312');

const importResponse = (code: string, error: string, seqNo: string, encoding = 'UTF-8'): string =>
  `<?xml version="1.0" encoding="${encoding}"?>
<DecImportResponse xmlns="http://www.chinaport.gov.cn/dec">
  <ResponseCode>${code}</ResponseCode>
  <ErrorMessage>${error}</ErrorMessage>
  <ClientSeqNo>I202405010001</ClientSeqNo>
  <SeqNo>${seqNo}</SeqNo>
  <TrnPreId></TrnPreId>
</DecImportResponse>`;

describe('DecImportResponse', () => {
  it('ResponseCode 0 = imported (UTF-8), SeqNo kept as a string', () => {
    const r = parseReceipt(utf8(importResponse('0', '', '000000000123456789')));
    expect(r).toMatchObject({
      family: 'dec',
      kind: 'import-response',
      messageType: 'DecImportResponse',
      code: '0',
      text: '',
      status: 'imported',
      terminal: false,
      negative: false,
    });
    expect(r.keys).toEqual({ clientSeqNo: 'I202405010001', seqNo: '000000000123456789' });
  });

  it('non-zero ResponseCode = rejected, with the error text (UTF-8)', () => {
    const r = parseReceipt(utf8(importResponse('1', '报关单表头申报地海关不能为空', '')));
    expect(r).toMatchObject({ code: '1', status: 'rejected', terminal: true, negative: true });
    expect(r.text).toBe('报关单表头申报地海关不能为空');
    expect(r.keys.seqNo).toBeUndefined();
  });

  it('reads GB2312 bytes by their declaration', () => {
    const bytes = gb2312(importResponse('-1', '境内收发货人编码不存在', '', 'GB2312'));
    // Sanity: these bytes are not UTF-8, so a UTF-8 reader would fail.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const r = parseReceipt(bytes, 'Failed_I_202405010001_202408191442314383412.xml');
    expect(r).toMatchObject({ code: '-1', status: 'rejected', text: '境内收发货人编码不存在' });
    expect(r.keys).toEqual({ clientSeqNo: 'I202405010001', sourceStem: 'I_202405010001' });
  });

  it('reads GB2312 success bytes', () => {
    const r = parseReceipt(gb2312(importResponse('0', '导入成功', '202400000000000001', 'gb2312')));
    expect(r).toMatchObject({ status: 'imported', text: '导入成功' });
  });

  it('recovers the dropped file stem from a Successed_ name with a client timestamp', () => {
    const name = 'Successed_报关单_001_202408191442314383412.xml';
    const r = parseReceipt(utf8(importResponse('0', '', '202400000000000001')), name);
    expect(r.keys.sourceStem).toBe('报关单_001');
  });

  it('refuses a response without ResponseCode', () => {
    const xml =
      '<DecImportResponse xmlns="http://www.chinaport.gov.cn/dec"><SeqNo>1</SeqNo></DecImportResponse>';
    try {
      parseReceipt(utf8(xml), 'x.xml');
      expect.unreachable();
    } catch (err) {
      expect(isGatewayError(err) && err.code).toBe('GW_ERR_RECEIPT_UNPARSEABLE');
      expect(isGatewayError(err) && err.details[0]?.where).toBe(
        'x.xml: DecImportResponse/ResponseCode',
      );
    }
  });
});

describe('DEC_RESULT (new shape)', () => {
  const decResult = (
    channel: string,
    note: string,
  ): string => `<?xml version="1.0" encoding="UTF-8"?>
<DEC_RESULT>
  <CUS_CIQ_NO>I20180000147015879</CUS_CIQ_NO>
  <ENTRY_ID>530120181000123456</ENTRY_ID>
  <NOTICE_DATE>2018-12-12T14:40:43</NOTICE_DATE>
  <CHANNEL>${channel}</CHANNEL>
  <NOTE>${note}</NOTE>
  <CUSTOM_MASTER>5301</CUSTOM_MASTER>
  <I_E_DATE></I_E_DATE>
  <D_DATE>2018-12-12</D_DATE>
</DEC_RESULT>`;

  it.each([
    ['7', 'I20180000147015879直接申报成功', 'declared', false, false],
    ['L', '入库成功！', 'accepted', false, false],
    ['J', '海关已接受申报', 'audited', false, false],
    ['P', '报关单已放行', 'released', false, false],
    ['R', '报关单已结关', 'closed', true, false],
    ['E', '海关退单', 'rejected', true, true],
    ['D', '海关删单', 'cancelled', true, true],
  ] as const)('CHANNEL %s (%s) → %s', (channel, note, status, terminal, negative) => {
    const r = parseReceipt(utf8(decResult(channel, note)));
    expect(r).toMatchObject({ family: 'dec', kind: 'dec-result', messageType: 'DEC_RESULT' });
    expect(r).toMatchObject({ code: channel, text: note });
    expect(r).toMatchObject({ status, terminal, negative, noticeTime: '2018-12-12T14:40:43' });
    expect(r.keys).toEqual({ seqNo: 'I20180000147015879', entryId: '530120181000123456' });
  });

  it('an unknown CHANNEL still parses, claiming only delivery', () => {
    const r = parseReceipt(utf8(decResult('Q', '?')));
    expect(r).toMatchObject({ code: 'Q', status: 'sent', terminal: false, negative: false });
  });

  it('refuses a DEC_RESULT without CHANNEL', () => {
    expect(() => parseReceipt(utf8('<DEC_RESULT><CUS_CIQ_NO>1</CUS_CIQ_NO></DEC_RESULT>'))).toThrow(
      /GW_ERR_RECEIPT_UNPARSEABLE/,
    );
  });
});

describe('DEC_DATA/DEC_RESULT (old shape, GB2312)', () => {
  const decData = `<?xml version="1.0" encoding="GB2312"?>
<DEC_DATA>
  <DEC_RESULT>
    <SEQ_NO>000000000012345678</SEQ_NO>
    <ENTRY_ID>220120181000654321</ENTRY_ID>
    <NOTICE_DATE>20180208T15032200</NOTICE_DATE>
    <CHANNEL>P</CHANNEL>
    <NOTE>报关单已放行</NOTE>
    <DECL_PORT>2201</DECL_PORT>
    <AGENT_NAME>某某报关有限公司</AGENT_NAME>
    <CLIENTSEQ_NO>E201802080001</CLIENTSEQ_NO>
  </DEC_RESULT>
  <RESULT_INFO>放行通知</RESULT_INFO>
</DEC_DATA>`;

  it('reads SEQ_NO / CLIENTSEQ_NO and joins RESULT_INFO to NOTE', () => {
    const r = parseReceipt(gb2312(decData), 'Receipt_C_001.xml');
    expect(r).toMatchObject({
      family: 'dec',
      kind: 'dec-result',
      messageType: 'DEC_DATA',
      code: 'P',
      status: 'released',
      text: '报关单已放行; 放行通知',
      noticeTime: '20180208T15032200',
    });
    // sourceStem is only read from Successed_/Failed_ client responses.
    expect(r.keys).toEqual({
      seqNo: '000000000012345678',
      entryId: '220120181000654321',
      clientSeqNo: 'E201802080001',
    });
  });

  it('lists every distinct DEC_RESULT when there are several', () => {
    const second =
      '<DEC_RESULT><SEQ_NO>000000000012345679</SEQ_NO><CHANNEL>R</CHANNEL></DEC_RESULT>';
    const two = decData.replace('</DEC_DATA>', `${second}</DEC_DATA>`);
    const r = parseReceipt(gb2312(two));
    expect(r.code).toBe('P');
    expect(r.records?.map((x) => [x.keys.seqNo, x.status])).toEqual([
      ['000000000012345678', 'released'],
      ['000000000012345679', 'closed'],
    ]);
  });

  it('a DEC_DATA without DEC_RESULT is unknown, not an error', () => {
    const r = parseReceipt(utf8('<DEC_DATA><RESULT_INFO>x</RESULT_INFO></DEC_DATA>'));
    expect(r).toMatchObject({
      family: 'unknown',
      kind: 'unknown',
      messageType: 'DEC_DATA',
      status: 'sent',
    });
  });
});
