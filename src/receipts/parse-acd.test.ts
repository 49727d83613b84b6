import { describe, expect, it } from 'vitest';
import { parseReceipt } from './parse.js';

const response = (code: string, message: string, consignNo?: string): Buffer =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<ImportAgrResponse><ResponseInfo><ResponseCode>${code}</ResponseCode><ResponseMessage>${message}</ResponseMessage><CopCusCode>3122980A17</CopCusCode></ResponseInfo>${consignNo === undefined ? '' : `<ConsignNo>${consignNo}</ConsignNo>`}</ImportAgrResponse>\n`,
  );

const confirmation = (result: string, desc: string): Buffer =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/><SignatureValue/><Object><Package><EnvelopInfo><message_type>ACD002</message_type><send_time>2026-01-20T10:00:00</send_time></EnvelopInfo><DataInfo><CONSIGN_NO>000220260000001234</CONSIGN_NO><PROC_RESULT>${result}</PROC_RESULT><PROC_DESC>${desc}</PROC_DESC><OP_TIME>20260120100000</OP_TIME></DataInfo></Package></Object></Signature>\n`,
  );

describe('代理报关委托 receipts', () => {
  it('ImportAgrResponse with ConsignNo is imported under both success conventions (ResponseCode 0 and 1)', () => {
    for (const code of ['0', '1']) {
      const r = parseReceipt(
        response(code, '导入成功', '000220260000001234'),
        'Successed_AGR-1_20260120100000000.xml',
      );
      expect(r).toMatchObject({
        family: 'acd',
        kind: 'agr-response',
        status: 'imported',
        negative: false,
        code,
        text: '导入成功',
      });
      expect(r.keys).toEqual({ consignNo: '000220260000001234', sourceStem: 'AGR-1' });
    }
  });

  it('ImportAgrResponse without ConsignNo is a rejection, whatever its code', () => {
    const r = parseReceipt(response('0', '委托方海关编码不存在'), 'Failed_AGR-2.xml');
    expect(r).toMatchObject({
      kind: 'agr-response',
      status: 'rejected',
      negative: true,
      terminal: true,
      text: '委托方海关编码不存在',
    });
    expect(r.keys).toEqual({ sourceStem: 'AGR-2' });
  });

  it('the counter-party confirmation (Signature … CONSIGN_NO, PROC_RESULT S) closes the agreement; another result rejects it', () => {
    const ok = parseReceipt(confirmation('S', '委托方已确认'), 'Receipt_ACD.xml');
    expect(ok).toMatchObject({
      family: 'acd',
      kind: 'agr-confirm',
      messageType: 'ACD002',
      code: 'S',
      status: 'closed',
      negative: false,
      text: '委托方已确认',
      noticeTime: '20260120100000',
    });
    expect(ok.keys).toEqual({ consignNo: '000220260000001234' });
    const no = parseReceipt(confirmation('F', '委托方拒绝'), 'Receipt_ACD.xml');
    expect(no).toMatchObject({ kind: 'agr-confirm', status: 'rejected', negative: true });
  });
});
