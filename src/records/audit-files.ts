import { appendFile, mkdir, open, readdir, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEntry } from './audit-chain.js';

/** Daily audit files: `<dir>/YYYY-MM-DD.<node>.jsonl` (UTC day of the event). */
export const AUDIT_FILE = /^(\d{4}-\d{2}-\d{2})\.([A-Za-z0-9_.-]+)\.jsonl$/;

export function auditFileName(day: string, node: string): string {
  return `${day}.${node}.jsonl`;
}

export async function auditFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => AUDIT_FILE.test(n)).sort();
}

/**
 * The last complete entry of a file, after cutting off a torn last line (a crash in the middle
 * of an append: that entry is still in the Redis stream and is written again).
 */
export async function lastEntry(path: string): Promise<AuditEntry | undefined> {
  const size = (await stat(path).catch(() => undefined))?.size ?? 0;
  if (!size) return undefined;
  const fh = await open(path, 'r');
  let tail: string;
  let start: number;
  try {
    // Entries are a few hundred bytes; 1 MiB back is always past the previous line end.
    start = Math.max(0, size - 1024 * 1024);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    tail = buf.toString('utf8');
  } finally {
    await fh.close();
  }
  const end = tail.lastIndexOf('\n');
  if (end < tail.length - 1)
    await truncate(path, start + Buffer.byteLength(tail.slice(0, end + 1)));
  const lines = tail
    .slice(0, end + 1)
    .split('\n')
    .filter(Boolean);
  const last = lines.at(-1);
  return last ? (JSON.parse(last) as AuditEntry) : undefined;
}

/** Appends lines and fsyncs before returning: a line counts as written only once it is on disk. */
export async function appendLines(
  dir: string,
  name: string,
  lines: readonly string[],
): Promise<void> {
  if (!lines.length) return;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, name);
  const isNew = !(await stat(path).catch(() => undefined));
  await appendFile(path, lines.join('\n') + '\n', { mode: 0o600 });
  await fsyncPath(path);
  if (isNew) await fsyncPath(dir); // the new file's name must survive a power cut too
}

export async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
