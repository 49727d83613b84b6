/**
 * Attachments (随附单据) beside a declaration in an SFTP inbox: the folder intake's convention
 * (companion-files.ts) over SFTP. For `dec-01.xml`, the folder `dec-01.edoc/` or the manifest
 * `dec-01.edoc.json` (listing files in the inbox) beside it. The declaration is the trigger and
 * is taken only once every attachment has held still for stableMs with no temporary name left;
 * claiming moves them into `.eport-claimed/dec-01.edoc/` (manifest last, as `edoc.json`, so a
 * crash half-way is finished on the next poll); archiving moves that folder beside the archived
 * declaration on the server.
 */
import { posix } from 'node:path';
import type SftpClient from 'ssh2-sftp-client';
import { isWorkInProgressName, StabilityWindow } from '../core/file-pickup.js';
import type { BundleFile, DocumentBundle } from '../core/document-bundle.js';
import {
  companionDirName,
  companionManifestName,
  DIR_SUFFIX,
  FOLDER_MANIFEST,
  isCompanionName,
  listedInManifest,
} from './companion-files.js';

/** Runs one SFTP operation on the intake's session (its error mapping and timeout). */
export type SftpOp = <T>(what: string, fn: (c: SftpClient) => Promise<T>) => Promise<T>;

/** The part of a remote listing entry these rules read. */
export interface RemoteEntry {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly modifyTime: number;
}

const stemOf = (name: string): string => name.slice(0, name.length - posix.extname(name).length);

export class SftpCompanions {
  private readonly stable: StabilityWindow;
  /** Names observed in the current scan. */
  private observed = new Set<string>();

  constructor(
    private readonly inbox: string,
    private readonly claimDir: string,
    stableMs: number,
    private readonly op: SftpOp,
  ) {
    this.stable = new StabilityWindow(stableMs);
  }

  private kind(path: string): Promise<false | string> {
    return this.op(`stat ${path}`, (c) => c.exists(path));
  }

  private list(dir: string): Promise<RemoteEntry[]> {
    return this.op(`list ${dir}`, (c) => c.list(dir));
  }

  private async manifestList(path: string): Promise<string[]> {
    const bytes = (await this.op(`download ${path}`, (c) => c.get(path))) as Buffer;
    return listedInManifest(bytes.toString('utf8'));
  }

  /** True when the declaration's attachments (if any) are complete: no temp names, all still. */
  async ready(declName: string, now: number, inbox: readonly RemoteEntry[]): Promise<boolean> {
    const byName = new Map(inbox.map((e) => [e.name, e]));
    const seen: RemoteEntry[] = [];
    const dirName = companionDirName(declName);
    if (byName.get(dirName)?.type === 'd') {
      for (const f of await this.list(posix.join(this.inbox, dirName))) {
        if (isWorkInProgressName(f.name)) return false;
        seen.push({ ...f, name: `${dirName}/${f.name}` });
      }
    }
    const manifest = byName.get(companionManifestName(declName));
    if (manifest?.type === '-') {
      seen.push(manifest);
      for (const f of await this.manifestList(posix.join(this.inbox, manifest.name))) {
        const e = byName.get(f);
        if (e) seen.push(e); // a listed file that is missing: the translator says so
      }
    }
    let ready = true;
    for (const e of seen) this.observed.add(e.name);
    for (const e of seen) if (!this.stable.ready(e.name, e.size, e.modifyTime, now)) ready = false;
    if (ready) for (const e of seen) this.stable.forget(e.name);
    return ready;
  }

  /** Forgets stability records of files not looked at since the last call (once per scan). */
  endScan(): void {
    this.stable.retain(this.observed);
    this.observed = new Set();
  }

