import { describe, expect, it } from 'vitest';
import { BUSINESS_KEY_INDEX } from '../ledger-port.js';
import type { ArrivedReceipt } from '../names.js';
import { queueReceipts } from '../queue-receipt.js';
import { ORPHANS_FEED, receiptProcessor } from './receipt-worker.js';
import { jobOf, stageHarness } from '../../../test/helpers/stage-harness.js';

const M1 = 'a'.repeat(32);
const M2 = 'b'.repeat(32);

const importResponse = (clientSeqNo: string, seqNo: string) =>
  Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<DecImportResponse xmlns="http://www.chinaport.gov.cn/dec">
  <ResponseCode>0</ResponseCode>
  <ErrorMessage></ErrorMessage>
  <ClientSeqNo>${clientSeqNo}</ClientSeqNo>
  <SeqNo>${seqNo}</SeqNo>
  <TrnPreId></TrnPreId>
</DecImportResponse>`);

const decResult = (seqNo: string, channel: string, note: string) =>
  Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<DEC_RESULT>
  <CUS_CIQ_NO>${seqNo}</CUS_CIQ_NO>
  <ENTRY_ID>530120181000123456</ENTRY_ID>
  <NOTICE_DATE>2018-12-12T14:40:43</NOTICE_DATE>
  <CHANNEL>${channel}</CHANNEL>
  <NOTE>${note}</NOTE>
</DEC_RESULT>`);

/** M1 (a.xml, ClientSeqNo C1) and M2 (b.xml, ClientSeqNo C2), both sent. */
async function twoSent() {
  const h = stageHarness();
  for (const [id, key, name] of [
    [M1, 'C1', 'a.xml'],
    [M2, 'C2', 'b.xml'],
  ] as const) {
    await h.receive(id, `<doc id="${id}"/>`, name);
    await h.ledger.bindKey(BUSINESS_KEY_INDEX, key, id);
    await h.ledger.advance(id, 'sent', { stage: 'deliver', text: 'sent' });
  }
  const arrived = async (bytes: Buffer, fileName: string): Promise<ArrivedReceipt> => ({
    receiptRef: await h.spool.put(bytes),
    source: 'feed',
    fileName,
  });
  const run = receiptProcessor(h.deps);
  const batch = (receipts: ArrivedReceipt[], attemptsMade = 0) =>
    run(jobOf({ data: { receipts } }, { attemptsMade }));
  return { h, arrived, batch };
}

