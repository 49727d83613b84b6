import { posix } from 'node:path';
import { GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Lease } from '../core/lease.js';
import { LeasedPoller } from '../core/leased-poller.js';
import {
  isConnectionLost,
  isPermissionDenied,
  moveRemoteUnique,
  SftpSession,
  type SftpEndpoint,
} from '../core/sftp-connection.js';
import { globToRegExp, isWorkInProgressName, StabilityWindow } from '../core/file-pickup.js';
import type { InboundReceipt, OnReceipts, ReceiptSource } from './receipt-source.js';

/** A remote SFTP directory customs (or the relay client) drops receipts into. */
export interface SftpReceiptSourceOptions extends SftpEndpoint {
  /** Source name for logs and receipts; default `sftp://host:port/remoteDir`. */
  readonly name?: string | undefined;
  /** Remote directory to poll; must exist. */
  readonly remoteDir: string;
  readonly pollMs: number;
  /** Remote directory for handled receipts (created if missing); without it they are deleted. */
  readonly doneDir?: string | undefined;
  /** File name glob; default `*` (every file that is not hidden or still being written). */
  readonly pattern?: string | undefined;
  /** A file counts as complete once size and mtime held still this long; default 1000 ms. */
  readonly stableMs?: number | undefined;
  /** Larger files are left on the server with one warning; default 16 MB. */
  readonly maxBytes?: number | undefined;
  /** One poll (listing and downloads) gives up after this long; default 2 minutes. */
  readonly pollTimeoutMs?: number | undefined;
}

/**
 * Picks up receipt files from an SFTP directory. A file is handed to `onReceipt` once complete,
 * and moved to `doneDir` (or deleted) only after `onReceipt` resolved, i.e. once the receipt is
 * durable; if it throws, the file stays and is offered again on a later poll. A crash between the
 * two re-delivers the receipt, which the receipt stage absorbs (idempotent by content hash).
 */
export class SftpReceiptSource implements ReceiptSource {
  readonly name: string;
  private readonly session: SftpSession;
  private readonly stable: StabilityWindow;
  private readonly pattern: RegExp;
  private readonly poller: LeasedPoller;
  private prepared = false;
  /** Files that failed, logged once each while they stay. */
  private readonly leftAlone = new Set<string>();
  /** Files handed over whose move or delete failed: never handed over twice. */
  private readonly handedOver = new Set<string>();
  /** Over-size files already warned about (name -> size), so each gets one log line. */
  private readonly oversize = new Map<string, number>();

  constructor(
    private readonly opts: SftpReceiptSourceOptions,
    private readonly log: Logger,
    /** In a cluster, only the lease holder polls (receipts are idempotent either way). */
    lease?: Lease,
  ) {
    this.name = opts.name ?? `sftp://${opts.host}:${opts.port}${opts.remoteDir}`;
    this.session = new SftpSession(opts);
    this.stable = new StabilityWindow(opts.stableMs ?? 1000);
    this.pattern = globToRegExp(opts.pattern ?? '*');
    this.poller = new LeasedPoller({
      fields: { source: this.name },
      intervalMs: opts.pollMs,
      log,
      lease,
      text: {
        failed: 'SFTP receipt poll failed / SFTP 回执拉取失败',
        recovered: 'SFTP receipt dir reachable again / SFTP 回执目录已恢复',
      },
    });
  }

  private get stopped(): boolean {
    return this.poller.stopped;
  }

  /** Starts polling; an unreachable server is logged and retried, never fatal. */
  async start(onReceipts: OnReceipts): Promise<void> {
    // One file at a time: each is moved or deleted once it alone is durable.
    this.poller.start(() => this.pollWithDeadline((r) => onReceipts([r])));
  }

  /** A whole poll is bounded: a server that trickles bytes cannot hold it open for ever. */
  private async pollWithDeadline(
    onReceipt: (receipt: InboundReceipt) => Promise<void>,
  ): Promise<void> {
    const ms = this.opts.pollTimeoutMs ?? 120_000;
    const signal = AbortSignal.timeout(ms);
    try {
      await this.pollOnce(onReceipt, signal);
    } catch (err) {
      if (!signal.aborted) throw err;
      throw new GatewayError(
        'GW_ERR_FEED_TIMEOUT',
        {
          where: this.name,
          zh: `一次拉取超过 ${ms} ms，已中止`,
          en: `a poll took longer than ${ms} ms and was ended`,
          fixZh: '检查 SFTP 服务器与网络；必要时调高 pollTimeoutMs',
          fixEn: 'check the SFTP server and the network; raise pollTimeoutMs if needed',
        },
        { cause: err },
      );
    }
  }

