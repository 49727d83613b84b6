import { pino } from 'pino';
import { LeasedPoller } from '../../src/core/leased-poller.js';
import type { InboundReceipt, ReceiptSource } from '../../src/receipts/receipt-source.js';

/**
 * An in-memory receipt feed and the fake sources that read it, for tests of the receipt stage
 * without a server. It keeps the ReceiptSource contract: a receipt leaves the feed only once
 * onReceipt resolved; one whose onReceipt rejected stays, and is offered again by the next poll
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
      start: async (onReceipt: (r: InboundReceipt) => Promise<void>) =>
        poller.start(async () => {
          // Oldest first; a rejection ends the poll with the receipt still first in line.
          while (feed.length > 0 && !poller.stopped) {
            const next = feed[0]!;
            await onReceipt({ source: name, fileName: next.fileName, bytes: next.bytes });
            feed.splice(feed.indexOf(next), 1);
          }
        }),
      close: () => poller.close(),
    };
  }
}
