import { posix } from 'node:path';
import type SftpClient from 'ssh2-sftp-client';
import type { Logger } from '../core/logger.js';
import type { Lease } from '../core/lease.js';
import { LeasedPoller } from '../core/leased-poller.js';
import { intakeRefusals } from './intake-refusals.js';
import type { GatewayError } from '../core/errors.js';
import {
  isConnectionLost,
  isNoSuchFile,
  isPermissionDenied,
  moveRemoteUnique,
  SftpSession,
  type SftpEndpoint,
} from '../core/sftp-connection.js';
import { globToRegExp, isWorkInProgressName, StabilityWindow } from '../core/file-pickup.js';
import type { AcceptOutcome, IntakeHandler, IntakeSource } from './intake.js';
import { isCompanionName } from './companion-files.js';
import { SftpCompanions } from './sftp-companions.js';
import { packBundle } from '../core/document-bundle.js';

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
  /** 通关无纸化: take each declaration with its `<stem>.edoc/` folder or `<stem>.edoc.json` manifest. */
  readonly attachments?: boolean | undefined;
}

const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/** The listing decoded a name that is not UTF-8 with U+FFFD: no request can address that file. */
class UndecodableName extends Error {}

/**
 * Polls a remote SFTP inbox with the folder intake's rules: a file is taken when size and mtime
 * held still for `stableMs` (dot files and `*.tmp`/`*.part` never), claimed by an atomic rename
 * into `.eport-claimed/` (so a second node or a crash cannot take it twice), downloaded, handed
 * to the pipeline, and moved to the remote sent or failed folder only after that is durable.
 * Claimed files (left by a crash, or whose archive failed) are finished first on every poll.
 * Symlinks are refused. A failure with one file (unreadable, vanished, a name SFTP cannot
 * address, permission denied) leaves that file alone with one log line and never stops the others.
 */
export class SftpIntake implements IntakeSource {
  readonly name: string;
  private readonly session: SftpSession;
  private readonly claimDir: string;
  private readonly pattern: RegExp;
  private readonly stable: StabilityWindow;
  private readonly maxBytes: number;
  private readonly poller: LeasedPoller;
  private prepared = false;
  /** Files that could not be taken, logged once each (keys: inbox name, or `claimed/NAME`). */
  private readonly leftAlone = new Set<string>();
  /** Claimed files whose hand-over resolved but whose archive failed, with their outcome. */
  private readonly handedOver = new Map<string, AcceptOutcome>();
  /** Claimed files that could not be finished in this poll: an inbox file of that name waits. */
  private readonly stuck = new Set<string>();
  /** The attachments (随附单据) of declarations, when the intake takes them. */
  private readonly companions: SftpCompanions | undefined;

  constructor(
    private readonly opts: SftpIntakeOptions,
    private readonly log: Logger,
    /** In a cluster, only the lease holder polls this inbox. */
    lease?: Lease,
  ) {
    this.name = `sftp://${opts.host}:${opts.port}${opts.remoteDir}`;
    this.session = new SftpSession(opts);
    this.claimDir = posix.join(opts.remoteDir, SFTP_CLAIM_DIR);
    this.pattern = globToRegExp(opts.pattern);
    this.stable = new StabilityWindow(opts.stableMs);
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    this.poller = new LeasedPoller({
      fields: { inbox: this.name },
      intervalMs: opts.pollMs,
      log,
      lease,
      level: 'error',
      text: {
        failed: 'SFTP inbox scan failed / 扫描 SFTP 收件箱失败',
        recovered: 'SFTP inbox reachable again / SFTP 收件箱已恢复',
      },
    });
    this.companions = opts.attachments
      ? new SftpCompanions(opts.remoteDir, this.claimDir, opts.stableMs, (what, fn) =>
          this.op(what, fn),
        )
      : undefined;
  }

  private get stopped(): boolean {
    return this.poller.stopped;
  }

  /** Starts polling; an unreachable server is logged and retried, never fatal to the daemon. */
  async start(handler: IntakeHandler): Promise<void> {
    this.poller.start(() => this.poll(handler));
  }

  private async poll(handler: IntakeHandler): Promise<void> {
    if (!this.prepared) {
      for (const dir of [this.claimDir, this.opts.archiveDir, this.opts.failedDir]) {
        await this.op(`mkdir ${dir}`, (c) => c.mkdir(dir, true));
      }
      this.prepared = true;
    }
    // Claimed files (left by a crash, or whose archive failed) are finished first; the pipeline
    // maps them to their message. One that fails never holds up the others.
    const claimed = await this.op('list claimed', (c) => c.list(this.claimDir));
    this.forgetGone('claimed/', claimed);
    this.stuck.clear();
    for (const entry of claimed) {
      if (this.stopped) return;
      if (entry.type !== '-' || (this.companions && isCompanionName(entry.name))) continue;
      const ok = await this.guard(`claimed/${entry.name}`, entry.name, handler, () =>
        this.handleClaimed(entry.name, entry.size, handler),
      );
      if (!ok) this.stuck.add(entry.name);
    }
    if (this.companions)
      for (const orphan of this.companions.orphans(claimed)) {
        const moved = await this.companions.archiveOrphan(orphan, this.opts.archiveDir);
        this.log.warn(
          { inbox: this.name, attachments: moved },
          'attachments found without their declaration after a restart: moved to sent / 重启后发现无报关单的随附单据，已移至 sent 目录',
        );
      }
    await this.scan(handler);
  }

