import { link, mkdir, rename, unlink, copyFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

/**
 * Moves a file into `dir` under its own name, or `name.1.ext`, `name.2.ext`... when taken: never
 * overwrites an archived file. link + unlink makes "taken" atomic; EXDEV falls back to copy.
 */
export async function moveUnique(src: string, dir: string, name = basename(src)): Promise<string> {
  await mkdir(dir, { recursive: true });
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 0; n < 10_000; n++) {
    const target = join(dir, n === 0 ? name : `${stem}.${n}${ext}`);
    try {
      await link(src, target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code === 'EXDEV' || code === 'EPERM') {
        if (await stat(target).then(() => true, () => false)) continue;
        await copyFile(src, target);
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
  const target = join(dir, `${basename(src)}.symlink-${Date.now()}`);
  await rename(src, target);
  return target;
}

export function isInside(path: string, dir: string): boolean {
  return dirname(path) === dir;
}
