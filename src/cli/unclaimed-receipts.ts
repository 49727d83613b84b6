import type { OperatorDeps } from '../queues/deps.js';
import { ReceiptAcks } from '../queues/receipt-acks.js';
import { ORPHANS_FEED } from '../queues/workers/receipt-worker.js';

/** Counted at most; more shows as "10000+". */
const MAX_COUNTED = 10_000;

/**
 * One status line per channel whose receipts the HTTP API serves: how many receipts no API
 * client has acknowledged yet, and since when. Nothing when no token may collect receipts.
 */
export async function unclaimedReceiptLines(
  deps: Pick<OperatorDeps, 'redis' | 'config' | 'ledger' | 'receiptFeed'>,
  now = Date.now(),
): Promise<string[]> {
  const { config } = deps;
  const pollers = config.http.tokens.filter((t) => !t.scopes || t.scopes.includes('receipts'));
  if (!pollers.length) return [];
  const acks = new ReceiptAcks(deps.redis, config.redis.prefix, deps.receiptFeed, deps.ledger);
  const lines: string[] = [];
  for (const name of [...config.channels.map((c) => c.name), ORPHANS_FEED]) {
    const waiting = await acks.unclaimed(name, MAX_COUNTED + 1, 0, now);
    if (!waiting.length) continue;
    const oldest = Math.round((now - waiting[0]!.writtenAt!) / 60_000);
    const n = waiting.length > MAX_COUNTED ? `${MAX_COUNTED}+` : String(waiting.length);
    lines.push(
      `  ${name.padEnd(20)} ${n.padStart(6)} receipt(s) nobody collected, oldest ${oldest} min / 无人取走的回执`,
    );
  }
  return lines.length ? ['receipts not collected through the API / API 未取回执:', ...lines] : [];
}