describe('receipt batches (in-memory ledger and queues)', () => {
  it('applies the receipts of a page in their order: one message numbered 01, 02, another 01', async () => {
    const { h, arrived, batch } = await twoSent();
    await batch([
      await arrived(importResponse('C1', 'I20180000000000001'), 'r1.xml'),
      await arrived(importResponse('C2', 'I20180000000000002'), 'r2.xml'),
      await arrived(decResult('I20180000000000001', 'P', '报关单已放行'), 'r3.xml'),
    ]);
    expect(await h.ledger.get(M1)).toMatchObject({
      status: 'released',
      entryId: expect.any(String),
    });
    expect((await h.ledger.get(M2))!.status).toBe('imported');
    expect(h.sink.list(h.channel.outbox).sort()).toEqual([
      'a.dec-result.02.xml',
      'a.import-response.01.xml',
      'b.import-response.01.xml',
    ]);
  });

  it('applies a receipt once when it comes again in another page: no second event, file or orphan entry', async () => {
    const { h, arrived, batch } = await twoSent();
    const r1 = await arrived(importResponse('C1', 'I20180000000000001'), 'r1.xml');
    const stray = await arrived(importResponse('NOBODY', '9'), 'stray.xml');
    await batch([r1, stray], 4);
    const events = await h.ledger.events(M1);
    const feed = h.feed.length;
    // The feed re-read after a crash, grown by one: a page of other content, so another job.
    await batch([r1, stray, await arrived(importResponse('C2', 'I20180000000000002'), 'r2.xml')]);
    expect(await h.ledger.events(M1)).toEqual(events);
    expect(h.feed.filter((f) => f.channel === ORPHANS_FEED)).toHaveLength(1);
    expect(h.feed).toHaveLength(feed + 1);
    expect((await h.ledger.get(M2))!.status).toBe('imported');
  });

  it('keeps an unreadable receipt in orphans/ and applies the rest of its page', async () => {
    const { h, arrived, batch } = await twoSent();
    await batch([
      await arrived(Buffer.from('not xml at all'), 'junk.xml'),
      await arrived(importResponse('C1', 'I20180000000000001'), 'r1.xml'),
    ]);
    expect((await h.ledger.get(M1))!.status).toBe('imported');
    expect(h.feed.map((f) => f.channel).sort()).toEqual(['dec', ORPHANS_FEED]);
  });

  it('a receipt that matches nothing yet fails the job after the others are applied; the retry applies only it', async () => {
    const { h, arrived, batch } = await twoSent();
    const early = await arrived(importResponse('C3', 'I20180000000000003'), 'r3.xml');
    const page = [await arrived(importResponse('C1', 'I20180000000000001'), 'r1.xml'), early];
    await expect(batch(page)).rejects.toMatchObject({ code: 'GW_ERR_RECEIPT_UNMATCHED' });
    expect((await h.ledger.get(M1))!.status).toBe('imported');
    const events = await h.ledger.events(M1);
    // The key of a third message is bound a moment later; the job's retry runs.
    const M3 = 'c'.repeat(32);
    await h.receive(M3, '<doc id="3"/>', 'c.xml');
    await h.ledger.bindKey(BUSINESS_KEY_INDEX, 'C3', M3);
    await batch(page, 1);
    expect((await h.ledger.get(M3))!.status).toBe('imported');
    expect(await h.ledger.events(M1)).toEqual(events);
    expect(h.sink.list(h.channel.outbox).sort()).toEqual([
      'a.import-response.01.xml',
      'c.import-response.01.xml',
    ]);
  });

  it('a transient failure mid-page fails the job; its retry skips the receipts already done', async () => {
    const { h, arrived, batch } = await twoSent();
    const page = [
      await arrived(importResponse('C1', 'I20180000000000001'), 'r1.xml'),
      await arrived(importResponse('C2', 'I20180000000000002'), 'r2.xml'),
      await arrived(decResult('I20180000000000001', 'P', '报关单已放行'), 'r3.xml'),
    ];
    const advance = h.ledger.advance.bind(h.ledger);
    let down = true;
    h.ledger.advance = async (id, ...rest) => {
      if (id === M2 && down) {
        down = false;
        throw new Error('Redis connection lost');
      }
      return advance(id, ...rest);
    };
    await expect(batch(page)).rejects.toThrow('Redis connection lost');
    // The receipts around the failed one went through.
    expect((await h.ledger.get(M1))!.status).toBe('released');
    const events = await h.ledger.events(M1);
    await batch(page, 1);
    expect((await h.ledger.get(M2))!.status).toBe('imported');
    expect(await h.ledger.events(M1)).toEqual(events);
    expect(h.sink.list(h.channel.outbox)).toHaveLength(3);
  });
});

describe('queueReceipts', () => {
  it('spools a page and queues it as one job; the same page again is the same job', async () => {
    const h = stageHarness();
    const page = [
      { bytes: Buffer.from('<R>1</R>'), source: 'feed', fileName: '1.xml' },
      { bytes: Buffer.from('<R>2</R>'), source: 'feed', fileName: '2.xml' },
    ];
    await queueReceipts(h.deps, page);
    await queueReceipts(h.deps, page);
    const jobs = h.queues.waiting('receipt');
    expect(jobs).toHaveLength(1);
    const data = jobs[0]!.data;
    expect('receipts' in data && data.receipts.map((r) => r.fileName)).toEqual(['1.xml', '2.xml']);
    for (const r of 'receipts' in data ? data.receipts : [])
      expect((await h.spool.get(r.receiptRef)).toString()).toMatch(/^<R>\d<\/R>$/);
  });

  it('queues a single receipt under the id it always had, one per message it answers', async () => {
    const h = stageHarness();
    const one = { bytes: Buffer.from('<R/>'), source: 't', fileName: 'a.response' };
    await queueReceipts(h.deps, [{ ...one, forMessage: M1 }]);
    await queueReceipts(h.deps, [{ ...one, forMessage: M2 }]);
    const ids = h.queues.waiting('receipt').map((j) => j.id);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(new RegExp(`^receipt-[0-9a-f]{64}-${M1}$`));
  });
});
