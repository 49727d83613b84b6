import { lstat, mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Logger } from '../core/logger.js';
import type { Lease } from '../core/lease.js';
import { LeasedPoller } from '../core/leased-poller.js';
import { intakeRefusals } from './intake-refusals.js';
import type { ResolvedFolderIntake } from '../config/resolve.js';
import { moveLink, moveUnique } from '../core/archive.js';
import { fitName } from '../core/fit-name.js';
import { globToRegExp, isWorkInProgressName, StabilityWindow } from '../core/file-pickup.js';
import type { AcceptOutcome, IntakeHandler, IntakeSource } from './intake.js';
import { Companions, isCompanionName } from './companion-files.js';
import { moveCompanion } from '../core/archive-companion.js';
import { packBundle } from '../core/document-bundle.js';
import { forEachLimited } from '../core/for-each-limited.js';

/** Where a claimed file waits between claim and archive; hidden so scans skip it. */
export const CLAIM_DIR = '.eport-claimed';

/** File-system errors that no retry will cure: the file is left alone and answered with an error receipt. */
const FILE_ERRORS = new Set([
  'EPERM',
  'EACCES',
  'ENAMETOOLONG',
  'EROFS',
  'EINVAL',
  'ELOOP',
  'EISDIR',
  'ENOTDIR',
  'EFBIG',
  'EILSEQ',
]);

/** A name that is valid UTF-8 for one whose raw bytes are not: `?` for bad bytes plus a hash of them. */
function decodableName(raw: Buffer): string {
  const lossy = raw.toString('utf8').replace(/\uFFFD/g, '_');
  const ext = extname(lossy);
  const tag = `~${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`;
  return fitName(`${lossy.slice(0, lossy.length - ext.length)}${tag}`, '', ext);
}

/**
 * Watches one inbox folder by polling (works on local disks, NFS and SMB alike, and cannot miss an
 * event the way inotify can overflow). A file is taken when complete: size and mtime unchanged for
 * `stableMs`, or its `.done`/`.ok` marker present. It is claimed by an atomic rename into a hidden
 * folder, handed to the pipeline, and moved to sent/ (or failed/) only after that is durable.
 */
export class FolderIntake implements IntakeSource {
  readonly name: string;
  private readonly claimDir: string;
  private readonly pattern: RegExp;
  private readonly stable: StabilityWindow;
  private readonly poller: LeasedPoller;
  /** Files that could not be taken, logged once each (keys: inbox name, or `claimed/NAME`). */
  private readonly leftAlone = new Set<string>();
  /** Folders, FIFOs and sockets in the inbox, each logged once while it stays there. */
  private readonly notDocuments = new Set<string>();
  /** The attachments (随附单据) of declarations, when the intake takes them (`attachments: true`). */
  private readonly companions: Companions | undefined;

  constructor(
    private readonly channel: string,
    private readonly cfg: ResolvedFolderIntake,
    private readonly sentDir: string,
    private readonly failedDir: string,
    private readonly log: Logger,
    /** In a cluster, only the lease holder polls this inbox. */
    lease?: Lease,
    /** The clock of the stability window (read once per scan); tests pass a fake one. */
    private readonly now: () => number = Date.now,
  ) {
    this.name = `folder:${cfg.path}`;
    this.claimDir = join(cfg.path, CLAIM_DIR);
    this.pattern = globToRegExp(cfg.pattern);
    this.stable = new StabilityWindow(cfg.stableMs);
    this.poller = new LeasedPoller({
      fields: { inbox: cfg.path },
      intervalMs: cfg.pollMs,
      log,
      lease,
      level: 'error',
      text: {
        failed: 'inbox scan failed / 扫描收件箱失败',
        recovered: 'inbox readable again / 收件箱已恢复',
      },
    });
    this.companions = cfg.attachments
      ? new Companions(cfg.path, this.claimDir, cfg.stableMs)
      : undefined;
  }

  private get stopped(): boolean {
    return this.poller.stopped;
  }

  async start(handler: IntakeHandler): Promise<void> {
    await mkdir(this.claimDir, { recursive: true });
    await mkdir(this.sentDir, { recursive: true });
    await mkdir(this.failedDir, { recursive: true });
    this.poller.start(async () => {
      // Files claimed before a crash (or whose hand-over failed) are finished first; the
      // pipeline maps them to their message. One that fails never holds up the others.
      const claimed = await readdir(this.claimDir);
      await forEachLimited(
        claimed.filter((name) => !(this.companions && isCompanionName(name))),
        this.concurrency,
        (name) =>
          this.guard(`claimed/${name}`, name, handler, () => this.handleClaimed(name, handler)),
        () => this.stopped,
      );
      if (this.stopped) return;
      if (this.companions)
        for (const orphan of await this.companions.orphans(claimed))
          await this.archiveOrphan(orphan);
      await this.scan(handler);
    });
  }

