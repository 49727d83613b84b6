import type { Redis } from 'ioredis';
import type { LedgerPort } from './ledger-port.js';
import { compareCursors, type FeedEntry, type ReceiptFeed } from './receipt-feed.js';
import { evalLua } from './lua.js';

// Moves a client's acknowledged cursor forward only; returns the cursor it had before.
const ACK_LUA = `
local old = redis.call('HGET', KEYS[1], ARGV[1]) or '0'
local function parts(c)
  local ms, seq = string.match(c, '^(%d+)-(%d+)$')
  if not ms then return 0, 0 end
  return tonumber(ms), tonumber(seq)
end
local om, os = parts(old)
local nm, ns = parts(ARGV[2])
if nm > om or (nm == om and ns > os) then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return old`;

/** Ledger work per round trip while recording what an acknowledgement collected. */
const CHUNK = 500;

export class AckBeyondFeedError extends Error {
  constructor(readonly latest: string) {
    super(`cursor is past the newest receipt (${latest}) / 游标超出最新回执`);
  }
}

/**
 * Which receipts each API client has collected, per channel: a client acknowledges up to a
 * cursor; until then a poll without `after` starts from its last acknowledged cursor, so a
 * client that crashed between receiving and acknowledging gets the same receipts again. Every
 * acknowledged receipt is recorded in its message's ledger entry (who took it, when).
 */
export class ReceiptAcks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly feed: ReceiptFeed,
    private readonly ledger: LedgerPort,
  ) {}

  private key(channel: string): string {
    return `${this.prefix}:feed-acks:${channel}`;
  }

  /** The client's acknowledged cursor, '0' before its first acknowledgement. */
  async cursorOf(channel: string, client: string): Promise<string> {
    return (await this.redis.hget(this.key(channel), client)) ?? '0';
  }

  /** Every client's acknowledged cursor on the channel. */
  async all(channel: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.key(channel));
  }

  /**
   * Acknowledges every receipt up to and including `cursor`. Records in the ledger first, then
   * moves the cursor: a crash in between leaves the cursor where it was, and the repeated
   * acknowledgement records nothing twice. Returns the acknowledged cursor and how many receipts
   * this call newly recorded. Throws AckBeyondFeedError for a cursor the feed never gave out.
   */
  async ack(
    channel: string,
    client: string,
    cursor: string,
  ): Promise<{ acked: string; recorded: number }> {
    const latest = await this.feed.latest(channel);
    if (compareCursors(cursor, latest) > 0) throw new AckBeyondFeedError(latest);
    const before = await this.cursorOf(channel, client);
    let recorded = 0;
    let from = before;
    while (compareCursors(from, cursor) < 0) {
      const entries = await this.feed.between(channel, from, cursor, CHUNK);
      if (!entries.length) break;
      recorded += await this.record(client, entries);
      from = entries.at(-1)!.cursor;
    }
    const old = (await evalLua(
      this.redis,
      ACK_LUA,
      1,
      this.key(channel),
      client,
      cursor,
    )) as string;
    return { acked: compareCursors(cursor, old) > 0 ? cursor : old, recorded };
  }

  private async record(client: string, entries: readonly FeedEntry[]): Promise<number> {
    const at = Date.now();
    const fresh = await Promise.all(
      entries.map((e) => this.ledger.markCollected(e.messageId, client, e.fileName, at)),
    );
    return fresh.filter(Boolean).length;
  }

  /**
   * Receipts no client has acknowledged: those after the furthest acknowledged cursor, oldest
   * first, written at least `olderThanMs` ago.
   */
  async unclaimed(
    channel: string,
    limit: number,
    olderThanMs = 0,
    now = Date.now(),
  ): Promise<FeedEntry[]> {
    const cursors = Object.values(await this.all(channel));
    const furthest = cursors.reduce((a, b) => (compareCursors(a, b) >= 0 ? a : b), '0');
    const entries = await this.feed.read(channel, furthest, limit);
    return entries.filter((e) => Number(e.cursor.split('-')[0]) <= now - olderThanMs);
  }
}