  /**
   * Moves the attachments of a claimed declaration into the claim folder. Idempotent: after a
   * crash it finishes what is left (the manifest moves last, so it still lists what remains).
   */
  async claim(declName: string): Promise<void> {
    const target = posix.join(this.claimDir, companionDirName(declName));
    const dir = posix.join(this.inbox, companionDirName(declName));
    const manifest = posix.join(this.inbox, companionManifestName(declName));
    if ((await this.kind(dir)) === 'd') {
      if (!(await this.kind(target))) {
        await this.op(`claim ${dir}`, (c) => c.rename(dir, target));
      } else {
        for (const f of await this.list(dir))
          await this.op(`claim ${dir}/${f.name}`, (c) =>
            c.posixRename(posix.join(dir, f.name), posix.join(target, f.name)),
          );
        await this.op(`remove ${dir}`, (c) => c.rmdir(dir, true));
      }
    }
    if ((await this.kind(manifest)) === '-') {
      await this.op(`mkdir ${target}`, (c) => c.mkdir(target, true));
      for (const f of await this.manifestList(manifest)) {
        const src = posix.join(this.inbox, f);
        if ((await this.kind(src)) === '-')
          await this.op(`claim ${f}`, (c) => c.posixRename(src, posix.join(target, f)));
      }
      await this.op(`claim ${manifest}`, (c) =>
        c.posixRename(manifest, posix.join(target, FOLDER_MANIFEST)),
      );
    }
  }

  /**
   * The claimed attachments as bundle parts, or undefined when the declaration has none. Links
   * and folders inside are left out (named in `refused`); a file over `maxBytes` is returned in
   * `tooLarge` and not downloaded.
   */
  async read(
    declName: string,
    maxBytes: number,
  ): Promise<
    | {
        bundle: Omit<DocumentBundle, 'document'>;
        refused: string[];
        tooLarge?: { name: string; size: number };
      }
    | undefined
  > {
    const target = posix.join(this.claimDir, companionDirName(declName));
    if ((await this.kind(target)) !== 'd') return undefined;
    const entries = (await this.list(target)).sort((a, b) => (a.name < b.name ? -1 : 1));
    const attachments: BundleFile[] = [];
    const refused: string[] = [];
    let manifest: BundleFile | undefined;
    for (const e of entries) {
      if (e.type !== '-') {
        refused.push(e.name);
        continue;
      }
      if (e.size > maxBytes)
        return {
          bundle: { attachments: [] },
          refused,
          tooLarge: { name: `${companionDirName(declName)}/${e.name}`, size: e.size },
        };
      const path = posix.join(target, e.name);
      const bytes = (await this.op(`download ${path}`, (c) => c.get(path))) as Buffer;
      if (e.name === FOLDER_MANIFEST) manifest = { name: FOLDER_MANIFEST, bytes };
      else attachments.push({ name: e.name, bytes });
    }
    return { bundle: { attachments, ...(manifest ? { manifest } : {}) }, refused };
  }

  /** Moves the claimed attachment folder beside the archived declaration; returns where, if any. */
  async archive(declName: string, archivedPath: string): Promise<string | undefined> {
    return this.moveDir(
      posix.join(this.claimDir, companionDirName(declName)),
      posix.dirname(archivedPath),
      stemOf(posix.basename(archivedPath)),
    );
  }

  /** Claimed attachment folders whose declaration is no longer claimed (a crash after archiving it). */
  orphans(claimed: readonly RemoteEntry[]): string[] {
    const decls = new Set(
      claimed
        .filter((e) => e.type === '-' && !isCompanionName(e.name))
        .map((e) => companionDirName(e.name)),
    );
    return claimed
      .filter(
        (e) => e.type === 'd' && e.name.toLowerCase().endsWith(DIR_SUFFIX) && !decls.has(e.name),
      )
      .map((e) => e.name);
  }

  /** Attachments found without their declaration: moved to `dir` as `<stem>.orphan.edoc`. */
  async archiveOrphan(dirName: string, dir: string): Promise<string | undefined> {
    return this.moveDir(
      posix.join(this.claimDir, dirName),
      dir,
      `${dirName.slice(0, -DIR_SUFFIX.length)}.orphan`,
    );
  }

  private async moveDir(src: string, dir: string, stem: string): Promise<string | undefined> {
    if ((await this.kind(src)) !== 'd') return undefined;
    for (let n = 0; n < 1000; n++) {
      const target = posix.join(dir, `${stem}${n === 0 ? '' : `.${n}`}${DIR_SUFFIX}`);
      if (await this.kind(target)) continue;
      await this.op(`archive ${src}`, (c) => c.rename(src, target));
      return target;
    }
    throw new Error(`no free name for the attachments ${src} in ${dir}`);
  }
}
