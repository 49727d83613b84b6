import { pino } from 'pino';
import { LeasedPoller } from '../../src/core/leased-poller.js';
import type { OnReceipts, ReceiptSource } from '../../src/receipts/receipt-source.js';

/**
 * An in-memory receipt feed and the fake sources that read it, for tests of the receipt stage
 * without a server. It keeps the ReceiptSource contract: a receipt leaves the feed only once
 * onReceipts resolved; one whose onReceipt rejected stays, and is offered again by the next poll
 * or the next source over the same feed.
 */
export class MemoryReceiptFeed {
  private readonly waiting: { fileName: string; bytes: Buffer }[] = [];

  offer(fileName: string, bytes: Buffer): void {
    this.waiting.push({ fileName, bytes });
  }

  remaining(): string[] {
    return this.waiting.map((w) => w.fileName);
  }

  source(name = 'memory-receipts', pollMs = 5): ReceiptSource {
    const feed = this.waiting;
    const poller = new LeasedPoller({
      fields: { source: name },
      intervalMs: pollMs,
      log: pino({ level: 'silent' }),
      text: { failed: 'memory receipt feed poll failed', recovered: 'memory feed polled again' },
    });
    return {
      name,
      // Like a feed page: all waiting receipts in one call, gone once it resolved; a rejection
      // ends the poll with them still in line.
      start: async (onReceipts: OnReceipts) =>
        poller.start(async () => {
          const page = feed.slice();
          if (page.length === 0 || poller.stopped) return;
          await onReceipts(
            page.map((w) => ({ source: name, fileName: w.fileName, bytes: w.bytes })),
          );
          for (const w of page) feed.splice(feed.indexOf(w), 1);
        }),
      close: () => poller.close(),
    };
  }
}
