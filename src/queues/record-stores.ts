import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../config/resolve.js';
import { Ledger } from './ledger.js';
import { ReceiptFeed } from './receipt-feed.js';

/**
 * The stores in Redis that need no queue library: the ledger and the receipt feed. The daemon
 * gets them through createPipelineStores; the CLI commands that only read (`eport status ID`,
 * `eport receipts tail`) open just these, so they start fast.
 */
export function createRecordStores(
  config: GatewayConfig,
  redis: Redis,
): { ledger: Ledger; receiptFeed: ReceiptFeed } {
  return {
    ledger: new Ledger(redis, config.redis.prefix),
    receiptFeed: new ReceiptFeed(redis, config.redis.prefix),
  };
}