  /**
   * One pass over the inbox: take every complete file, refuse links. Names are read as bytes: a
   * name that is not UTF-8 cannot be opened through a decoded string, so it is renamed first.
   */
  private async scan(handler: IntakeHandler): Promise<void> {
    const raw = await readdir(this.cfg.path, { encoding: 'buffer' });
    const names: string[] = [];
    for (const r of raw) {
      const name = r.toString('utf8');
      if (Buffer.from(name, 'utf8').equals(r)) names.push(name);
      else if (!isWorkInProgressName(name))
        await this.guard(name, name, handler, () => this.renameUndecodable(r));
    }
    const present = new Set(names);
    this.stable.retain(present);
    for (const n of this.notDocuments) if (!present.has(n)) this.notDocuments.delete(n);
    for (const key of this.leftAlone)
      if (
        !key.startsWith('claimed/') &&
        !present.has(key) &&
        !raw.some((r) => r.toString('utf8') === key)
      )
        this.leftAlone.delete(key);
    const now = this.now();
    // A backlog is handed over several files at a time: each hand-over waits on disk and Redis,
    // and one at a time would leave the process idle (names are distinct within one scan).
    const candidates = names.filter(
      (name) =>
        name !== CLAIM_DIR &&
        !isWorkInProgressName(name) &&
        !(this.companions && isCompanionName(name)) &&
        this.pattern.test(name),
    );
    await forEachLimited(
      candidates,
      this.concurrency,
      (name) => this.guard(name, name, handler, () => this.consider(name, now, present, handler)),
      () => this.stopped,
    );
  }

  private get concurrency(): number {
    return this.cfg.concurrency ?? 1;
  }

  private async consider(
    name: string,
    now: number,
    present: Set<string>,
    handler: IntakeHandler,
  ): Promise<void> {
    const path = join(this.cfg.path, name);
    const st = await lstat(path).catch(() => undefined);
    if (!st) return;
    if (st.isSymbolicLink()) return this.refuseLink(name, handler);
    if (!st.isFile()) {
      // A folder, FIFO or socket is no document: one line says so, then it is left alone.
      if (!this.notDocuments.has(name)) {
        this.notDocuments.add(name);
        const kind = st.isDirectory()
          ? 'folder'
          : st.isFIFO()
            ? 'FIFO'
            : st.isSocket()
              ? 'socket'
              : 'device';
        this.log.warn(
          { inbox: this.cfg.path, file: name, kind },
          `not a regular file (${kind}): left alone, move it out of the inbox / 不是普通文件，已跳过，请移出收件箱`,
        );
      }
      return;
    }
    if (!this.ready(name, st.size, st.mtimeMs, now, present)) return;
    if (this.companions && !(await this.companions.ready(name, now))) return;
    this.stable.forget(name);
    await this.take(name, st.size, handler);
  }

  /** Gives a name with bytes that are not UTF-8 a safe one in place; the next scan takes it. */
  private async renameUndecodable(raw: Buffer): Promise<void> {
    const safe = decodableName(raw);
    await rename(Buffer.concat([Buffer.from(`${this.cfg.path}/`), raw]), join(this.cfg.path, safe));
    this.log.warn(
      { inbox: this.cfg.path, file: safe, original: raw.toString('utf8') },
      'file name is not valid UTF-8: renamed to a safe name / 文件名不是有效的 UTF-8，已改为安全的文件名',
    );
  }

  /**
   * Runs one file's step; a failure leaves that file alone and never stops the scan. Each file
   * left alone gets one log line, and for errors no retry cures (permissions, immutable, name)
   * an error receipt; transient ones (Redis down) are simply tried again on the next scan.
   */
  private async guard(
    key: string,
    name: string,
    handler: IntakeHandler,
    step: () => Promise<void>,
  ): Promise<void> {
    try {
      await step();
      this.leftAlone.delete(key);
    } catch (err) {
      if (this.leftAlone.has(key)) return;
      this.leftAlone.add(key);
      const code = (err as NodeJS.ErrnoException).code;
      this.log.warn(
        { err, inbox: this.cfg.path, file: name },
        'file left in the inbox: it cannot be taken now / 文件暂时无法取走，留在收件箱',
      );
      if (!code || !FILE_ERRORS.has(code)) return;
      await handler
        .refuse(
          { channel: this.channel, name, bytes: Buffer.alloc(0) },
          intakeRefusals.blocked(name, code),
        )
        .catch((e: unknown) =>
          this.log.error(
            { err: e, file: name },
            'cannot write the error receipt / 无法生成错误回执',
          ),
        );
    }
  }

