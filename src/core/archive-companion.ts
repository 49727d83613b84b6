import { cp, lstat, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

/**
 * The attachment folder (随附单据) of a declaration file is `<stem>.edoc` beside it, in the inbox,
 * in the claim folder and in sent/ or failed/ (see gateway/companion-files.ts); these keep it
 * beside its declaration whenever the declaration moves.
 */
const DIR_SUFFIX = '.edoc';
const stemOf = (name: string): string => name.slice(0, name.length - extname(name).length);
const exists = (p: string) =>
  lstat(p).then(
    (s) => s,
    () => undefined,
  );

/** `dec-01.xml` → `dec-01.edoc`. */
export const companionDirName = (declName: string): string => `${stemOf(declName)}${DIR_SUFFIX}`;

/**
 * Moves an attachment folder to sit beside `declPath` as `<stem>.edoc` (a free `.N` added when the
 * name is taken); a rename, or copy + remove across devices. Undefined when `src` does not exist.
 */
export async function moveCompanion(src: string, declPath: string): Promise<string | undefined> {
  if (!(await exists(src))?.isDirectory()) return undefined;
  const dir = dirname(declPath);
  const base = stemOf(basename(declPath));
  await mkdir(dir, { recursive: true });
  for (let n = 0; n < 10_000; n++) {
    const target = join(dir, `${base}${n === 0 ? '' : `.${n}`}${DIR_SUFFIX}`);
    if (await exists(target)) continue;
    try {
      await rename(src, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      await cp(src, target, { recursive: true });
      await rm(src, { recursive: true, force: true });
    }
    return target;
  }
  throw new Error(`no free name for the attachments of ${declPath}`);
}

/** The attachment folder that sits beside an archived declaration, `sent/dec-01.xml` → `sent/dec-01.edoc`. */
export const companionOf = (declPath: string): string =>
  join(dirname(declPath), companionDirName(basename(declPath)));
