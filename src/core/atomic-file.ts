import { link, open, rename, mkdir, readFile, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Permissions of what a write creates: the file, and any folders made for it. */
export interface FileModes {
  readonly mode: number;
  readonly dirMode: number;
}

/** For files others on the host read (outbox receipts): 0644 under 0755. */
export const SHARED_MODES: FileModes = { mode: 0o644, dirMode: 0o755 };
/** For the gateway's own state (spool, parked receipts): the owner only, 0600 under 0700. */
export const PRIVATE_MODES: FileModes = { mode: 0o600, dirMode: 0o700 };

/**
 * Writes a file so that readers only ever see the whole of it: a dot-prefixed temp file in the
 * same directory, fsync, rename over the final name, then fsync of the directory so the rename
 * itself survives a power cut.
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  modes: FileModes = SHARED_MODES,
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: modes.dirMode });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w', modes.mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
  await fsyncDir(dir);
}

/**
 * Like writeFileAtomic, but never replaces a file: the temp file is linked to the final name,
 * which fails when the name exists. Returns 'exists' (and writes nothing) in that case.
 */
export async function writeFileExclusive(
  path: string,
  data: Uint8Array | string,
  mode = 0o644,
): Promise<'written' | 'exists'> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    await link(tmp, path);
  } catch (err) {
    await fh.close().catch(() => {});
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
    throw err;
  } finally {
    await unlink(tmp).catch(() => {});
  }
  await fsyncDir(dir);
  return 'written';
}

export async function fsyncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** Reads a file, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
