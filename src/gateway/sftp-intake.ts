import { posix } from 'node:path';
import type SftpClient from 'ssh2-sftp-client';
import type { Logger } from '../core/logger.js';
import { intakeRefusals } from './intake-refusals.js';
import { isNoSuchFile, moveRemoteUnique, SftpSession, type SftpEndpoint } from '../core/sftp-connection.js';
import { globToRegExp, isWorkInProgressName, StabilityWindow } from '../core/file-pickup.js';
import type { AcceptOutcome, IntakeHandler, IntakeSource } from './intake.js';
import type { Lease } from '../core/lease.js';

/** Remote folder (inside `remoteDir`) where a claimed file waits between claim and archive. */
export const SFTP_CLAIM_DIR = '.eport-claimed';

/** An enterprise SFTP inbox the gateway polls (the enterprise uploads, the gateway collects). */
export interface SftpIntakeOptions extends SftpEndpoint {
  readonly channel: string;
  /** Remote inbox directory; must exist. */
  readonly remoteDir: string;
  /** File name glob, e.g. `*.xml`. */
  readonly pattern: string;
  /** A file is complete once its size and mtime stayed the same this long. */
  readonly stableMs: number;
  readonly pollMs: number;
  /** Remote directory for handled files (sent); created if missing. */
  readonly archiveDir: string;
  /** Remote directory for refused or rejected files; created if missing. */
  readonly failedDir: string;
  /** Larger files are refused without download; default 50 MiB. */
  readonly maxBytes?: number | undefined;
}

const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/**
 * Polls a remote SFTP inbox with the folder intake's rules: a file is taken when size and mtime
 * held still for `stableMs` (dot files and `*.tmp`/`*.part` never), claimed by an atomic rename
 * into `.eport-claimed/` (so a second node or a crash cannot take it twice), downloaded, handed
 * to the pipeline, and moved to the remote sent or failed folder only after that is durable.
 * Claimed files left by a crash are finished first on the next start. Symlinks are refused.
 */
export class SftpIntake implements IntakeSource {
  readonly name: string;
  private readonly session: SftpSession;
  private readonly claimDir: string;
  private readonly pattern: RegExp;
  private readonly stable: StabilityWindow;
  private readonly maxBytes: number;
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private stopped = false;
  private prepared = false;
  private recovered = false;
  private failures = 0;

