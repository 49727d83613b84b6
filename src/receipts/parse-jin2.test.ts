// 金二 receipts the published samples do not cover, written to the 2017 receipt XSDs (SAS200,
// SAS211: body elements in namespace cn.gov.customs.hde.app.sas); the bodies are checked against
// those XSDs with xmllint so the fixtures cannot drift from the schema.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingTool, runTool, skipWithout } from '../../test/helpers/tools.js';
import { parseReceipt } from './parse.js';

const NS = 'cn.gov.customs.hde.app.sas';
const envelope = (type: string, body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Package><EnvelopInfo><version>1.0</version><message_id>CUS0000E0100002026113010000000000001</message_id><file_name>CUS0000E0100002026113010000000000001.SAS</file_name><message_type>${type}</message_type><sender_id>CUS0000</sender_id><receiver_id>E010000</receiver_id><send_time>2026-11-30T10:00:00</send_time></EnvelopInfo><DataInfo><PocketInfo><pocket_id>CK3111260000000042-1</pocket_id><total_pocket_qty>1</total_pocket_qty><cur_pocket_no>1</cur_pocket_no></PocketInfo><BussinessData>${body}</BussinessData></DataInfo></Package>\n`;

const SAS211_BODY = `<SAS211 xmlns="${NS}"><HdeApprResult><etpsPreentNo>202600000012345678</etpsPreentNo><businessId>CK3111260000000042</businessId><tmsCnt>0</tmsCnt><typecd>1</typecd><manageResult>3</manageResult><manageDate>2026-11-30</manageDate><rmk>退单</rmk></HdeApprResult><CheckInfo><note>第2项申报数量超过申报表余量</note></CheckInfo></SAS211>`;
const SAS200_BODY = `<SAS200 xmlns="${NS}"><MsgReceResult><resutType>1</resutType><etpsPreentNo>202600000012345678</etpsPreentNo><pocketId>FE179B73-B14B-84A5-8E90-E7C1DADC26A8</pocketId><totalPocketQty>1</totalPocketQty><curPocketNo>1</curPocketNo><bizNo></bizNo><manageResult>1</manageResult><manageDate>2026-11-30 10:00:01</manageDate><rmk>入库成功</rmk></MsgReceResult></SAS200>`;

const skipXmllint = skipWithout('金二 receipt XSD checks', missingTool('xmllint'));
const dir = mkdtempSync(join(tmpdir(), 'jin2-receipts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(skipXmllint)(
  'the constructed receipt bodies follow the official receipt XSDs',
  () => {
    it.each([
      ['SAS211', SAS211_BODY],
      ['SAS200', SAS200_BODY],
    ])('%s', (type, body) => {
      const f = join(dir, `${type}.xml`);
      writeFileSync(f, body);
      const r = runTool('xmllint', [
        '--noout',
        '--nonet',
        '--schema',
        `test/fixtures/xsd/jin2/SAS/${type}.xsd`,
        f,
      ]);
      expect(r.stderr).toContain('validates');
    });
  },
);

describe('金二 receipts: SAS2xx bodies, CheckInfo, SAS200 and the signed shape', () => {
  it('SAS211 出入库单 audit receipt in the receipt namespace: 退单 with rmk and every CheckInfo note', () => {
    const r = parseReceipt(Buffer.from(envelope('SAS211', SAS211_BODY)), 'Receipt_SAS211.xml');
    expect(r).toMatchObject({
      family: 'sas',
      kind: 'sas-receipt',
      messageType: 'SAS211',
      code: '3',
      status: 'rejected',
      negative: true,
      terminal: true,
    });
    expect(r.text).toBe('退单; 第2项申报数量超过申报表余量');
    expect(r.keys).toEqual({ seqNo: '202600000012345678', businessId: 'CK3111260000000042' });
  });

  it('SAS200 子报文入库回执: keyed by the pocket_id we sent, claims no progress, quotes its codes', () => {
    const r = parseReceipt(Buffer.from(envelope('SAS200', SAS200_BODY)), 'Receipt_SAS200.xml');
    expect(r).toMatchObject({
      family: 'sas',
      kind: 'sas-receipt',
      messageType: 'SAS200',
      code: '',
      status: 'sent',
      negative: false,
    });
    expect(r.keys).toEqual({
      seqNo: '202600000012345678',
      pocketId: 'FE179B73-B14B-84A5-8E90-E7C1DADC26A8',
    });
    expect(r.text).toBe(
      '子报文入库回执（回执类型 resutType 1，处理结果 manageResult 1）：入库成功',
    );
  });

  it('a receipt arriving as Signature/Object/Package is read the same', () => {
    const plain = envelope('SAS211', SAS211_BODY);
    const signed = plain
      .replace(
        '<Package>',
        '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/><SignatureValue/><KeyInfo><KeyName>01</KeyName></KeyInfo><Object><Package>',
      )
      .replace('</Package>', '</Package></Object></Signature>');
    const a = parseReceipt(Buffer.from(plain), 'a.xml');
    const b = parseReceipt(Buffer.from(signed), 'b.xml');
    expect(b).toMatchObject({
      messageType: a.messageType,
      code: a.code,
      status: a.status,
      keys: a.keys,
    });
  });

  it('SAS221 核放单 passed (manageResult 1) moves to audited; an unlisted manageResult claims nothing', () => {
    const body = (code: string) =>
      `<SAS221><HdeApprResult><etpsPreentNo>202600000012345679</etpsPreentNo><businessId>Z3111I261130000000000001</businessId><tmsCnt>0</tmsCnt><typecd>1</typecd><manageResult>${code}</manageResult><manageDate>2026-11-30 10:00:00</manageDate><rmk></rmk></HdeApprResult></SAS221>`;
    expect(parseReceipt(Buffer.from(envelope('SAS221', body('1'))), 'r.xml')).toMatchObject({
      status: 'audited',
      code: '1',
    });
    expect(parseReceipt(Buffer.from(envelope('SAS221', body('9'))), 'r.xml')).toMatchObject({
      status: 'sent',
      code: '9',
      negative: false,
    });
  });
});
