import { afterEach, describe, expect, it } from 'vitest';
import type { InboundReceipt, ReceiptSource } from '../../src/receipts/receipt-source.js';
import { sleep, waitFor } from '../helpers/wait.js';

/** A receipt source under test and the far side it reads (a server folder, a feed, a queue). */
export interface ReceiptSourceHarness {
  readonly source: ReceiptSource;
  /** Makes a receipt available to the source: a file on the server, a feed entry, a message. */
  offer(fileName: string, bytes: Buffer): Promise<void>;
  /**
   * File names the far side still holds for this source (not deleted, moved or past the cursor).
   * Left out where the far side cannot tell: an AMQP delivery in hand is neither queued nor gone.
   */
  readonly remaining?: () => Promise<string[]>;
  /** A new source over the same far side, as after a restart (the old one is closed). */
  restart(): Promise<ReceiptSource>;
  /** Closes every source it made and removes what it set up. */
  close(): Promise<void>;
}

/** Stands in for the receipt stage: records what is handed on; can hold or fail chosen calls. */
class ReceiptRecorder {
  readonly calls: InboundReceipt[] = [];
  /** Receipts whose onReceipts call resolved (durable). */
  readonly stored: InboundReceipt[] = [];
  readonly failOnce = new Set<string>();
  gate: Promise<void> | undefined;

  readonly onReceipts = async (rs: readonly InboundReceipt[]): Promise<void> => {
    this.calls.push(...rs);
    await this.gate;
    if (rs.filter((r) => this.failOnce.delete(r.fileName)).length > 0)
      throw new Error('receipt store down (contract test)');
    this.stored.push(...rs);
  };

  storedNames(): string[] {
    return this.stored.map((r) => r.fileName);
  }
}

/** Gates of the running test: opened after it, so a failing test cannot leave close() waiting. */
const pending: (() => void)[] = [];

function gate(): { promise: Promise<void>; open(): void; fail(): void } {
  let open!: () => void;
  let fail!: () => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = () => reject(new Error('process gone before the receipt was durable (contract test)'));
  });
  pending.push(open);
  return { promise, open, fail };
}

const receipt = (n: number): Buffer =>
  Buffer.from(
    `<DEC_RESULT><CUS_CIQ_NO>EPGW${n}</CUS_CIQ_NO><NOTE>海关已接受申报 ${n}</NOTE></DEC_RESULT>`,
  );

/**
 * The behaviour every ReceiptSource (SFTP, HTTP pull, AMQP, the Single Window client's folders,
 * fake) must share: see the contract in src/receipts/receipt-source.ts.
 */
