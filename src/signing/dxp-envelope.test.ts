import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeXml } from '../core/xml-text.js';
import {
  DXP_NS,
  formatCreatTime,
  unwrapDxp,
  wrapDxp,
  type DxpWrapOptions,
} from './dxp-envelope.js';
import { missingTool, runTool, skipWithout } from '../../test/helpers/tools.js';
import { createFakeSigner } from './fake-signer.js';
import { sampleDecMessage } from '../../test/helpers/sample-dec-message.js';
import { signEnveloped, verifyEnveloped } from './xmldsig.js';

// Copies of the official XSD (海关跨境终端节点报文定义202205) and the xmldsig schema it imports.
const XSD = fileURLToPath(
  new URL('../../test/fixtures/xsd/dxp-terminal-node-DxpMsg-202205.xsd', import.meta.url),
);
const skipXmllint = skipWithout('DxpMsg XSD validation', missingTool('xmllint'));

const base: DxpWrapOptions = {
  senderId: 'DXPENT0000458763',
  receiverIds: ['DXPEDCCEB0000002'],
  msgType: 'CEB311Message',
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dxp-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(xml: string | Buffer): { ok: boolean; err: string } {
  const f = join(dir, `m-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(f, xml);
  const r = runTool('xmllint', ['--noout', '--nonet', '--schema', XSD, f]);
  return { ok: r.status === 0, err: r.stderr };
}

describe('wrapDxp', () => {
  it('writes the envelope of the spec', () => {
    const xml = wrapDxp(Buffer.from('<a>中文</a>'), {
      ...base,
      copMsgId: '0A6F3C2E-5B1D-4E2A-9C77-2F4C1B9E8D01',
      creatTime: new Date('2024-05-01T02:20:30Z'),
      fileName: 'CEB311Message_1.xml',
      icCard: '8930000012345',
    });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<DxpMsg xmlns="${DXP_NS}" ver="1.0">\n` +
        '  <TransInfo>\n' +
        '    <CopMsgId>0A6F3C2E-5B1D-4E2A-9C77-2F4C1B9E8D01</CopMsgId>\n' +
        '    <SenderId>DXPENT0000458763</SenderId>\n' +
        '    <ReceiverIds><ReceiverId>DXPEDCCEB0000002</ReceiverId></ReceiverIds>\n' +
        '    <CreatTime>2024-05-01T10:20:30</CreatTime>\n' +
        '    <MsgType>CEB311Message</MsgType>\n' +
        '  </TransInfo>\n' +
        '  <Data>PGE+5Lit5paHPC9hPg==</Data>\n' +
        '  <AddInfo>\n    <FileName>CEB311Message_1.xml</FileName>\n    <IcCard>8930000012345</IcCard>\n  </AddInfo>\n' +
        '</DxpMsg>\n',
    );
  });

  it('defaults: upper-case UUID CopMsgId and China time now', () => {
    const { transInfo } = unwrapDxp(wrapDxp(Buffer.from('<a/>'), base));
    expect(transInfo.copMsgId).toMatch(
      /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/,
    );
    expect(transInfo.creatTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(formatCreatTime(new Date('2024-12-31T16:00:00Z'))).toBe('2025-01-01T00:00:00');
  });

  it.each([
    [{ senderId: 'DXPENT00004587631' }, 'SenderId'],
    [{ senderId: '' }, 'SenderId'],
    [{ receiverIds: [] }, 'ReceiverIds'],
    [{ receiverIds: ['A', 'B', 'C', 'D', 'E', 'F'] }, 'ReceiverIds'],
    [{ msgType: 'X'.repeat(31) }, 'MsgType'],
    [{ icCard: '89300000123456' }, 'IcCard'],
    [{ creatTime: '2024-05-01 10:20:30' }, 'CreatTime'],
    [{ copMsgId: '' }, 'CopMsgId'],
  ])('refuses %j', (patch, field) => {
    expect(() => wrapDxp(Buffer.from('<a/>'), { ...base, ...patch })).toThrow(
      expect.objectContaining({
        code: 'GW_ERR_DXP_ENVELOPE',
        details: [expect.objectContaining({ where: expect.stringContaining(field) })],
      }),
    );
  });
});

