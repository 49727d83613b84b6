import type { Redis } from 'ioredis';
import type { ResolvedReceiptSource } from '../config/resolve.js';
import type { LeaseFactory } from '../core/lease.js';
import type { Logger } from '../core/logger.js';
import { AmqpReceiptSource } from './amqp-receipt-source.js';
import { HttpPullReceiptSource } from './http-pull-source.js';
import type { ReceiptSource } from './receipt-source.js';
import { SftpReceiptSource } from './sftp-receipt-source.js';

/**
 * Receipt source adapters by config `type`. Polling sources poll under a lease so one node polls
 * each; an AMQP queue needs none (the broker shares deliveries between consumers).
 */
export function createReceiptSource(
  r: ResolvedReceiptSource,
  redis: Redis,
  prefix: string,
  leases: LeaseFactory,
  log: Logger,
): ReceiptSource {
  if (r.type === 'amqp') return new AmqpReceiptSource(r, log);
  const lease = leases(`receipts:${r.name}`, Math.max(10_000, r.intervalMs * 5));
  switch (r.type) {
    case 'http-pull':
      return new HttpPullReceiptSource(
        {
          name: r.name,
          url: r.url,
          intervalMs: r.intervalMs,
          redis,
          cursorKey: `${prefix}:cursor:${r.name}`,
          tls: r.tls,
          bounds: { maxBytes: r.maxBytes, timeoutMs: r.timeoutMs },
        },
        log,
        lease,
      );
    case 'sftp':
      return new SftpReceiptSource({ ...r, pollMs: r.intervalMs }, log, lease);
  }
}
