import { posix } from 'node:path';
import { GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { moveRemoteUnique, SftpSession, type SftpEndpoint } from '../core/sftp-connection.js';
import { globToRegExp, isWorkInProgressName, StabilityWindow } from '../core/file-pickup.js';
import type { InboundReceipt, ReceiptSource } from './receipt-source.js';
import type { Lease } from '../core/lease.js';

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
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private prepared = false;
  private failures = 0;
  /** Over-size files already warned about (name -> size), so each gets one log line. */
  private readonly oversize = new Map<string, number>();

  constructor(
    private readonly opts: SftpReceiptSourceOptions,
    private readonly log: Logger,
    /** In a cluster, only the lease holder polls (receipts are idempotent either way). */
    private readonly lease?: Lease,
  ) {
    this.name = opts.name ?? `sftp://${opts.host}:${opts.port}${opts.remoteDir}`;
    this.session = new SftpSession(opts);
    this.stable = new StabilityWindow(opts.stableMs ?? 1000);
    this.pattern = globToRegExp(opts.pattern ?? '*');
  }

  /** Starts polling; an unreachable server is logged and retried, never fatal. */
  async start(onReceipt: (receipt: InboundReceipt) => Promise<void>): Promise<void> {
    const tick = (): void => {
      if (this.stopped) return;
      this.running = (async () => {
        if (!this.lease || (await this.lease.holds())) await this.pollWithDeadline(onReceipt);
      })()
        .then(() => {
          if (this.failures) this.log.info({ source: this.name }, 'SFTP receipt dir reachable again / SFTP 回执目录已恢复');
          this.failures = 0;
        })
        .catch((err) => {
          if (this.failures++ % 20 === 0) {
            this.log.warn({ err, source: this.name, failures: this.failures }, 'SFTP receipt poll failed / SFTP 回执拉取失败');
          }
        })
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.opts.pollMs);
        });
    };
    tick();
  }

  /** A whole poll is bounded: a server that trickles bytes cannot hold it open for ever. */
  private async pollWithDeadline(onReceipt: (receipt: InboundReceipt) => Promise<void>): Promise<void> {
    const ms = this.opts.pollTimeoutMs ?? 120_000;
    const signal = AbortSignal.timeout(ms);
    try {
      await this.pollOnce(onReceipt, signal);
    } catch (err) {
      if (!signal.aborted) throw err;
      throw new GatewayError(
        'GW_ERR_FEED_TIMEOUT',
        { where: this.name, zh: `一次拉取超过 ${ms} ms，已中止`, en: `a poll took longer than ${ms} ms and was ended`, fixZh: '检查 SFTP 服务器与网络；必要时调高 pollTimeoutMs', fixEn: 'check the SFTP server and the network; raise pollTimeoutMs if needed' },
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

  private async pollOnce(onReceipt: (receipt: InboundReceipt) => Promise<void>, signal?: AbortSignal): Promise<void> {
    const dir = this.opts.remoteDir;
    const doneDir = this.opts.doneDir;
    if (!this.prepared) {
      if (doneDir) await this.session.run(`${this.name} mkdir ${doneDir}`, (c) => c.mkdir(doneDir, true));
      this.prepared = true;
    }
    const entries = await this.session.run(`${this.name} list`, (c) => c.list(dir), signal);
    this.stable.retain(new Set(entries.map((e) => e.name)));
    const now = Date.now();
    for (const entry of entries) {
      if (this.stopped) return;
      // Symlinks and folders are never followed; hidden and half-written files wait.
      if (entry.type !== '-' || isWorkInProgressName(entry.name) || !this.pattern.test(entry.name)) continue;
      if (!this.stable.ready(entry.name, entry.size, entry.modifyTime, now)) continue;
      if (this.tooLarge(entry.name, entry.size)) continue;
      signal?.throwIfAborted();
      const path = posix.join(dir, entry.name);
      const bytes = (await this.session.run(`${this.name} download ${entry.name}`, (c) => c.get(path), signal)) as Buffer;
      try {
        await onReceipt({ source: this.name, fileName: entry.name, bytes });
      } catch (err) {
        // Not durable: leave the file where it is; the next poll offers it again.
        this.log.warn({ err, source: this.name, file: entry.name }, 'receipt not stored, will retry / 回执未能保存，稍后重试');
        continue;
      }
      this.stable.forget(entry.name);
      if (doneDir) await moveRemoteUnique(this.session, path, doneDir, entry.name);
      else await this.session.run(`${this.name} delete ${entry.name}`, (c) => c.delete(path, true));
    }
  }

  /** Stops polling, waits for the receipt in progress, and ends the connection. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.session.close();
    await this.lease?.release().catch(() => {});
  }
}