  private ready(
    name: string,
    size: number,
    mtimeMs: number,
    now: number,
    present: Set<string>,
  ): boolean {
    if (this.cfg.doneMarker) return present.has(`${name}.done`) || present.has(`${name}.ok`);
    return this.stable.ready(name, size, mtimeMs, now);
  }

  private async take(name: string, size: number, handler: IntakeHandler): Promise<void> {
    try {
      await rename(join(this.cfg.path, name), join(this.claimDir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // another node took it
      throw err;
    }
    if (this.cfg.doneMarker) {
      for (const m of ['.done', '.ok']) await unlink(join(this.cfg.path, name + m)).catch(() => {});
    }
    await this.companions?.claim(name);
    if (size > this.cfg.maxBytes) {
      const error = intakeRefusals.tooLarge(name, size, this.cfg.maxBytes);
      await this.finish(
        name,
        await handler.refuse({ channel: this.channel, name, bytes: Buffer.alloc(0) }, error),
        handler,
      );
      return;
    }
    await this.handleClaimed(name, handler);
  }

  private async handleClaimed(name: string, handler: IntakeHandler): Promise<void> {
    // After a crash between claiming the declaration and its attachments, finish the claim first.
    await this.companions?.claim(name);
    const bytes = await readFile(join(this.claimDir, name));
    const doc = { channel: this.channel, name, bytes };
    if (bytes.length === 0)
      return this.finish(
        name,
        await handler.refuse(doc, intakeRefusals.empty(name, 'folder')),
        handler,
      );
    const attached = await this.companions?.read(name, this.cfg.maxBytes);
    if (attached?.tooLarge) {
      const error = intakeRefusals.tooLarge(
        attached.tooLarge.name,
        attached.tooLarge.size,
        this.cfg.maxBytes,
      );
      return this.finish(name, await handler.refuse(doc, error), handler);
    }
    if (attached?.refused.length) {
      this.log.warn(
        { inbox: this.cfg.path, file: name, left: attached.refused },
        'attachments that are links or folders were left out / 随附单据中的链接或文件夹未被采用',
      );
    }
    // With attachments, the document is the bundle: declaration + files, one content hash.
    const outcome = await handler.accept(
      attached
        ? { ...doc, bytes: await packBundle({ document: { name, bytes }, ...attached.bundle }) }
        : doc,
    );
    await this.finish(name, outcome, handler);
  }

  private async finish(
    name: string,
    outcome: AcceptOutcome,
    handler: IntakeHandler,
  ): Promise<void> {
    const dest = outcome.kind === 'rejected' ? this.failedDir : this.sentDir;
    const path = await moveUnique(join(this.claimDir, name), dest, name);
    await this.companions?.archive(name, path);
    await handler.archived(outcome.messageId, path, outcome.kind);
  }

  /** Attachments whose declaration was archived just before a crash: to sent/, never lost. */
  private async archiveOrphan(dirName: string): Promise<void> {
    const moved = await moveCompanion(
      join(this.claimDir, dirName),
      join(this.sentDir, `${dirName.slice(0, -'.edoc'.length)}.orphan`),
    );
    this.log.warn(
      { inbox: this.cfg.path, attachments: moved },
      'attachments found without their declaration after a restart: moved to sent/ / 重启后发现无报关单的随附单据，已移至 sent/',
    );
  }

  private async refuseLink(name: string, handler: IntakeHandler): Promise<void> {
    const moved = await moveLink(join(this.cfg.path, name), this.failedDir);
    const error = intakeRefusals.symlink(name, 'folder');
    const outcome = await handler.refuse(
      { channel: this.channel, name, bytes: Buffer.alloc(0) },
      error,
    );
    await handler.archived(outcome.messageId, moved);
  }

  /** Stops polling, waits for the file in progress, and gives the lease up. */
  async close(): Promise<void> {
    await this.poller.close();
  }
}
