import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { buildDecImportResponse, buildDecResult } from './receipts.js';
import { receiptPlan, scenarioFor } from './scenario.js';
import { NumberAllocator } from './numbers.js';
import { formatCompactDate, formatNoticeDate } from './china-time.js';
import { ReceiptFeed } from './feed.js';

const parser = new XMLParser({
  removeNSPrefix: false,
  ignoreAttributes: false,
  parseTagValue: false,
});

describe('buildDecImportResponse', () => {
  it('writes the dec namespace and the fields in order', () => {
    const xml = buildDecImportResponse({
      responseCode: 0,
      errorMessage: '导入成功',
      clientSeqNo: 'EPGW20260105000101',
      seqNo: 'I20260000000000001',
    });
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<DecImportResponse xmlns="http://www.chinaport.gov.cn/dec">',
      ),
    ).toBe(true);
    const order = ['ResponseCode', 'ErrorMessage', 'ClientSeqNo', 'SeqNo', 'TrnPreId'].map((n) =>
      xml.indexOf(`<${n}`),
    );
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const doc = parser.parse(xml).DecImportResponse;
    expect(doc.ResponseCode).toBe('0');
    expect(doc.SeqNo).toBe('I20260000000000001');
    expect(xml).toContain('<TrnPreId/>');
  });

  it('escapes text', () => {
    const xml = buildDecImportResponse({ responseCode: 1, errorMessage: 'a < b & "c"' });
    expect(xml).toContain('<ErrorMessage>a &lt; b &amp; &quot;c&quot;</ErrorMessage>');
  });
});

describe('buildDecResult', () => {
  it('has no namespace, formats NOTICE_DATE in China time and adds CLIENT_SEQ_NO when given', () => {
    const xml = buildDecResult({
      cusCiqNo: 'I20260000000000001',
      entryId: '224820261000000001',
      noticeDate: new Date('2026-01-05T02:03:04Z'),
      channel: 'L',
      note: '入库成功',
      customMaster: '2248',
      ieDate: '20260104',
      dDate: '20260105',
      clientSeqNo: 'EPGW20260105000101',
    });
    const r = parser.parse(xml).DEC_RESULT;
    expect(r.NOTICE_DATE).toBe('2026-01-05T10:03:04');
    expect(r.CHANNEL).toBe('L');
    expect(r.CLIENT_SEQ_NO).toBe('EPGW20260105000101');
    expect(xml).not.toContain('xmlns');
  });

  it('omits CLIENT_SEQ_NO when not given, like a real receipt', () => {
    const xml = buildDecResult({
      cusCiqNo: 'X',
      entryId: 'Y',
      noticeDate: '2018-12-12T14:40:43',
      channel: 'R',
      note: '报关单已结关',
    });
    expect(xml).not.toContain('CLIENT_SEQ_NO');
    expect(xml).toContain('<NOTICE_DATE>2018-12-12T14:40:43</NOTICE_DATE>');
  });
});

describe('scenarios', () => {
  it('walks the documented CHANNEL sequences', () => {
    const channels = (note: string): string[] =>
      receiptPlan(scenarioFor(note)).map((s) => s.channel);
    expect(channels('普通备注')).toEqual(['7', 'L', 'J', 'P', 'R']);
    expect(channels('x SANDBOX:INSPECT y')).toEqual(['7', 'L', 'J', 'C', 'P', 'R']);
    expect(channels('SANDBOX:REJECT')).toEqual(['7', 'L', 'E']);
    expect(channels('SANDBOX:INSPECT SANDBOX:REJECT')).toEqual(['7', 'L', 'E']);
  });

  it('explains a rejection in Chinese', () => {
    const last = receiptPlan('reject').at(-1);
    expect(last?.note('I1')).toMatch(/海关退单/);
  });
});

describe('numbers and dates', () => {
  it('allocates 18-char SeqNo and 18-digit ENTRY_ID', () => {
    const a = new NumberAllocator();
    const now = new Date('2026-03-01T00:00:00Z');
    const i = a.allocate('I', '2248', now);
    const e = a.allocate('E', '5316', now);
    expect(i.seqNo).toMatch(/^I2026\d{13}$/);
    expect(e.seqNo).toMatch(/^E2026\d{13}$/);
    expect(i.entryId).toMatch(/^224820261\d{9}$/);
    expect(e.entryId).toMatch(/^531620260\d{9}$/);
    expect(i.seqNo).not.toBe(e.seqNo.replace('E', 'I'));
  });

  it('formats China Standard Time across the date line', () => {
    const d = new Date('2025-12-31T16:30:00Z');
    expect(formatNoticeDate(d)).toBe('2026-01-01T00:30:00');
    expect(formatCompactDate(d)).toBe('20260101');
  });
});

describe('ReceiptFeed', () => {
  it('pages by cursor with strictly increasing seq', () => {
    const feed = new ReceiptFeed();
    for (let i = 0; i < 5; i++) feed.append(`f${i}.xml`, `<a>${i}</a>`);
    const p1 = feed.page(0, 2);
    expect(p1.receipts.map((r) => r.seq)).toEqual([1, 2]);
    expect(p1.next).toBe(2);
    const p2 = feed.page(p1.next, 10);
    expect(p2.receipts.map((r) => r.seq)).toEqual([3, 4, 5]);
    const p3 = feed.page(p2.next, 10);
    expect(p3).toEqual({ receipts: [], next: 5, feedId: feed.id });
    // A cursor from an earlier run of the feed: the page says where this run ends.
    expect(feed.page(30, 10).next).toBe(5);
    expect(new ReceiptFeed().id).not.toBe(feed.id);
    expect(Buffer.from(p2.receipts[0]!.content, 'base64').toString('utf8')).toBe('<a>2</a>');
  });
});
