import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUSINESS_KEY_INDEX } from '../ledger-port.js';
import type { ReceiptJob } from '../names.js';
import { ORPHANS_FEED, receiptProcessor } from './receipt-worker.js';
import { jobOf, stageHarness } from '../../../test/helpers/stage-harness.js';

const M1 = 'a'.repeat(32);

const importResponse = (code: string, error: string, seqNo: string, clientSeqNo: string) =>
  Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<DecImportResponse xmlns="http://www.chinaport.gov.cn/dec">
  <ResponseCode>${code}</ResponseCode>
  <ErrorMessage>${error}</ErrorMessage>
  <ClientSeqNo>${clientSeqNo}</ClientSeqNo>
  <SeqNo>${seqNo}</SeqNo>
  <TrnPreId></TrnPreId>
</DecImportResponse>`);

/** A harness with message M1 sent under ClientSeqNo I202405010001, and a receipt in the spool. */
async function sentWith(receipt: Buffer) {
  const h = stageHarness();
  await h.receive(M1, '<doc/>');
  await h.ledger.bindKey(BUSINESS_KEY_INDEX, 'I202405010001', M1);
  await h.ledger.advance(M1, 'sent', { stage: 'deliver', text: 'sent' });
  const receiptRef = await h.spool.put(receipt);
  const data: ReceiptJob = { receiptRef, source: 'feed', fileName: 'r.xml' };
  return { h, receiptRef, data };
}

describe('receipt processor (in-memory ledger and queues)', () => {
  it('finds the message by its ClientSeqNo, moves its status, binds its SeqNo, and writes the receipt back', async () => {
    const { h, receiptRef, data } = await sentWith(
      importResponse('0', '', '000000000123456789', 'I202405010001'),
    );
    await receiptProcessor(h.deps)(jobOf({ data }));
    expect(await h.ledger.get(M1)).toMatchObject({
      status: 'imported',
      seqNo: '000000000123456789',
    });
    expect(await h.ledger.findByKey('seqNo', '000000000123456789')).toBe(M1);
    // Written back by the receipt stage itself, under the message's stem, and fed to the API.
    expect(h.sink.list(h.channel.outbox)).toEqual(['a.import-response.01.xml']);
    expect(h.feed).toEqual([
      expect.objectContaining({
        channel: 'dec',
        entry: expect.objectContaining({ messageId: M1, kind: 'import-response', receiptRef }),
        seq: 1,
      }),
    ]);
    expect(h.queues.waiting('writeback')).toEqual([]);
  });

  it('applies the same receipt once: a second run adds no event and no second file', async () => {
    const { h, data } = await sentWith(importResponse('0', '', '1', 'I202405010001'));
    const run = receiptProcessor(h.deps);
    await run(jobOf({ data }));
    const events = await h.ledger.events(M1);
    await run(jobOf({ data }));
    expect(await h.ledger.events(M1)).toEqual(events);
    expect(h.sink.list(h.channel.outbox)).toEqual(['a.import-response.01.xml']);
  });

  it('ends the message on a rejection and still writes the receipt back', async () => {
    const { h, data } = await sentWith(
      importResponse('1', '申报地海关不能为空', '', 'I202405010001'),
    );
    await receiptProcessor(h.deps)(jobOf({ data }));
    expect((await h.ledger.get(M1))!.status).toBe('rejected');
    expect(h.sink.list(h.channel.outbox)).toEqual(['a.import-response.01.xml']);
  });

  it('retries a receipt that matches nothing, then keeps it in orphans/ and on the orphans feed', async () => {
    const { h, data, receiptRef } = await sentWith(importResponse('0', '', '9', 'NOBODY'));
    const run = receiptProcessor(h.deps);
    await expect(run(jobOf({ data }, { attemptsMade: 0 }))).rejects.toMatchObject({
      code: 'GW_ERR_RECEIPT_UNMATCHED',
    });
    expect(h.feed).toEqual([]);
    await run(jobOf({ data }, { attemptsMade: 4 }));
    const orphans = await readdir(join(h.deps.config.dataDir, 'orphans'));
    expect(orphans).toEqual([`${receiptRef.slice(7, 19)}-r.xml`]);
    expect(h.feed).toEqual([
      {
        channel: ORPHANS_FEED,
        entry: { messageId: '', fileName: orphans[0], kind: 'orphan', receiptRef },
      },
    ]);
    expect((await h.ledger.get(M1))!.status).toBe('sent');
    expect(h.queues.waiting('writeback')).toEqual([]);
  });
});
