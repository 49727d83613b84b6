import type { Redis } from 'ioredis';

/*
 * Pages of one ordered receipt feed (HTTP pull) are applied in the order they arrived. Each page
 * is a job of the receipt stage, and jobs run side by side (several per process, several
 * processes), so without this a declaration's 放行 (R) on one page could be applied, and numbered
 * in the outbox, before its 查验/审结 (P) on the page before.
 *
 * A lane is a sorted set per feed: a page enters it (scored by when it was queued) before its job
 * is queued and is marked tried (a negative score: minus the time it was tried) once its receipts
 * were tried once; a page waits while an earlier page of its lane is untried. The tried mark
 * stays an hour (the default retention of finished jobs): the same page read again within it is
 * one finished job that never runs again, so it must not enter the lane as untried.
 *
 * The wait is bounded (LANE_STALE_MS): an entry whose job was lost (a crash between entering and
 * queuing) only holds up the pages after it that long, and is then swept; so is a page that
 * waited behind a backlog that long. Order is kept for the first try of each page; a receipt a
 * page could not apply (no message matches it yet) is retried after the pages behind it went on,
 * as any retry.
 */

/** An untried entry this old no longer holds up the pages after it (and is swept). */
export const LANE_STALE_MS = 60_000;

/** How long a tried page is remembered. */
const TRIED_KEEP_MS = 3_600_000;

export interface ReceiptLane {
  readonly redis: Redis;
  readonly prefix: string;
  readonly name: string;
}

const keyOf = (l: ReceiptLane): string => `${l.prefix}:receipt-lane:${l.name}`;

// Two pages queued within one millisecond by one poller still get distinct, ordered scores.
let tick = 0;

/** A page enters its lane before its job is queued; entering again keeps its place or its mark. */
export async function enterLane(lane: ReceiptLane, jobId: string): Promise<void> {
  tick = (tick + 1) % 1000;
  await lane.redis.zadd(keyOf(lane), 'NX', Date.now() + tick / 1000, jobId);
}

/** True while a page queued before this one (and not stale) has not been tried yet. */
export async function earlierPagePending(lane: ReceiptLane, jobId: string): Promise<boolean> {
  const own = await lane.redis.zscore(keyOf(lane), jobId);
  // Tried already (a retry), or queued before lanes existed: nothing to wait for.
  if (own === null || Number(own) < 0) return false;
  const earlier = await lane.redis.zrangebyscore(
    keyOf(lane),
    Date.now() - LANE_STALE_MS,
    `(${own}`,
    'LIMIT',
    0,
    1,
  );
  return earlier.length > 0;
}

/** The page was tried: the pages after it may go. Stale and long-tried entries are swept. */
export async function leaveLane(lane: ReceiptLane, jobId: string): Promise<void> {
  const now = Date.now();
  await lane.redis
    .multi()
    .zadd(keyOf(lane), -now, jobId)
    .zremrangebyscore(keyOf(lane), 0, now - LANE_STALE_MS)
    .zremrangebyscore(keyOf(lane), `(${TRIED_KEEP_MS - now}`, '(0')
    .exec();
}
