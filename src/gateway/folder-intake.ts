import { lstat, mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../core/logger.js';
import { intakeRefusals } from './intake-refusals.js';
import type { ResolvedFolderIntake } from '../config/resolve.js';
import { moveLink, moveUnique } from '../queues/archive.js';
import { globToRegExp, isWorkInProgressName, StabilityWindow } from '../core/file-pickup.js';
import type { AcceptOutcome, IntakeHandler, IntakeSource } from './intake.js';

/** Where a claimed file waits between claim and archive; hidden so scans skip it. */
export const CLAIM_DIR = '.eport-claimed';


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
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly channel: string,
    private readonly cfg: ResolvedFolderIntake,
    private readonly sentDir: string,
    private readonly failedDir: string,
    private readonly log: Logger,
    /** In a cluster, only the lease holder polls this inbox. */
    private readonly lease?: { holds(): Promise<boolean>; release(): Promise<void> },
  ) {
    this.name = `folder:${cfg.path}`;
    this.claimDir = join(cfg.path, CLAIM_DIR);
    this.pattern = globToRegExp(cfg.pattern);
    this.stable = new StabilityWindow(cfg.stableMs);
  }

  async start(handler: IntakeHandler): Promise<void> {
    await mkdir(this.claimDir, { recursive: true });
    await mkdir(this.sentDir, { recursive: true });
    await mkdir(this.failedDir, { recursive: true });
    let recovered = false;
    const tick = (): void => {
      if (this.stopped) return;
      this.scanning = (async () => {
        if (this.lease && !(await this.lease.holds())) return;
        if (!recovered) {
          // Files claimed before a crash are finished first; the pipeline maps them to their message.
          for (const name of await readdir(this.claimDir)) await this.handleClaimed(name, handler);
          recovered = true;
        }
        await this.scan(handler);
      })()
        .catch((err) => this.log.error({ err, inbox: this.cfg.path }, 'inbox scan failed / 扫描收件箱失败'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.cfg.pollMs);
        });
    };
    tick();
  }

  /** One pass over the inbox: take every complete file, refuse links. */
  private async scan(handler: IntakeHandler): Promise<void> {
    const names = await readdir(this.cfg.path);
    const present = new Set(names);
    this.stable.retain(present);
    const now = Date.now();
    for (const name of names) {
      if (this.stopped) return;
      if (name === CLAIM_DIR || isWorkInProgressName(name) || !this.pattern.test(name)) continue;
      const path = join(this.cfg.path, name);
      const st = await lstat(path).catch(() => undefined);
      if (!st) continue;
      if (st.isSymbolicLink()) {
        await this.refuseLink(name, handler);
        continue;
      }
      if (!st.isFile()) continue;
      if (!this.ready(name, st.size, st.mtimeMs, now, present)) continue;
      this.stable.forget(name);
      await this.take(name, st.size, handler);
    }
  }

  private ready(name: string, size: number, mtimeMs: number, now: number, present: Set<string>): boolean {
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
    if (size > this.cfg.maxBytes) {
      const error = intakeRefusals.tooLarge(name, size, this.cfg.maxBytes);
      await this.finish(name, await handler.refuse({ channel: this.channel, name, bytes: Buffer.alloc(0) }, error), handler);
      return;
    }
    await this.handleClaimed(name, handler);
  }

  private async handleClaimed(name: string, handler: IntakeHandler): Promise<void> {
    const bytes = await readFile(join(this.claimDir, name));
    const doc = { channel: this.channel, name, bytes };
    const outcome =
      bytes.length === 0
        ? await handler.refuse(doc, intakeRefusals.empty(name, 'folder'))
        : await handler.accept(doc);
    await this.finish(name, outcome, handler);
  }

  private async finish(name: string, outcome: AcceptOutcome, handler: IntakeHandler): Promise<void> {
    const dest = outcome.kind === 'rejected' ? this.failedDir : this.sentDir;
    const path = await moveUnique(join(this.claimDir, name), dest, name);
    await handler.archived(outcome.messageId, path, outcome.kind);
  }

  private async refuseLink(name: string, handler: IntakeHandler): Promise<void> {
    const moved = await moveLink(join(this.cfg.path, name), this.failedDir);
    const error = intakeRefusals.symlink(name, 'folder');
    const outcome = await handler.refuse({ channel: this.channel, name, bytes: Buffer.alloc(0) }, error);
    await handler.archived(outcome.messageId, moved);
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.scanning;
    await this.lease?.release().catch(() => {});
  }
}
