import { Agent, request } from 'undici';
import { probeClientRejection, tlsConnectOptions, tlsError, type ClientTls } from '../core/tls-client.js';
import { isGatewayError } from '../core/errors.js';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import type { InboundReceipt, ReceiptSource } from './receipt-source.js';

interface FeedPage {
  readonly receipts: { seq: number; fileName: string; content: string }[];
  readonly next: number;
}

/**
 * Polls an HTTP receipt feed (`GET url?after=CURSOR`). The cursor lives in Redis and advances only
 * after every receipt of a page is durable, so a crash re-reads a page rather than losing one.
 */
export class HttpPullReceiptSource implements ReceiptSource {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failures = 0;
  private readonly agent: Agent;

  constructor(
    readonly name: string,
    private readonly url: string,
    private readonly intervalMs: number,
    private readonly redis: Redis,
    private readonly cursorKey: string,
    private readonly log: Logger,
    /** In a cluster, only the lease holder polls the feed (receipts are idempotent either way). */
    private readonly lease?: { holds(): Promise<boolean>; release(): Promise<void> },
    /** Client certificate, private CA and pin for an https:// feed (mutual TLS). */
    private readonly tls?: ClientTls,
  ) {
    this.agent = new Agent({ connect: { timeout: 10_000, ...tlsConnectOptions(this.tls) } });
  }

  async start(onReceipt: (r: InboundReceipt) => Promise<void>): Promise<void> {
    const loop = async (): Promise<void> => {
      if (this.stopped) return;
      let delay = this.intervalMs;
      try {
        const got = !this.lease || (await this.lease.holds()) ? await this.pollOnce(onReceipt) : 0;
        if (this.failures) this.log.info({ source: this.name }, 'receipt feed reachable again / 回执源已恢复');
        this.failures = 0;
        if (got > 0) delay = 0;
      } catch (err) {
        this.failures++;
        delay = Math.min(30_000, this.intervalMs * 2 ** Math.min(this.failures, 5));
        if (this.failures === 1 || this.failures % 20 === 0) {
          // A certificate problem will not go away by itself: say so loudly, with the fix.
          if (isGatewayError(err) && !err.transient) {
            const d = err.details[0];
            this.log.error({ code: err.code, source: this.name, failures: this.failures, fix: d ? `${d.fixZh ?? ''} / ${d.fixEn ?? ''}` : undefined }, `${err.message} / ${d?.zh ?? ''}`);
          } else this.log.warn({ err, source: this.name, failures: this.failures }, 'receipt feed poll failed / 回执拉取失败');
        }
      }
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.running = loop();
      }, delay);
    };
    this.running = loop();
  }

  /** Reads one page; returns how many receipts it handed on. */
  async pollOnce(onReceipt: (r: InboundReceipt) => Promise<void>): Promise<number> {
    const after = Number((await this.redis.get(this.cursorKey)) ?? '0');
    const u = new URL(this.url);
    u.searchParams.set('after', String(after));
    const res = await request(u, { method: 'GET', dispatcher: this.agent, headersTimeout: 10_000, bodyTimeout: 10_000 }).catch(async (err: unknown) => {
      const code = (err as { code?: string }).code;
      const hungUp = code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
      throw tlsError(err, this.url) ?? (hungUp ? await probeClientRejection(this.url, this.tls, 10_000) : undefined) ?? err;
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`receipt feed answered HTTP ${res.statusCode}`);
    }
    const page = (await res.body.json()) as FeedPage;
    for (const r of page.receipts) {
      await onReceipt({ source: this.name, fileName: r.fileName, bytes: Buffer.from(r.content, 'base64') });
    }
    if (page.next > after) await this.redis.set(this.cursorKey, String(page.next));
    return page.receipts.length;
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => {});
    await this.lease?.release().catch(() => {});
    await this.agent.close();
  }
}
