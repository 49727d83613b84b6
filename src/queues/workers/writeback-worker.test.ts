import { describe, expect, it } from 'vitest';
import type { WritebackJob } from '../names.js';
import { writebackProcessor } from './writeback-worker.js';
import { jobOf, stageHarness } from '../../../test/helpers/stage-harness.js';

const M1 = 'a'.repeat(32);
const RECEIPT = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><DEC_RESULT><CUS_CIQ_NO>1</CUS_CIQ_NO><CHANNEL>L</CHANNEL></DEC_RESULT>',
);

async function withReceipt(sourceName = 'export 1.xml') {
  const h = stageHarness();
  await h.receive(M1, '<doc/>', sourceName);
  const receiptRef = await h.spool.put(RECEIPT);
  const data: WritebackJob = { messageId: M1, receiptRef, kind: 'dec-result', seq: 1 };
  return { h, receiptRef, job: jobOf({ data }) };
}

describe('writeback processor (in-memory ledger, memory outbox)', () => {
  it("writes the receipt into the channel outbox under the message's stem, logs it, and feeds the polling API", async () => {
    const { h, receiptRef, job } = await withReceipt('export.xml');
    await writebackProcessor(h.deps)(job);

    expect(h.sink.list(h.channel.outbox)).toEqual(['export.dec-result.01.xml']);
    expect(h.sink.read(h.channel.outbox, 'export.dec-result.01.xml')!.equals(RECEIPT)).toBe(true);
    expect((await h.ledger.get(M1))!.receiptStem).toBe('export');
    expect((await h.ledger.events(M1)).at(-1)).toMatchObject({
      stage: 'writeback',
      text: 'wrote export.dec-result.01.xml',
      refs: { receipt: receiptRef },
    });
    expect(h.feed).toEqual([
      {
        channel: 'dec',
        entry: {
          messageId: M1,
          fileName: 'export.dec-result.01.xml',
          kind: 'dec-result',
          receiptRef,
          writtenAt: 1_750_000_000_000,
        },
        seq: 1,
      },
    ]);
  });

  it('run again writes nothing new and feeds nothing twice, even after the file was taken', async () => {
    const { h, job } = await withReceipt('export.xml');
    const run = writebackProcessor(h.deps);
    await run(job);
    const events = await h.ledger.events(M1);
    await run(job);
    expect(h.sink.list(h.channel.outbox)).toHaveLength(1);
    // The enterprise took the file; the same receipt comes round again (its job was removed).
    h.sink.take(h.channel.outbox, 'export.dec-result.01.xml');
    await run(job);
    expect(h.sink.list(h.channel.outbox)).toEqual([]);
    expect(await h.ledger.events(M1)).toEqual(events);
    expect(h.feed.map((f) => [f.entry.fileName, f.seq])).toEqual([['export.dec-result.01.xml', 1]]);
  });

  it('a crash after the file was written but before the feed entry: the re-run feeds it', async () => {
    const { h, job } = await withReceipt('export.xml');
    const append = h.deps.receiptFeed.append;
    h.deps.receiptFeed.append = () => Promise.reject(new Error('killed'));
    await expect(writebackProcessor(h.deps)(job)).rejects.toThrow('killed');
    h.deps.receiptFeed.append = append;
    await writebackProcessor(h.deps)(job);
    expect(h.sink.list(h.channel.outbox)).toEqual(['export.dec-result.01.xml']);
    expect(h.feed.map((f) => [f.entry.fileName, f.seq])).toEqual([['export.dec-result.01.xml', 1]]);
  });

  it('never replaces another file under the name: the receipt goes under the stem plus the message id', async () => {
    const { h, job } = await withReceipt('export.xml');
    const outbox = h.channel.outbox;
    await h.sink.write(outbox, 'export.dec-result.01.xml', Buffer.from('put there by hand'));
    await writebackProcessor(h.deps)(job);
    expect(h.sink.read(outbox, 'export.dec-result.01.xml')!.toString()).toBe('put there by hand');
    const other = `export.${M1.slice(0, 12)}.dec-result.01.xml`;
    expect(h.sink.read(outbox, other)!.equals(RECEIPT)).toBe(true);
    expect(h.feed[0]!.entry.fileName).toBe(`export.${M1.slice(0, 12)}.dec-result.01.xml`);
  });

  it("names a receipt about another drop of the same bytes after that drop's file", async () => {
    const { h, receiptRef } = await withReceipt('export.xml');
    await writebackProcessor(h.deps)(
      jobOf({
        data: {
          messageId: M1,
          receiptRef,
          kind: 'duplicate',
          seq: 2,
          sourceName: 'again.xml',
        } satisfies WritebackJob,
      }),
    );
    expect(h.sink.list(h.channel.outbox)).toEqual(['again.duplicate.02.xml']);
  });

  it('writes nothing for a message the ledger does not know', async () => {
    const { h, receiptRef } = await withReceipt();
    await writebackProcessor(h.deps)(
      jobOf({ data: { messageId: 'f'.repeat(32), receiptRef, kind: 'dec-result', seq: 1 } }),
    );
    expect(h.sink.list(h.channel.outbox)).toEqual([]);
    expect(h.feed).toEqual([]);
  });
});
