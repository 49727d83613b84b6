import { Agent } from 'undici';
import {
  probeClientRejection,
  tlsConnectOptions,
  tlsError,
  type ClientTls,
} from '../core/tls-client.js';
import { isGatewayError } from '../core/errors.js';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import type { Lease } from '../core/lease.js';
import { LeasedPoller } from '../core/leased-poller.js';
import { onceClose } from '../core/lifecycle.js';
import { DEFAULT_FEED_BOUNDS, fetchFeedText, type FeedBounds } from './feed-fetch.js';
import { entrySeq, feedEntry, parseFeedPage, type FeedPage } from './feed-page.js';
import type { InboundReceipt, OnReceipts, ReceiptSource } from './receipt-source.js';

/** An idle feed checks this often (in empty polls) that it still knows the stored cursor. */
const PROBE_EVERY_EMPTY_POLLS = 20;

/** Where and how often to poll one HTTP receipt feed. */
export interface HttpPullOptions {
  /** Source name for logs and receipts. */
  readonly name: string;
  readonly url: string;
  readonly intervalMs: number;
  /** Holds the cursor (at `cursorKey`), so a restart or another node goes on where this one stopped. */
  readonly redis: Redis;
  readonly cursorKey: string;
  /** Client certificate, private CA and pin for an https:// feed (mutual TLS). */
  readonly tls?: ClientTls | undefined;
  /** Size cap and total timeout of one poll; default 16 MB and 30 s. */
  readonly bounds?: FeedBounds | undefined;
}

/**
 * Polls an HTTP receipt feed (`GET url?after=CURSOR`). The cursor lives in Redis and advances only
 * after every receipt of a page is durable, so a crash re-reads a page rather than losing one.
 */
export class HttpPullReceiptSource implements ReceiptSource {
  private readonly agent: Agent;
  private readonly poller: LeasedPoller;

  readonly name: string;
  private readonly url: string;
  private readonly redis: Redis;
  private readonly cursorKey: string;
  private readonly tls: ClientTls | undefined;
  private readonly bounds: FeedBounds;

  constructor(
    opts: HttpPullOptions,
    private readonly log: Logger,
    /** In a cluster, only the lease holder polls the feed (receipts are idempotent either way). */
    lease?: Lease,
  ) {
    const { name, intervalMs } = opts;
    this.name = name;
    this.url = opts.url;
    this.redis = opts.redis;
    this.cursorKey = opts.cursorKey;
    this.tls = opts.tls;
    this.bounds = opts.bounds ?? DEFAULT_FEED_BOUNDS;
    this.agent = new Agent({ connect: { timeout: 10_000, ...tlsConnectOptions(this.tls) } });
    this.poller = new LeasedPoller({
      fields: { source: name },
      intervalMs,
      log,
      lease,
      backoffMaxMs: 30_000,
      text: {
        failed: 'receipt feed poll failed / 回执拉取失败',
        recovered: 'receipt feed reachable again / 回执源已恢复',
      },
      report: (err, failures) => {
        // A certificate problem will not go away by itself: say so loudly, with the fix.
        if (isGatewayError(err) && !err.transient) {
          const d = err.details[0];
          log.error(
            {
              code: err.code,
              source: name,
              failures,
              fix: d ? `${d.fixZh ?? ''} / ${d.fixEn ?? ''}` : undefined,
            },
            `${err.message} / ${d?.zh ?? ''}`,
          );
        } else log.warn({ err, source: name, failures }, 'receipt feed poll failed / 回执拉取失败');
      },
    });
  }

  async start(onReceipts: OnReceipts): Promise<void> {
    this.poller.start(() => this.pollOnce(onReceipts));
  }

  private emptyPolls = 0;

  private async fetchPage(after: number, limit?: number): Promise<FeedPage> {
    const u = new URL(this.url);
    u.searchParams.set('after', String(after));
    if (limit) u.searchParams.set('limit', String(limit));
    const text = await fetchFeedText(u, this.bounds, this.agent, async (err: unknown) => {
      const code = (err as { code?: string }).code;
      const hungUp = code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
      return (
        tlsError(err, this.url) ??
        (hungUp ? await probeClientRejection(this.url, this.tls, 10_000) : undefined) ??
        err
      );
    });
    return parseFeedPage(text, this.url);
  }

  /**
   * True when the feed no longer knows the stored cursor: it says it is another run (feedId), it
   * reports an end below the cursor, or (checked now and then while idle) the entry at the cursor
   * is gone. A customs side that restarted, or a second demo in the same folder, does that.
   */
  private async forgotCursor(after: number, page: FeedPage): Promise<boolean> {
    const known = await this.redis.get(`${this.cursorKey}:feed`);
    if (page.feedId !== undefined && known !== null && known !== page.feedId) return true;
    if (after === 0 || page.receipts.length > 0) return false;
    if (page.next !== undefined && page.next < after) return true;
    if (this.emptyPolls++ % PROBE_EVERY_EMPTY_POLLS !== 0) return false;
    const probe = await this.fetchPage(after - 1, 1);
    return probe.receipts.length === 0;
  }

  /** Reads one page and hands it on in one call (one receipt job); returns how many entries. */
  async pollOnce(onReceipts: OnReceipts): Promise<number> {
    const after = Number((await this.redis.get(this.cursorKey)) ?? '0');
    const page = await this.fetchPage(after);
    const receipts = page.receipts;
    if (await this.forgotCursor(after, page)) {
      this.log.warn(
        { source: this.name, cursor: after, feedId: page.feedId },
        'receipt feed no longer knows the stored cursor (restarted?): rewinding to its start; receipts are deduplicated / 回执源已不认识当前游标（可能已重启），从头重新读取，回执会去重',
      );
      await this.redis.set(this.cursorKey, '0');
      await this.redis.del(`${this.cursorKey}:feed`);
      this.emptyPolls = 0;
      return 1;
    }
    if (page.feedId !== undefined) await this.redis.set(`${this.cursorKey}:feed`, page.feedId);
    let last = after;
    const batch: InboundReceipt[] = [];
    for (const [i, raw] of receipts.entries()) {
      const entry = feedEntry(raw);
      const seq = entrySeq(raw) ?? after + i + 1;
      if (entry) {
        batch.push({
          source: this.name,
          fileName: entry.fileName,
          bytes: Buffer.from(entry.content, 'base64'),
        });
      } else {
        // Handed on as it came, so the receipt stage parks it in orphans/ like any unreadable receipt.
        this.log.error(
          { source: this.name, seq },
          'bad feed entry (no content or file name): kept in orphans/, the feed goes on / 回执源条目无效（缺内容或文件名），已存入 orphans 目录，继续读取',
        );
        batch.push({
          source: this.name,
          fileName: `feed-entry-${seq}.json`,
          bytes: Buffer.from(JSON.stringify(raw) ?? 'null'),
        });
      }
      last = Math.max(last, seq);
    }
    await onReceipts(batch);
    const next = page.next !== undefined ? Math.max(page.next, last) : last;
    if (next > after) await this.redis.set(this.cursorKey, String(next));
    if (receipts.length > 0) this.emptyPolls = 0;
    return receipts.length;
  }

  /**
   * Stops polling, waits for the poll in flight, closes the connections. Idempotent: a second call
   * gets the first call's promise (closing the undici agent twice rejects with ClientDestroyedError).
   */
  readonly close = onceClose(async () => {
    await this.poller.close();
    await this.agent.close();
  });
}
