/**
 * Attachments (随附单据) that travel with a declaration file in a folder inbox. Convention, for a
 * declaration `dec-01.xml`:
 *
 * - a folder `dec-01.edoc/` beside it holding the attachment files (and optionally `edoc.json`,
 *   the manifest), or
 * - a manifest `dec-01.edoc.json` beside it listing files that sit in the inbox too.
 *
 * The declaration is the trigger: write the attachments first. It is taken only once every
 * attachment (and the manifest) has also held still for the intake's stableMs. Claiming moves
 * the attachments into `.eport-claimed/dec-01.edoc/` (manifest last, as `edoc.json`), so a crash
 * half-way is finished on restart; archiving moves that folder beside the archived declaration
 * (`sent/dec-01.edoc/`, or `sent/dec-01.1.edoc/` next to `sent/dec-01.1.xml`).
 */
import { lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { isWorkInProgressName, StabilityWindow } from '../core/file-pickup.js';
import type { BundleFile, DocumentBundle } from '../core/document-bundle.js';
import { companionDirName, moveCompanion } from '../core/archive-companion.js';

export { companionDirName } from '../core/archive-companion.js';

/** Name of the manifest inside an attachment folder. */
export const FOLDER_MANIFEST = 'edoc.json';
export const DIR_SUFFIX = '.edoc';
const MANIFEST_SUFFIX = '.edoc.json';

const stemOf = (name: string): string => name.slice(0, name.length - extname(name).length);
/** `dec-01.xml` → `dec-01.edoc.json`. */
export const companionManifestName = (declName: string): string =>
  `${stemOf(declName)}${MANIFEST_SUFFIX}`;
/** Names that belong to a declaration's attachments, never declarations themselves. */
export const isCompanionName = (name: string): boolean =>
  name.toLowerCase().endsWith(DIR_SUFFIX) || name.toLowerCase().endsWith(MANIFEST_SUFFIX);

const exists = (p: string) =>
  lstat(p).then(
    (s) => s,
    () => undefined,
  );

/** File names a manifest's text lists (attachments and marks); [] when it cannot be read (the translator reports it). */
export function listedInManifest(text: string): string[] {
  try {
    const m = JSON.parse(text.replace(/^\uFEFF/, '')) as {
      attachments?: { file?: unknown }[];
      marks?: { file?: unknown }[];
    };
    return [...(m.attachments ?? []), ...(m.marks ?? [])]
      .map((e) => e.file)
      .filter(
        (f): f is string =>
          typeof f === 'string' && basename(f) === f && f !== '' && !f.startsWith('.'),
      );
  } catch {
    return [];
  }
}

async function listedFiles(manifestPath: string): Promise<string[]> {
  return listedInManifest(await readFile(manifestPath, 'utf8').catch(() => ''));
}

/** Tracks the attachments of inbox declarations and moves them with the declaration. */
export class Companions {
  private readonly stable: StabilityWindow;

  constructor(
    private readonly inbox: string,
    private readonly claimDir: string,
    stableMs: number,
  ) {
    this.stable = new StabilityWindow(stableMs);
  }

  /** True when the declaration's attachments (if any) are complete: present, no temp names, all still. */
  async ready(declName: string, now: number): Promise<boolean> {
    const dir = join(this.inbox, companionDirName(declName));
    const manifest = join(this.inbox, companionManifestName(declName));
    const paths: string[] = [];
    if ((await exists(dir))?.isDirectory()) {
      for (const f of await readdir(dir)) {
        if (isWorkInProgressName(f)) return false;
        paths.push(join(dir, f));
      }
    }
    if ((await exists(manifest))?.isFile()) {
      paths.push(manifest);
      for (const f of await listedFiles(manifest)) paths.push(join(this.inbox, f));
    }
    let ready = true;
    for (const p of paths) {
      const st = await exists(p);
      if (!st) continue; // a listed file that is missing: the translator says so
      if (!this.stable.ready(p, st.size, st.mtimeMs, now)) ready = false;
    }
    if (ready) for (const p of paths) this.stable.forget(p);
    return ready;
  }

  /**
   * Moves the attachments of a claimed declaration into the claim folder. Idempotent: after a
   * crash it finishes what is left (the manifest moves last, so it still lists what remains).
   */
  async claim(declName: string): Promise<void> {
    const target = join(this.claimDir, companionDirName(declName));
    const dir = join(this.inbox, companionDirName(declName));
    const manifest = join(this.inbox, companionManifestName(declName));
    if ((await exists(dir))?.isDirectory()) {
      if (!(await exists(target))) {
        await rename(dir, target);
      } else {
        for (const f of await readdir(dir)) await rename(join(dir, f), join(target, f));
        await rm(dir, { recursive: true, force: true });
      }
    }
    if ((await exists(manifest))?.isFile()) {
      await mkdir(target, { recursive: true });
      for (const f of await listedFiles(manifest)) {
        if ((await exists(join(this.inbox, f)))?.isFile())
          await rename(join(this.inbox, f), join(target, f));
      }
      await rename(manifest, join(target, FOLDER_MANIFEST));
    }
  }

  /**
   * The claimed attachments as bundle parts, or undefined when the declaration has none. Symbolic
   * links and folders inside are left out (and named in `refused`); a file over `maxBytes` is
   * returned in `tooLarge` and not read.
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
    const target = join(this.claimDir, companionDirName(declName));
    if (!(await exists(target))?.isDirectory()) return undefined;
    const attachments: BundleFile[] = [];
    const refused: string[] = [];
    let manifest: BundleFile | undefined;
    for (const f of (await readdir(target)).sort()) {
      const st = await lstat(join(target, f));
      if (!st.isFile()) {
        refused.push(f);
        continue;
      }
      if (st.size > maxBytes)
        return {
          bundle: { attachments: [] },
          refused,
          tooLarge: { name: `${companionDirName(declName)}/${f}`, size: st.size },
        };
      const bytes = await readFile(join(target, f));
      if (f === FOLDER_MANIFEST) manifest = { name: FOLDER_MANIFEST, bytes };
      else attachments.push({ name: f, bytes });
    }
    return { bundle: { attachments, ...(manifest ? { manifest } : {}) }, refused };
  }

  /** Moves the claimed attachment folder beside the archived declaration; returns where, if any. */
  async archive(declName: string, archivedPath: string): Promise<string | undefined> {
    return moveCompanion(join(this.claimDir, companionDirName(declName)), archivedPath);
  }

  /** Claimed attachment folders whose declaration is no longer claimed (a crash after archiving it). */
  async orphans(claimedNames: readonly string[]): Promise<string[]> {
    const dirs = claimedNames.filter((n) => n.toLowerCase().endsWith(DIR_SUFFIX));
    const decls = new Set(claimedNames.filter((n) => !isCompanionName(n)).map(companionDirName));
    return dirs.filter((d) => !decls.has(d));
  }
}