export function defineReceiptSourceContractTests(
  name: string,
  make: () => Promise<ReceiptSourceHarness>,
): void {
  describe(`ReceiptSource contract: ${name}`, () => {
    let h: ReceiptSourceHarness | undefined;
    afterEach(async () => {
      for (const open of pending.splice(0)) open();
      await h?.close();
      h = undefined;
    });

    const storedBy = (rec: ReceiptRecorder, fileName: string, times = 1) =>
      waitFor(
        `${fileName} stored ${times} time(s)`,
        () => rec.storedNames(),
        (names) => names.filter((n) => n === fileName).length >= times,
        15_000,
      );
    const gone = async (fileName: string): Promise<void> => {
      if (h?.remaining)
        await waitFor(
          `${fileName} gone from the far side`,
          h.remaining,
          (r) => !r.includes(fileName),
        );
    };

    it('hands on each receipt with its file name and exact bytes', async () => {
      h = await make();
      const rec = new ReceiptRecorder();
      await h.offer('Receipt_DEC_1.xml', receipt(1));
      await h.offer('回执-2.xml', receipt(2));
      await h.source.start(rec.onReceipts);
      await storedBy(rec, 'Receipt_DEC_1.xml');
      await storedBy(rec, '回执-2.xml');
      expect(rec.stored).toHaveLength(2);
      const byName = new Map(rec.stored.map((r) => [r.fileName, r]));
      expect(byName.get('Receipt_DEC_1.xml')!.bytes.equals(receipt(1))).toBe(true);
      expect(byName.get('回执-2.xml')!.bytes.equals(receipt(2))).toBe(true);
      for (const r of rec.stored) expect(r.source.length).toBeGreaterThan(0);
      await gone('Receipt_DEC_1.xml');
      await gone('回执-2.xml');
    });

    it('keeps the far copy until onReceipt resolved, and lets it go after', async () => {
      h = await make();
      const rec = new ReceiptRecorder();
      const g = gate();
      rec.gate = g.promise;
      await h.offer('held.xml', receipt(3));
      await h.source.start(rec.onReceipts);
      await waitFor(
        'onReceipt called',
        () => rec.calls.length,
        (n) => n === 1,
      );
      if (h.remaining) expect(await h.remaining()).toContain('held.xml');
      g.open();
      await storedBy(rec, 'held.xml');
      await gone('held.xml');
      // Acknowledged for good: a restarted source goes on with the next receipt only.
      await h.source.close();
      await h.offer('next.xml', receipt(4));
      const after = new ReceiptRecorder();
      await (await h.restart()).start(after.onReceipts);
      await storedBy(after, 'next.xml');
      expect(after.storedNames()).toEqual(['next.xml']);
    });

    it('offers a receipt again when onReceipt rejected: it is not lost', async () => {
      h = await make();
      const rec = new ReceiptRecorder();
      rec.failOnce.add('retry.xml');
      await h.offer('retry.xml', receipt(5));
      await h.source.start(rec.onReceipts);
      await storedBy(rec, 'retry.xml');
      expect(rec.calls.map((r) => r.fileName)).toEqual(['retry.xml', 'retry.xml']);
      expect(rec.stored[0]!.bytes.equals(receipt(5))).toBe(true);
      await gone('retry.xml');
    });

    it('close() waits for the receipt in progress, and hands nothing on after', async () => {
      h = await make();
      const rec = new ReceiptRecorder();
      const g = gate();
      rec.gate = g.promise;
      await h.offer('last.xml', receipt(6));
      await h.source.start(rec.onReceipts);
      await waitFor(
        'onReceipt called',
        () => rec.calls.length,
        (n) => n === 1,
      );
      const events: string[] = [];
      const closing = h.source.close().then(() => void events.push('closed'));
      await sleep(30); // paces the release: a close() that did not wait would resolve meanwhile
      events.push('released');
      g.open();
      await closing;
      expect(events).toEqual(['released', 'closed']);
      expect(rec.storedNames()).toEqual(['last.xml']);
      if (h.remaining) expect(await h.remaining()).not.toContain('last.xml');
      // A receipt that arrives after close() waits for the next source.
      await h.offer('later.xml', receipt(7));
      const after = new ReceiptRecorder();
      await (await h.restart()).start(after.onReceipts);
      await storedBy(after, 'later.xml');
      expect(after.storedNames()).toEqual(['later.xml']);
      expect(rec.calls.map((r) => r.fileName)).toEqual(['last.xml']);
    });

    it('offers a receipt in hand at shutdown again after a restart', async () => {
      h = await make();
      const rec = new ReceiptRecorder();
      const g = gate();
      rec.gate = g.promise;
      await h.offer('crash.xml', receipt(8));
      await h.source.start(rec.onReceipts);
      await waitFor(
        'onReceipt called',
        () => rec.calls.length,
        (n) => n === 1,
      );
      const closing = h.source.close();
      g.fail(); // the process went down before the receipt was durable
      await closing;
      if (h.remaining) expect(await h.remaining()).toContain('crash.xml');
      const after = new ReceiptRecorder();
      await (await h.restart()).start(after.onReceipts);
      await storedBy(after, 'crash.xml');
      expect(after.stored[0]!.bytes.equals(receipt(8))).toBe(true);
      await gone('crash.xml');
    });

    it('hands on the same receipt twice when it arrives twice, and keeps going', async () => {
      h = await make();
      const rec = new ReceiptRecorder();
      await h.offer('dup.xml', receipt(9));
      await h.source.start(rec.onReceipts);
      await storedBy(rec, 'dup.xml');
      await gone('dup.xml');
      await h.offer('dup.xml', receipt(9));
      await storedBy(rec, 'dup.xml', 2);
      await gone('dup.xml');
      await h.offer('after-dup.xml', receipt(10));
      await storedBy(rec, 'after-dup.xml');
      expect(rec.storedNames()).toEqual(['dup.xml', 'dup.xml', 'after-dup.xml']);
    });
    it('close() is idempotent, and safe before any receipt came', async () => {
      h = await make();
      const rec = new ReceiptRecorder();
      await h.source.start(rec.onReceipts);
      await Promise.all([h.source.close(), h.source.close()]);
      await h.source.close();
      expect(rec.calls).toEqual([]);
    });
  });
}