  constructor(
    private readonly opts: SftpIntakeOptions,
    private readonly log: Logger,
    /** In a cluster, only the lease holder polls this inbox. */
    private readonly lease?: Lease,
  ) {
    this.name = `sftp://${opts.host}:${opts.port}${opts.remoteDir}`;
    this.session = new SftpSession(opts);
    this.claimDir = posix.join(opts.remoteDir, SFTP_CLAIM_DIR);
    this.pattern = globToRegExp(opts.pattern);
    this.stable = new StabilityWindow(opts.stableMs);
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /** Starts polling; an unreachable server is logged and retried, never fatal to the daemon. */
  async start(handler: IntakeHandler): Promise<void> {
    const tick = (): void => {
      if (this.stopped) return;
      this.scanning = this.poll(handler)
        .then(() => {
          if (this.failures) this.log.info({ inbox: this.name }, 'SFTP inbox reachable again / SFTP 收件箱已恢复');
          this.failures = 0;
        })
        .catch((err) => {
          // Log the first failure and then every 20th, so an outage does not flood the log.
          if (this.failures++ % 20 === 0) {
            this.log.error({ err, inbox: this.name, failures: this.failures }, 'SFTP inbox scan failed / 扫描 SFTP 收件箱失败');
          }
        })
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.opts.pollMs);
        });
    };
    tick();
  }

  private async poll(handler: IntakeHandler): Promise<void> {
    if (this.lease && !(await this.lease.holds())) return;
    if (!this.prepared) {
      for (const dir of [this.claimDir, this.opts.archiveDir, this.opts.failedDir]) {
        await this.op(`mkdir ${dir}`, (c) => c.mkdir(dir, true));
      }
      this.prepared = true;
    }
    if (!this.recovered) {
      // Files claimed before a crash are finished first; the pipeline maps them to their message.
      for (const entry of await this.op('list claimed', (c) => c.list(this.claimDir))) {
        if (this.stopped) return;
        if (entry.type === '-') await this.handleClaimed(entry.name, handler);
      }
      this.recovered = true;
    }
    await this.scan(handler);
  }

  private async scan(handler: IntakeHandler): Promise<void> {
    const entries = await this.op('list inbox', (c) => c.list(this.opts.remoteDir));
    this.stable.retain(new Set(entries.map((e) => e.name)));
    const now = Date.now();
    for (const entry of entries) {
      if (this.stopped) return;
      const { name } = entry;
      if (name === SFTP_CLAIM_DIR || isWorkInProgressName(name) || !this.pattern.test(name)) continue;
      if (entry.type === 'l') {
        await this.refuseLink(name, handler);
        continue;
      }
      if (entry.type !== '-') continue;
      if (!this.stable.ready(name, entry.size, entry.modifyTime, now)) continue;
      this.stable.forget(name);
      await this.take(name, entry.size, handler);
    }
  }

  private async take(name: string, size: number, handler: IntakeHandler): Promise<void> {
    try {
      await this.op(`claim ${name}`, (c) =>
        c.posixRename(posix.join(this.opts.remoteDir, name), posix.join(this.claimDir, name)),
      );
    } catch (err) {
      if (isNoSuchFile(err)) return; // another node (or the enterprise) took it first
      throw err;
    }
    if (size > this.maxBytes) {
      const error = intakeRefusals.tooLarge(name, size, this.maxBytes);
      await this.finish(name, await handler.refuse({ channel: this.opts.channel, name, bytes: Buffer.alloc(0) }, error), handler);
      return;
    }
    await this.handleClaimed(name, handler);
  }

  private async handleClaimed(name: string, handler: IntakeHandler): Promise<void> {
    const bytes = (await this.op(`download ${name}`, (c) => c.get(posix.join(this.claimDir, name)))) as Buffer;
    const doc = { channel: this.opts.channel, name, bytes };
    const outcome =
      bytes.length === 0
        ? await handler.refuse(
            doc,
            intakeRefusals.empty(name, 'sftp'),
          )
        : await handler.accept(doc);
    await this.finish(name, outcome, handler);
  }

  private async finish(name: string, outcome: AcceptOutcome, handler: IntakeHandler): Promise<void> {
    const dest = outcome.kind === 'rejected' ? this.opts.failedDir : this.opts.archiveDir;
    const path = await this.moveUnique(posix.join(this.claimDir, name), dest, name);
    await handler.archived(outcome.messageId, `sftp://${this.opts.host}${path}`, outcome.kind);
  }

  private moveUnique(src: string, dir: string, name: string): Promise<string> {
    return moveRemoteUnique(this.session, src, dir, name);
  }

  private async refuseLink(name: string, handler: IntakeHandler): Promise<void> {
    // rename moves the link itself, never its target, so nothing outside the inbox is touched.
    const moved = await this.moveUnique(posix.join(this.opts.remoteDir, name), this.opts.failedDir, `${name}.symlink-${Date.now()}`);
    const error = intakeRefusals.symlink(name, 'sftp');
    const outcome = await handler.refuse({ channel: this.opts.channel, name, bytes: Buffer.alloc(0) }, error);
    await handler.archived(outcome.messageId, `sftp://${this.opts.host}${moved}`);
  }

  private op<T>(what: string, fn: (c: SftpClient) => Promise<T>): Promise<T> {
    return this.session.run(`${this.name} ${what}`, fn);
  }

  /** Stops polling, waits for the file in progress, and ends the connection. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.scanning;
    await this.session.close();
    await this.lease?.release().catch(() => {});
  }
}
