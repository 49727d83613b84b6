import type { Lease } from '../../core/lease.js';
import { LeasedPoller } from '../../core/leased-poller.js';
import { lstat, mkdir, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from '../../core/logger.js';
import { isWorkInProgressName, StabilityWindow } from '../../core/file-pickup.js';
import { renderClientEvent, type ClientEventType } from '../../receipts/client-event.js';
import { stemOf } from '../../receipts/naming.js';
import type { InboundReceipt, OnReceipts, ReceiptSource } from '../../receipts/receipt-source.js';
import type { SwClientTransport } from './sw-client-transport.js';

/** Settings of the watch over one Single Window client (resolved from the transport's config). */
export interface SwClientWatchOptions {
  readonly name: string;
  readonly transport: Pick<SwClientTransport, 'box'>;
  /** Modules the gateway sends through: their InBox, SentBox, FailBox and OutBox are watched. */
  readonly modules: readonly string[];
  /** Modules only read for receipts, e.g. DECSUB (报关单订阅). */
  readonly subscriptions: readonly string[];
  readonly pollMs: number;
  readonly stableMs: number;
  /** A file still in OutBox after this long raises an alert: the client is probably not running. */
  readonly pickupTimeoutMs: number;
  /** What happens to an InBox file once stored: deleted, or moved to `backupDir/<module>/` (default: the module's `HDNBox`). */
  readonly receiptsAfter: 'delete' | 'move';
  readonly backupDir?: string | undefined;
  readonly redis: Redis;
  /** Redis key prefix for the "already reported" sets. */
  readonly keyPrefix: string;
  readonly log: Logger;
  readonly lease?: Lease;
}

/** Files next to a refused one that may hold the client's reason. */
const REASON_SUFFIXES = ['.reason.txt', '.txt', '.log', '.err', '.reason'];
const REASON_MAX = 2000;
/** Polls between two prunings of the "already reported" sets. */
const PRUNE_EVERY = 300;

/**
 * Watches the Single Window client's folders for one route:
 * - `InBox` (and subscription modules' InBox): import responses (`Successed_`/`Failed_`) and
 *   business receipts, each handed over once complete (size and mtime stable), then deleted or
 *   moved to the backup folder — only after the receipt is durable;
 * - `SentBox`: the client took a file → a `taken` event in the message's timeline;
 * - `FailBox`: the client refused a file → a negative receipt with the client's reason;
 * - `OutBox`: a file not taken within `pickupTimeoutMs` → one alert and an `overdue` event.
 * Polling, not inotify: SMB/NFS mounts of the client's Windows folders deliver no events.
 */
export class SwClientWatch implements ReceiptSource {
  readonly name: string;
  private readonly stable: StabilityWindow;
  private readonly poller: LeasedPoller;
  private readonly warnedMissing = new Set<string>();
  private polls = 0;
  /** Local copy of the "already reported" sets, reloaded from Redis now and then (one poll may see thousands of SentBox files). */
  private reported: Map<ClientEventType, Set<string>> | undefined;

  constructor(private readonly opts: SwClientWatchOptions) {
    this.name = opts.name;
    this.stable = new StabilityWindow(opts.stableMs);
    this.poller = new LeasedPoller({
      fields: { source: opts.name },
      intervalMs: opts.pollMs,
      log: opts.log,
      lease: opts.lease,
      text: {
        failed: 'client folder poll failed / 客户端目录轮询失败',
        recovered: 'client folders readable again / 客户端目录已恢复',
      },
    });
  }

  async start(onReceipts: OnReceipts): Promise<void> {
    // One file at a time: each is moved to HDNBox (or deleted) once it alone is durable.
    const onReceipt = (r: InboundReceipt): Promise<void> => onReceipts([r]);
    await this.baseline();
    this.poller.start(() => this.pollOnce(onReceipt));
  }

  private key(kind: ClientEventType): string {
    return `${this.opts.keyPrefix}:swc:${this.name}:${kind}`;
  }

  /**
   * On the very first start, what SentBox and FailBox already hold is history from before the
   * gateway (the official client's own work): mark it seen instead of reporting thousands of
   * files that match no message.
   */
  private async baseline(): Promise<void> {
    const marker = `${this.opts.keyPrefix}:swc:${this.name}:baseline`;
    if (!(await this.opts.redis.set(marker, String(Date.now()), 'NX'))) return;
    for (const module of this.opts.modules) {
      for (const [box, kind] of [
        ['SentBox', 'taken'],
        ['FailBox', 'refused'],
      ] as const) {
        const names = await this.list(await this.opts.transport.box(module, box));
        if (names.length)
          await this.opts.redis.sadd(
            this.key(kind),
            ...names.map((n) => `${module}/${n.toLowerCase()}`),
          );
      }
    }
  }

  private async list(dir: string): Promise<string[]> {
    try {
      return (await readdir(dir)).filter((n) => !isWorkInProgressName(n));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  private async pollOnce(onReceipt: (receipt: InboundReceipt) => Promise<void>): Promise<void> {
    const seen = new Set<string>();
    for (const module of [...this.opts.modules, ...this.opts.subscriptions]) {
      if (this.poller.stopped) return;
      await this.readInBox(module, onReceipt, seen);
    }
    this.stable.retain(seen);
    // Now and then, forget reported names the client has since cleaned out of its boxes, and
    // re-read what other nodes reported while they held the lease.
    const prune = ++this.polls % PRUNE_EVERY === 0;
    if (prune || !this.reported) await this.loadReported();
    for (const module of this.opts.modules) {
      if (this.poller.stopped) return;
      await this.reportBox(module, 'SentBox', 'taken', onReceipt, prune);
      await this.reportBox(module, 'FailBox', 'refused', onReceipt, prune);
      await this.reportOverdue(module, onReceipt, prune);
    }
  }

  private async readInBox(
    module: string,
    onReceipt: (receipt: InboundReceipt) => Promise<void>,
    seen: Set<string>,
  ): Promise<void> {
    const dir = await this.opts.transport.box(module, 'InBox');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (!this.warnedMissing.has(dir)) {
        this.warnedMissing.add(dir);
        this.opts.log.warn(
          { source: this.name, module, dir },
          module.toUpperCase() === 'DECSUB'
            ? 'no DECSUB folder: receipts of declarations made elsewhere arrive only when 报关单订阅 is ticked in the Single Window / 缺少 DECSUB 目录：请在单一窗口中确认是否已勾选报关单订阅'
            : 'client InBox missing / 客户端 InBox 目录不存在',
        );
      }
      return;
    }
    const now = Date.now();
    // Oldest first, so receipts are handed on in the order the client wrote them.
    const files: { name: string; size: number; mtimeMs: number }[] = [];
    for (const name of names) {
      if (isWorkInProgressName(name)) continue;
      seen.add(`${module}/${name}`);
      const st = await lstat(join(dir, name)).catch(() => undefined);
      if (st?.isFile()) files.push({ name, size: st.size, mtimeMs: st.mtimeMs });
    }
    files.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : 1));
    for (const { name, size, mtimeMs } of files) {
      if (this.poller.stopped) return;
      const path = join(dir, name);
      const key = `${module}/${name}`;
      try {
        if (!this.stable.ready(key, size, mtimeMs, now)) continue;
        const bytes = await readFile(path);
        await onReceipt({ source: `${this.name}:${module}`, fileName: name, bytes });
        this.stable.forget(key);
        await this.afterStored(module, dir, name);
      } catch (err) {
        // One bad file never stops the others; it is offered again on the next poll.
        this.opts.log.warn(
          { err, source: this.name, file: path },
          'client receipt not taken, will retry / 客户端回执未能读取，稍后重试',
        );
      }
    }
  }

  private async afterStored(module: string, dir: string, name: string): Promise<void> {
    const path = join(dir, name);
    if (this.opts.receiptsAfter === 'delete') {
      await unlink(path);
      return;
    }
    const target = this.opts.backupDir
      ? join(this.opts.backupDir, module)
      : join(dirname(dir), 'HDNBox');
    await mkdir(target, { recursive: true });
    // Same share, so rename works; a name already there gets a counter, never replaced.
    for (let n = 0; ; n += 1) {
      const candidate = join(target, n === 0 ? name : `${name}.${n}`);
      try {
        await lstat(candidate);
      } catch {
        await rename(path, candidate);
        return;
      }
    }
  }

  private async loadReported(): Promise<void> {
    const sets = new Map<ClientEventType, Set<string>>();
    for (const kind of ['taken', 'refused', 'overdue'] as const)
      sets.set(kind, new Set(await this.opts.redis.smembers(this.key(kind))));
    this.reported = sets;
  }

  private wasReported(kind: ClientEventType, member: string): boolean {
    return this.reported?.get(kind)?.has(member) ?? false;
  }

  private async markReported(kind: ClientEventType, member: string): Promise<void> {
    await this.opts.redis.sadd(this.key(kind), member);
    this.reported?.get(kind)?.add(member);
  }

  /** Drops reported names of `module` that are no longer in the box, so the sets stay as small as the boxes. */
  private async pruneSeen(
    kind: ClientEventType,
    module: string,
    present: ReadonlySet<string>,
  ): Promise<void> {
    const gone = (await this.opts.redis.smembers(this.key(kind))).filter(
      (m) => m.startsWith(`${module}/`) && !present.has(m.slice(module.length + 1)),
    );
    if (gone.length) await this.opts.redis.srem(this.key(kind), ...gone);
    for (const m of gone) this.reported?.get(kind)?.delete(m);
  }

  private async reportBox(
    module: string,
    box: 'SentBox' | 'FailBox',
    kind: ClientEventType,
    onReceipt: (receipt: InboundReceipt) => Promise<void>,
    prune: boolean,
  ): Promise<void> {
    const dir = await this.opts.transport.box(module, box);
    const names = await this.list(dir);
    const lower = new Set(names.map((n) => n.toLowerCase()));
    if (prune) await this.pruneSeen(kind, module, lower);
    for (const name of names) {
      if (this.poller.stopped) return;
      // A reason file beside a refused message is read with it, not reported on its own.
      if (box === 'FailBox' && REASON_SUFFIXES.some((s) => name.toLowerCase().endsWith(s))) {
        const base = name.slice(
          0,
          name.length - (REASON_SUFFIXES.find((s) => name.toLowerCase().endsWith(s))?.length ?? 0),
        );
        if (
          lower.has(base.toLowerCase()) ||
          lower.has(`${base.toLowerCase()}.xml`) ||
          lower.has(`${base.toLowerCase()}.zip`)
        )
          continue;
      }
      const member = `${module}/${name.toLowerCase()}`;
      if (this.wasReported(kind, member)) continue;
      const reason = box === 'FailBox' ? await this.reasonFor(dir, name, names) : undefined;
      if (kind === 'refused') {
        this.opts.log.warn(
          { source: this.name, module, file: name, reason },
          'the client refused a message (FailBox) / 客户端拒收报文（FailBox）',
        );
      }
      await onReceipt({
        source: `${this.name}:${module}`,
        fileName: `${box}/${name}`,
        bytes: renderClientEvent({
          event: kind,
          module,
          fileName: name,
          ...(reason ? { reason } : {}),
        }),
      });
      await this.markReported(kind, member);
    }
  }

  private async reasonFor(
    dir: string,
    name: string,
    names: readonly string[],
  ): Promise<string | undefined> {
    const stem = stemOf(name).toLowerCase();
    const candidates = REASON_SUFFIXES.flatMap((s) => [
      `${name}${s}`.toLowerCase(),
      `${stem}${s}`.toLowerCase(),
    ]);
    const file = names.find((n) => n !== name && candidates.includes(n.toLowerCase()));
    if (!file) return undefined;
    const text = (await readFile(join(dir, file)).catch(() => Buffer.alloc(0)))
      .toString('utf8')
      .trim();
    return text.slice(0, REASON_MAX) || undefined;
  }

  private async reportOverdue(
    module: string,
    onReceipt: (receipt: InboundReceipt) => Promise<void>,
    prune: boolean,
  ): Promise<void> {
    const dir = await this.opts.transport.box(module, 'OutBox');
    const now = Date.now();
    const names = await this.list(dir);
    if (prune) await this.pruneSeen('overdue', module, new Set(names.map((n) => n.toLowerCase())));
    for (const name of names) {
      const member = `${module}/${name.toLowerCase()}`;
      const st = await lstat(join(dir, name)).catch(() => undefined);
      if (!st?.isFile() || now - st.mtimeMs < this.opts.pickupTimeoutMs) continue;
      if (this.wasReported('overdue', member)) continue;
      this.opts.log.error(
        { source: this.name, module, file: name, waitingMs: now - st.mtimeMs },
        'the Single Window client has not taken a message: is the client running? it will not be sent twice / 单一窗口客户端未取走报文：客户端是否在运行？报文不会重复发送',
      );
      await onReceipt({
        source: `${this.name}:${module}`,
        fileName: `OutBox/${name}`,
        bytes: renderClientEvent({ event: 'overdue', module, fileName: name }),
      });
      await this.markReported('overdue', member);
    }
  }

  async close(): Promise<void> {
    await this.poller.close();
  }
}