  private async scan(handler: IntakeHandler): Promise<void> {
    const entries = await this.op('list inbox', (c) => c.list(this.opts.remoteDir));
    this.stable.retain(new Set(entries.map((e) => e.name)));
    this.forgetGone('', entries);
    const now = Date.now();
    for (const entry of entries) {
      if (this.stopped) return;
      const { name } = entry;
      if (
        name === SFTP_CLAIM_DIR ||
        isWorkInProgressName(name) ||
        (this.companions && isCompanionName(name)) ||
        !this.pattern.test(name)
      )
        continue;
      if (entry.type === 'l') {
        await this.guard(name, name, handler, () => this.refuseLink(name, handler));
        continue;
      }
      if (entry.type !== '-') continue;
      if (!this.stable.ready(name, entry.size, entry.modifyTime, now)) continue;
      // A file of the same name still waits in the claim folder: claiming would overwrite it.
      if (this.stuck.has(name)) continue;
      if (this.companions && !(await this.companions.ready(name, now, entries))) continue;
      this.stable.forget(name);
      await this.guard(name, name, handler, () => this.take(name, entry.size, handler));
    }
    this.companions?.endScan();
  }

  /**
   * Runs one file's step; a failure leaves that file alone and never stops the scan. Each file
   * left alone gets one log line, and an error receipt when the enterprise must act (permissions,
   * name); a lost connection ends the whole poll instead (it is about the server, not the file).
   */
  private async guard(
    key: string,
    name: string,
    handler: IntakeHandler,
    step: () => Promise<void>,
  ): Promise<boolean> {
    try {
      await step();
      this.leftAlone.delete(key);
      return true;
    } catch (err) {
      if (isConnectionLost(err)) throw err;
      if (this.leftAlone.has(key)) return false;
      this.leftAlone.add(key);
      const claimed = key.startsWith('claimed/');
      const where = claimed ? `the claim folder ${SFTP_CLAIM_DIR}/` : 'the inbox';
      if (err instanceof UndecodableName) {
        const safe = name.replace(/\uFFFD/g, '_');
        this.log.warn(
          { inbox: this.name, file: safe },
          'file name is not valid UTF-8: SFTP cannot take it, left on the server; rename it there / 文件名不是有效的 UTF-8，无法通过 SFTP 取走，已留在服务器上，请改名',
        );
        await this.refuseInPlace(handler, safe, intakeRefusals.undecodableName(safe));
      } else if (isNoSuchFile(err)) {
        this.log.warn(
          { inbox: this.name, file: name },
          `file vanished from ${where} before it was read (moved away by someone else?): nothing taken / 文件在读取前已被移走（他人操作？），未取走`,
        );
      } else if (isPermissionDenied(err)) {
        this.log.warn(
          { err, inbox: this.name, file: name },
          `file left in ${where}: the server denies the operation (permissions or immutable) / 服务器拒绝操作（权限或不可变属性），文件留在原处`,
        );
        if (!claimed)
          await this.refuseInPlace(
            handler,
            name,
            intakeRefusals.blocked(name, 'permission denied'),
          );
      } else {
        this.log.warn(
          { err, inbox: this.name, file: name },
          `file left in ${where}: it cannot be taken now, tried again on each poll / 文件暂时无法处理，留在原处，每次轮询重试`,
        );
      }
      return false;
    }
  }

  /** An error receipt for a file that stays where it is (no archive follows). */
  private async refuseInPlace(
    handler: IntakeHandler,
    name: string,
    error: GatewayError,
  ): Promise<void> {
    await handler
      .refuse({ channel: this.opts.channel, name, bytes: Buffer.alloc(0) }, error)
      .catch((e: unknown) =>
        this.log.error({ err: e, file: name }, 'cannot write the error receipt / 无法生成错误回执'),
      );
  }

  /** Forgets left-alone files no longer listed, so a new file of that name is reported again. */
  private forgetGone(prefix: string, entries: readonly { name: string }[]): void {
    const present = new Set(entries.map((e) => `${prefix}${e.name}`));
    for (const key of this.leftAlone) {
      if (key.startsWith('claimed/') === (prefix === 'claimed/') && !present.has(key))
        this.leftAlone.delete(key);
    }
    if (prefix === 'claimed/')
      for (const name of this.handedOver.keys())
        if (!present.has(`claimed/${name}`)) this.handedOver.delete(name);
  }

