import { link, mkdir, readFile, rename, unlink, copyFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { fitName } from './fit-name.js';

/** True when `target` is already `src`: the same inode (our own link), or for copies the same bytes. */
async function alreadyThere(src: string, target: string, copied: boolean): Promise<boolean> {
  const [a, b] = await Promise.all([stat(src), stat(target).catch(() => undefined)]);
  if (!b) return false;
  if (a.ino === b.ino && a.dev === b.dev) return true;
  return copied && a.size === b.size && (await readFile(src)).equals(await readFile(target));
}

/**
 * Moves a file into `dir` under its own name, or `name.1.ext`, `name.2.ext`... when taken: never
 * overwrites an archived file. A name that would pass 255 bytes is shortened (fitName). link + unlink makes "taken" atomic; EXDEV falls back to copy.
 * A crash between link and unlink leaves the file in both places: the next call finds its own
 * link (same inode) and only removes the source, so a restart never archives a second copy.
 */
export async function moveUnique(src: string, dir: string, name = basename(src)): Promise<string> {
  await mkdir(dir, { recursive: true });
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 0; n < 10_000; n++) {
    const target = join(dir, fitName(stem, n === 0 ? '' : `.${n}`, ext));
    try {
      await link(src, target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        if (!(await alreadyThere(src, target, false))) continue;
      } else if (code === 'EXDEV' || code === 'EPERM') {
        if (
          await stat(target).then(
            () => true,
            () => false,
          )
        ) {
          if (!(await alreadyThere(src, target, true))) continue;
        } else await copyFile(src, target);
      } else throw err;
    }
    await unlink(src);
    return target;
  }
  throw new Error(`no free name for ${name} in ${dir}`);
}

/** Moves a symlink itself (never its target) into `dir`. */
export async function moveLink(src: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, fitName(basename(src), `.symlink-${Date.now()}`, ''));
  await rename(src, target);
  return target;
}

export function isInside(path: string, dir: string): boolean {
  return dirname(path) === dir;
}
