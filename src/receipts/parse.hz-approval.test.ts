import { describe, expect, it } from 'vitest';
import { parseReceipt } from './parse.js';

// 修撤单 business receipt: DxpMsg whose Data holds SignedData/Data/HzApprovalResult (written for
// this test after the shape in the formats reference, section 修撤单).
const inner = (code: string, note: string) => `<?xml version="1.0" encoding="UTF-8"?>
<SignedData><Data><HzApprovalResult><DestResourceId>M20260000000000042</DestResourceId><FeedbackResults>${code}</FeedbackResults><ResultNote>${note}</ResultNote></HzApprovalResult></Data></SignedData>`;
const dxp = (payload: string, fileName?: string) => `<?xml version="1.0" encoding="UTF-8"?>
<DxpMsg xmlns="http://www.chinaport.gov.cn/dxp" ver="1.0"><TransInfo><CopMsgId>C1</CopMsgId><SenderId>DXPEDCDEC0000001</SenderId><ReceiverIds><ReceiverId>DXPENT0000000001</ReceiverId></ReceiverIds><CreatTime>2026-11-30T12:00:00</CreatTime><MsgType>HzApprovalResult</MsgType></TransInfo><Data>${Buffer.from(payload).toString('base64')}</Data>${fileName ? `<AddInfo><FileName>${fileName}</FileName></AddInfo>` : ''}</DxpMsg>`;

describe('HzApprovalResult (修撤单 business receipt)', () => {
  it('an approval: closed, keyed by DestResourceId and the echoed file name (retry suffix dropped)', () => {
    const r = parseReceipt(
      Buffer.from(dxp(inner('1', '审批通过'), 'DM0123456789ABCDEF_t-2.xml')),
      'r.xml',
    );
    expect(r).toMatchObject({
      family: 'dec-mod',
      kind: 'hz-approval',
      messageType: 'HzApprovalResult',
      code: '1',
      text: '审批通过',
      status: 'closed',
      negative: false,
    });
    expect(r.keys).toEqual({ decModSeqNo: 'M20260000000000042', sourceStem: 'DM0123456789ABCDEF' });
  });

  it('a refusal is negative and terminal', () => {
    const r = parseReceipt(Buffer.from(dxp(inner('2', '驳回'))), 'r.xml');
    expect(r).toMatchObject({ status: 'rejected', negative: true, terminal: true });
    expect(r.keys).toEqual({ decModSeqNo: 'M20260000000000042' });
  });

  it('an unknown FeedbackResults code is recorded without a verdict', () => {
    const r = parseReceipt(Buffer.from(dxp(inner('9', '处理中'))), 'r.xml');
    expect(r).toMatchObject({
      kind: 'hz-approval',
      code: '9',
      status: 'sent',
      negative: false,
      terminal: false,
    });
  });

  it('a bare HzApprovalResult root is read too', () => {
    const r = parseReceipt(
      Buffer.from('<HzApprovalResult><FeedbackResults>1</FeedbackResults></HzApprovalResult>'),
      'r.xml',
    );
    expect(r).toMatchObject({ kind: 'hz-approval', status: 'closed' });
  });

  it('without FeedbackResults it is unparseable, saying where', () => {
    const bad =
      '<SignedData><Data><HzApprovalResult><DestResourceId>M1</DestResourceId></HzApprovalResult></Data></SignedData>';
    expect(() => parseReceipt(Buffer.from(dxp(bad)), 'r.xml')).toThrow(
      /GW_ERR_RECEIPT_UNPARSEABLE.*HzApprovalResult\/FeedbackResults/,
    );
  });
});