  /** True (once logged) when the file is over maxBytes and must stay on the server. */
  private tooLarge(name: string, size: number): boolean {
    const max = this.opts.maxBytes ?? 16 * 1024 * 1024;
    if (size <= max) {
      this.oversize.delete(name);
      return false;
    }
    if (this.oversize.get(name) !== size) {
      this.oversize.set(name, size);
      this.log.warn(
        { source: this.name, file: name, size, maxBytes: max },
        `receipt file too large (${size} > ${max} bytes), left on the server / 回执文件过大（${size} > ${max} 字节），留在服务器上`,
      );
    }
    return true;
  }

  private async pollOnce(
    onReceipt: (receipt: InboundReceipt) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    const dir = this.opts.remoteDir;
    const doneDir = this.opts.doneDir;
    if (!this.prepared) {
      if (doneDir)
        await this.session.run(`${this.name} mkdir ${doneDir}`, (c) => c.mkdir(doneDir, true));
      this.prepared = true;
    }
    const entries = await this.session.run(`${this.name} list`, (c) => c.list(dir), signal);
    this.stable.retain(new Set(entries.map((e) => e.name)));
    const present = new Set(entries.map((e) => e.name));
    for (const name of this.leftAlone) if (!present.has(name)) this.leftAlone.delete(name);
    for (const name of this.handedOver) if (!present.has(name)) this.handedOver.delete(name);
    const now = Date.now();
    for (const entry of entries) {
      if (this.stopped) return;
      // Symlinks and folders are never followed; hidden and half-written files wait.
      if (entry.type !== '-' || isWorkInProgressName(entry.name) || !this.pattern.test(entry.name))
        continue;
      if (!this.stable.ready(entry.name, entry.size, entry.modifyTime, now)) continue;
      if (this.tooLarge(entry.name, entry.size)) continue;
      signal?.throwIfAborted();
      await this.guard(entry.name, () => this.pickUp(entry.name, onReceipt, signal));
    }
  }

  /** Hands one file over, then moves or deletes it; a file handed over already is only moved. */
  private async pickUp(
    name: string,
    onReceipt: (receipt: InboundReceipt) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    const path = posix.join(this.opts.remoteDir, name);
    const doneDir = this.opts.doneDir;
    if (!this.handedOver.has(name)) {
      const bytes = (await this.session.run(
        `${this.name} download ${name}`,
        (c) => c.get(path),
        signal,
      )) as Buffer;
      try {
        await onReceipt({ source: this.name, fileName: name, bytes });
      } catch (err) {
        // Not durable: leave the file where it is; the next poll offers it again.
        this.log.warn(
          { err, source: this.name, file: name },
          'receipt not stored, will retry / 回执未能保存，稍后重试',
        );
        return;
      }
      this.stable.forget(name);
      this.handedOver.add(name);
    }
    if (doneDir) await moveRemoteUnique(this.session, path, doneDir, name);
    else await this.session.run(`${this.name} delete ${name}`, (c) => c.delete(path, true));
    this.handedOver.delete(name);
  }

  /**
   * Runs one file's step; a failure leaves that file on the server with one log line and never
   * stops the others. A lost connection or the poll deadline ends the whole poll instead.
   */
  private async guard(name: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
      this.leftAlone.delete(name);
    } catch (err) {
      if (isConnectionLost(err) || this.stopped) throw err;
      if (this.leftAlone.has(name)) return;
      this.leftAlone.add(name);
      const stored = this.handedOver.has(name);
      const why = isPermissionDenied(err)
        ? 'the server denies it (permissions or immutable)'
        : 'it cannot be handled now';
      const whyZh = isPermissionDenied(err) ? '服务器拒绝操作（权限或不可变属性）' : '暂时无法处理';
      this.log.warn(
        { err, source: this.name, file: name },
        stored
          ? `receipt stored, but ${why} to ${this.opts.doneDir ? 'move' : 'delete'} it: left on the server, not handed over again / 回执已保存，但${whyZh}，无法${this.opts.doneDir ? '移走' : '删除'}，留在服务器上，不会重复处理`
          : `receipt file left on the server: ${why} to read it; tried again on each poll / 回执文件留在服务器上：${whyZh}，无法读取，每次轮询重试`,
      );
    }
  }

  /** Stops polling, waits for the receipt in progress, and ends the connection. */
  async close(): Promise<void> {
    await this.poller.close();
    await this.session.close();
  }
}