  private async take(name: string, size: number, handler: IntakeHandler): Promise<void> {
    try {
      await this.op(`claim ${name}`, (c) =>
        c.posixRename(posix.join(this.opts.remoteDir, name), posix.join(this.claimDir, name)),
      );
    } catch (err) {
      if (!isNoSuchFile(err)) throw err;
      // A name the listing could not decode cannot be addressed; any other was taken first
      // by another node (or the enterprise).
      if (name.includes('\uFFFD')) throw new UndecodableName();
      return;
    }
    await this.companions?.claim(name);
    await this.handleClaimed(name, size, handler);
  }

  private async handleClaimed(name: string, size: number, handler: IntakeHandler): Promise<void> {
    // Handed over already, only its archive failed: never a second accept.
    const done = this.handedOver.get(name);
    if (done) return this.finish(name, done, handler);
    // After a crash between claiming the declaration and its attachments, finish the claim first.
    await this.companions?.claim(name);
    const doc = { channel: this.opts.channel, name, bytes: Buffer.alloc(0) };
    let outcome: AcceptOutcome;
    if (size > this.maxBytes) {
      outcome = await handler.refuse(doc, intakeRefusals.tooLarge(name, size, this.maxBytes));
    } else {
      let bytes: Buffer;
      try {
        bytes = (await this.op(`download ${name}`, (c) =>
          c.get(posix.join(this.claimDir, name)),
        )) as Buffer;
      } catch (err) {
        if (!isPermissionDenied(err)) throw err;
        this.log.warn(
          { inbox: this.name, file: name },
          'the server cannot read the file: refused and moved to failed / 服务器无法读取该文件，已拒收并移到 failed 目录',
        );
        this.leftAlone.add(`claimed/${name}`); // reported: no second line
        outcome = await handler.refuse(doc, intakeRefusals.unreadable(name, 'permission denied'));
        return this.finish(name, outcome, handler);
      }
      outcome =
        bytes.length === 0
          ? await handler.refuse({ ...doc, bytes }, intakeRefusals.empty(name, 'sftp'))
          : await this.acceptWithAttachments({ ...doc, bytes }, handler);
    }
    await this.finish(name, outcome, handler);
  }

  private async finish(
    name: string,
    outcome: AcceptOutcome,
    handler: IntakeHandler,
  ): Promise<void> {
    this.handedOver.set(name, outcome);
    const dest = outcome.kind === 'rejected' ? this.opts.failedDir : this.opts.archiveDir;
    const path = await this.moveUnique(posix.join(this.claimDir, name), dest, name);
    await this.companions?.archive(name, path);
    this.handedOver.delete(name);
    await handler.archived(outcome.messageId, `sftp://${this.opts.host}${path}`, outcome.kind);
  }

  /** Hands the declaration over; with attachments, as one bundle (declaration + files). */
  private async acceptWithAttachments(
    doc: { channel: string; name: string; bytes: Buffer },
    handler: IntakeHandler,
  ): Promise<AcceptOutcome> {
    const attached = await this.companions?.read(doc.name, this.maxBytes);
    if (!attached) return handler.accept(doc);
    if (attached.tooLarge) {
      const { name, size } = attached.tooLarge;
      return handler.refuse(doc, intakeRefusals.tooLarge(name, size, this.maxBytes));
    }
    if (attached.refused.length > 0)
      this.log.warn(
        { inbox: this.name, file: doc.name, left: attached.refused },
        'attachments that are links or folders were left out / 随附单据中的链接或文件夹未被采用',
      );
    const bytes = await packBundle({
      document: { name: doc.name, bytes: doc.bytes },
      ...attached.bundle,
    });
    return handler.accept({ ...doc, bytes });
  }

  private moveUnique(src: string, dir: string, name: string): Promise<string> {
    return moveRemoteUnique(this.session, src, dir, name);
  }

  private async refuseLink(name: string, handler: IntakeHandler): Promise<void> {
    // rename moves the link itself, never its target, so nothing outside the inbox is touched.
    const moved = await this.moveUnique(
      posix.join(this.opts.remoteDir, name),
      this.opts.failedDir,
      `${name}.symlink-${Date.now()}`,
    );
    const error = intakeRefusals.symlink(name, 'sftp');
    const outcome = await handler.refuse(
      { channel: this.opts.channel, name, bytes: Buffer.alloc(0) },
      error,
    );
    await handler.archived(outcome.messageId, `sftp://${this.opts.host}${moved}`);
  }

  private op<T>(what: string, fn: (c: SftpClient) => Promise<T>): Promise<T> {
    return this.session.run(`${this.name} ${what}`, fn);
  }

  /** Stops polling, waits for the file in progress, and ends the connection. */
  async close(): Promise<void> {
    await this.poller.close();
    await this.session.close();
  }
}