describe.skipIf(skipXmllint)('DxpMsg XSD validation (xmllint --schema)', () => {
  it('validates a full envelope around a signed DecMessage', async () => {
    const signed = await signEnveloped(sampleDecMessage(), createFakeSigner(), {
      algorithm: 'rsa-sha1',
    });
    const xml = wrapDxp(Buffer.from(signed, 'utf8'), {
      ...base,
      receiverIds: ['DXPEDCCEB0000002', 'DXPEDCCEB0000003'],
      fileName: '报关单_202405010001.xml',
      icCard: '8930000012345',
      bizKeys: [{ name: 'DealFlag', value: '1' }],
    });
    const r = validate(xml);
    expect(r.ok, r.err).toBe(true);
    const back = unwrapDxp(xml);
    expect(back.data.toString('utf8')).toBe(signed);
    expect(verifyEnveloped(back.data.toString('utf8')).ok).toBe(true);
  });

  it('validates the minimal envelope and catches a broken one', () => {
    expect(validate(wrapDxp(Buffer.from('x'), base)).ok).toBe(true);
    const broken = wrapDxp(Buffer.from('x'), base)
      .replace('<MsgType>', '<MsgTyp>')
      .replace('</MsgType>', '</MsgTyp>');
    expect(validate(broken).ok).toBe(false);
  });
});

describe('unwrapDxp', () => {
  it('reads prefixed, GBK-encoded envelopes with AddInfo extras', () => {
    const xml =
      '<?xml version="1.0" encoding="GBK"?>\n' +
      `<dxp:DxpMsg xmlns:dxp="${DXP_NS}" ver="1.0"><dxp:TransInfo><dxp:CopMsgId>DXPEDCCEB000000220240501102030</dxp:CopMsgId>` +
      '<dxp:SenderId>DXPEDCCEB0000002</dxp:SenderId><dxp:ReceiverIds><dxp:ReceiverId>DXPENT0000458763</dxp:ReceiverId></dxp:ReceiverIds>' +
      '<dxp:CreatTime>2024-05-01T10:20:30</dxp:CreatTime><dxp:MsgType>CEB312Message</dxp:MsgType></dxp:TransInfo>' +
      `<dxp:Data>\n${Buffer.from('<回执/>').toString('base64')}\n</dxp:Data>` +
      '<dxp:AddInfo><dxp:FileName>回执.xml</dxp:FileName><dxp:BizKey><dxp:Key name="DealFlag">0</dxp:Key><dxp:Key name="RetType">1</dxp:Key></dxp:BizKey>' +
      '<dxp:IsText Encode="UTF-8"/></dxp:AddInfo></dxp:DxpMsg>';
    const m = unwrapDxp(encodeXml(xml, 'GBK'));
    expect(m.transInfo).toEqual({
      copMsgId: 'DXPEDCCEB000000220240501102030',
      senderId: 'DXPEDCCEB0000002',
      receiverIds: ['DXPENT0000458763'],
      creatTime: '2024-05-01T10:20:30',
      msgType: 'CEB312Message',
    });
    expect(m.data.toString('utf8')).toBe('<回执/>');
    expect(m.addInfo).toEqual({
      fileName: '回执.xml',
      bizKeys: [
        { name: 'DealFlag', value: '0' },
        { name: 'RetType', value: '1' },
      ],
      isTextEncoding: 'UTF-8',
    });
    expect(m.signed).toBe(false);
  });

  it.each([
    ['<DxpMsg ver="1.0"/>', 'GW_ERR_DXP_ENVELOPE'],
    [`<DxpMsg xmlns="${DXP_NS}" ver="1.0"><Data>AA==</Data></DxpMsg>`, 'GW_ERR_DXP_ENVELOPE'],
    [
      wrapDxp(Buffer.from('x'), base).replace(/<Data>[^<]*<\/Data>/, '<Data>not base64!</Data>'),
      'GW_ERR_DXP_ENVELOPE',
    ],
    ['<DxpMsg', 'GW_ERR_XML_MALFORMED'],
    ['<!DOCTYPE x><DxpMsg/>', 'GW_ERR_XML_DTD'],
  ])('refuses %j', (xml, code) => {
    expect(() => unwrapDxp(xml)).toThrow(expect.objectContaining({ code }));
  });
});
