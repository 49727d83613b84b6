import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseReceipt } from '../receipts/parse.js';
import { CustomsDesk } from './desk.js';
import { buildTrnResult } from './transit.js';

/** The sandbox answers a 转关 declaration with a TrnPreId and a TRN_RESULT, a general one with neither. */
const transitXml = readFileSync(
  join(
    import.meta.dirname,
    '..',
    '..',
    'samples',
    'transit',
    'expected',
    'trn-01-import-transit-sections.xml',
  ),
  'utf8',
);
const generalXml = readFileSync(
  join(
    import.meta.dirname,
    '..',
    '..',
    'samples',
    'enterprise',
    'expected',
    'ent-01-import-components-utf8-bom.xml',
  ),
  'utf8',
);

let desk: CustomsDesk | undefined;
afterEach(() => desk?.stop());

async function submit(xml: string): Promise<{
  response: ReturnType<typeof parseReceipt>;
  receipts: { fileName: string; xml: string }[];
}> {
  desk = new CustomsDesk({ stepMs: 5, failFirst: 0, failRate: 0 });
  const receipts: { fileName: string; xml: string }[] = [];
  desk.onReceipt((fileName, x) => receipts.push({ fileName, xml: x }));
  const out = desk.submit(Buffer.from(xml, 'utf8'), undefined, { clientSigns: true });
  if (out.status !== 200) throw new Error(out.reason);
  // The default scenario ends with 结关 (R); wait until it and, for transit, the TRN_RESULT are out.
  for (let i = 0; i < 400 && !receipts.some((r) => r.xml.includes('<CHANNEL>R</CHANNEL>')); i++)
    await new Promise((r) => setTimeout(r, 5));
  return { response: parseReceipt(Buffer.from(out.xml), 'Successed_trn.xml'), receipts };
}

describe('sandbox: 转关', () => {
  it('hands out a TrnPreId in the import response and answers with a TRN_RESULT naming both numbers', async () => {
    const { response, receipts } = await submit(transitXml);
    expect(response.kind).toBe('import-response');
    expect(response.keys.trnPreId).toMatch(/^T\d{17}$/);
    expect(response.keys.trnPreId!.slice(1)).toBe(response.keys.seqNo!.slice(1));
    const trn = receipts.filter((r) => r.fileName.startsWith('Receipt_TRN_'));
    expect(trn).toHaveLength(1);
    const parsed = parseReceipt(Buffer.from(trn[0]!.xml), trn[0]!.fileName);
    expect(parsed).toMatchObject({
      family: 'dec',
      kind: 'trn-result',
      messageType: 'TRN_RESULT',
      code: '1',
      status: 'sent',
      negative: false,
      terminal: false,
    });
    expect(parsed.keys).toEqual({
      seqNo: response.keys.seqNo,
      trnPreId: response.keys.trnPreId,
      transDclNo: '2248202610000017',
    });
    expect(parsed.text).toContain('BILL_NO SBXE260115021');
  });

  it('gives a general declaration no TrnPreId and no TRN_RESULT', async () => {
    const { response, receipts } = await submit(generalXml);
    expect(response.keys.seqNo).toBeTruthy();
    expect(response.keys.trnPreId).toBeUndefined();
    expect(receipts.length).toBeGreaterThan(0);
    expect(receipts.some((r) => r.fileName.startsWith('Receipt_TRN_'))).toBe(false);
  });
});

describe('TRN_RESULT parsing', () => {
  const base = {
    cusCiqNo: 'I20260000000000017',
    spTrnSeqNo: 'T20260000000000017',
    noticeDate: '2026-01-15T10:00:00',
    procResult: '1',
    note: '已接受',
  };

  it('reads the 统一编号, the 转关单统一编号 and the 转关申报单号 as keys, moving no status', () => {
    const r = parseReceipt(
      Buffer.from(buildTrnResult({ ...base, transDclNo: '2248202610000017' })),
      'Receipt_TRN.xml',
    );
    expect(r).toMatchObject({
      kind: 'trn-result',
      code: '1',
      status: 'sent',
      noticeTime: '2026-01-15T10:00:00',
      text: '已接受',
    });
    expect(r.keys).toEqual({
      seqNo: base.cusCiqNo,
      trnPreId: base.spTrnSeqNo,
      transDclNo: '2248202610000017',
    });
  });

  it('matches on the 转关单统一编号 alone when the 统一编号 is empty', () => {
    expect(parseReceipt(Buffer.from(buildTrnResult({ ...base, cusCiqNo: '' }))).keys).toEqual({
      trnPreId: base.spTrnSeqNo,
    });
  });

  it('refuses a TRN_RESULT without PROC_RESULT or without any number, saying so in both languages', () => {
    const noCode = buildTrnResult(base).replace('<PROC_RESULT>1</PROC_RESULT>', '');
    expect(() => parseReceipt(Buffer.from(noCode), 'a.xml')).toThrow(/GW_ERR_RECEIPT_UNPARSEABLE/);
    try {
      parseReceipt(Buffer.from(buildTrnResult({ ...base, cusCiqNo: '', spTrnSeqNo: '' })), 'b.xml');
      expect.unreachable();
    } catch (e) {
      const d = (e as { details: { zh: string; en: string; where?: string }[] }).details[0]!;
      expect(d.where).toBe('b.xml: TRN_RESULT');
      expect(d.zh).toContain('无法对应');
      expect(d.en).toContain('neither CUS_CIQ_NO');
    }
  });
});
