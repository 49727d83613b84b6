/** What every polling intake needs: which names to leave alone, patterns, completeness. */

/**
 * Names writers use while a file is still being written, hidden files, and `.done`/`.ok` markers:
 * never documents, whatever the pattern says.
 */
const WORK_IN_PROGRESS =
  /^(\.|~)|\.(tmp|temp|part|partial|crdownload|filepart|writing|swp|done|ok)$/i;

/** True for names a poller must leave alone (hidden, still being written, or a marker). */
export function isWorkInProgressName(name: string): boolean {
  return WORK_IN_PROGRESS.test(name);
}

/**
 * Decides when a file is complete: its size and mtime stayed the same for `stableMs`. Neither
 * SFTP nor network shares have a write-finished event, so stability across polls is the portable signal.
 */
export class StabilityWindow {
  private readonly seen = new Map<string, { size: number; mtimeMs: number; since: number }>();

  constructor(private readonly stableMs: number) {}

  /** Records one observation; true when the file has been unchanged long enough. */
  ready(name: string, size: number, mtimeMs: number, now = Date.now()): boolean {
    const prev = this.seen.get(name);
    if (!prev || prev.size !== size || prev.mtimeMs !== mtimeMs) {
      this.seen.set(name, { size, mtimeMs, since: now });
      return this.stableMs === 0;
    }
    return now - prev.since >= this.stableMs;
  }

  /** Forgets names no longer listed, and one that was taken. */
  retain(present: ReadonlySet<string>): void {
    for (const k of this.seen.keys()) if (!present.has(k)) this.seen.delete(k);
  }

  forget(name: string): void {
    this.seen.delete(name);
  }
}

/** Glob (`*`, `?`) to an anchored, case-insensitive RegExp, for file name patterns in config. */
export function globToRegExp(glob: string): RegExp {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  // 's': `*` matches every character, a newline in a name included (such files were never taken).
  return new RegExp(`^${re}$`, 'is');
}
