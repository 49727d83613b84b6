import type { Redis } from 'ioredis';

/**
 * The producer side of the audit log. Every ledger event of a message is added to one Redis
 * stream in the same atomic step as the event itself (see Ledger), and operator actions that are
 * not about one message (hold or release a channel...) are added here. Redis orders the stream;
 * the audit writer (queues/audit-writer.ts) turns it into the hash-chained files, one writer at a time.
 */
export function auditStreamKey(prefix: string): string {
  return `${prefix}:audit:stream`;
}

/** An operator's action, for the audit log. */
export interface OperatorAction {
  /** e.g. 'hold', 'release', 'replay', 'retry', 'cancel'. */
  readonly action: string;
  /** Who did it: the command and user, or the API token name. */
  readonly who: string;
  /** What it acted on: a channel name, a message id, a queue. */
  readonly target: string;
  readonly text?: string;
}

/**
 * Records an operator action in the audit log: one line for the code that performs the action,
 * e.g. `await recordOperatorAction(deps.redis, deps.config.redis.prefix, { action: 'hold', who, target: channel })`.
 * Actions on a message through the ledger (retry, cancel) are recorded by the ledger already.
 */
export async function recordOperatorAction(
  redis: Redis,
  prefix: string,
  a: OperatorAction,
): Promise<void> {
  await redis.xadd(auditStreamKey(prefix), '*', 'o', JSON.stringify({ ...a, at: Date.now() }));
}
