import { open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { GatewayError } from './errors.js';

/** The lock file in the data directory: who runs on it. */
export const LOCK_FILE = 'eport.lock';

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

/** True when a process with this PID runs (EPERM: it runs under another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const o = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    return typeof o.pid === 'number'
      ? { pid: o.pid, host: String(o.host ?? ''), startedAt: String(o.startedAt ?? '') }
      : undefined;
  } catch {
    return undefined; // half-written or garbage: treated as stale
  }
}

/**
 * One gateway per data directory: its spool, its managed Redis (socket and AOF) and its claim
 * folders are not safe to share. The lock is a file created exclusively holding the owner's PID; a
 * file whose process is gone (kill -9, power cut) is stale and taken over. A lock held on another
 * host (shared storage) is never taken over automatically.
 */
export class DataDirLock {
  private constructor(
    private readonly path: string,
    private readonly owner: LockOwner,
  ) {}

  static async acquire(dataDir: string): Promise<DataDirLock> {
    const path = join(dataDir, LOCK_FILE);
    const me: LockOwner = {
      pid: process.pid,
      host: hostname(),
      startedAt: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const fh = await open(path, 'wx', 0o600);
        await fh.writeFile(`${JSON.stringify(me)}\n`);
        await fh.sync();
        await fh.close();
        return new DataDirLock(path, me);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = await readOwner(path);
      if (holder && (holder.host !== me.host || running(holder.pid)))
        throw lockedError(dataDir, holder);
      // Stale: move it aside atomically (only one contender wins the rename), then try again.
      await rename(path, `${path}.stale-${process.pid}`).then(
        () => unlink(`${path}.stale-${process.pid}`),
        () => {},
      );
    }
    throw lockedError(dataDir, await readOwner(path));
  }

  /** Removes the lock if it is still ours. */
  async release(): Promise<void> {
    const holder = await readOwner(this.path);
    if (holder?.pid === this.owner.pid && holder.startedAt === this.owner.startedAt)
      await unlink(this.path).catch(() => {});
  }
}

function lockedError(dataDir: string, holder: LockOwner | undefined): GatewayError {
  const who = holder
    ? `PID ${holder.pid}${holder.host ? ` on ${holder.host}` : ''}, since ${holder.startedAt}`
    : 'another process';
  const whoZh = holder
    ? `进程 PID ${holder.pid}${holder.host ? `（主机 ${holder.host}）` : ''}，启动于 ${holder.startedAt}`
    : '另一个进程';
  return new GatewayError('GW_ERR_DATA_DIR_LOCKED', {
    where: dataDir,
    zh: `数据目录 ${dataDir} 已被另一个网关实例占用：${whoZh}`,
    en: `the data directory ${dataDir} is locked by another gateway instance: ${who}`,
    fixZh: `先停止该实例（kill -TERM ${holder?.pid ?? 'PID'}），或为第二个实例配置另一个 dataDir`,
    fixEn: `stop that instance first (kill -TERM ${holder?.pid ?? 'PID'}), or give the second instance its own dataDir`,
  });
}
