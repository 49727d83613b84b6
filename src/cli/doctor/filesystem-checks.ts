import { link, rename, stat, statfs, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayConfig } from '../../config/resolve.js';
import type { Finding } from './finding.js';

const probeName = (): string => `.eport-doctor-${process.pid}`;

/** Folders that exist (creating them is not a check's business; missing ones are reported elsewhere). */
async function existing(
  dirs: readonly string[],
): Promise<{ dir: string; dev: number; mode: number }[]> {
  const out: { dir: string; dev: number; mode: number }[] = [];
  for (const dir of dirs) {
    const s = await stat(dir).catch(() => undefined);
    if (s?.isDirectory()) out.push({ dir, dev: s.dev, mode: s.mode });
  }
  return out;
}

/**
 * A file leaves the inbox by a hard link into sent/ or failed/ and an unlink: atomic only when
 * the folders share a filesystem that allows hard links. Elsewhere the gateway falls back to a
 * copy, which a crash can leave in both places. Tried for real with a probe file.
 */
async function sameFilesystemMoves(
  channel: string,
  inbox: string,
  targets: readonly string[],
): Promise<Finding[]> {
  const dirs = await existing([inbox, ...targets]);
  if (dirs[0]?.dir !== inbox) return [];
  const out: Finding[] = [];
  for (const t of dirs.slice(1)) {
    const what = `${channel} inbox → ${t.dir.split('/').at(-1)}`;
    if (t.dev !== dirs[0].dev) {
      out.push({
        level: 'warn',
        what,
        detail: `${inbox} and ${t.dir} are on different filesystems: files are copied, not moved atomically / 不在同一文件系统，无法原子移动`,
        fix: "put the channel's inbox, sent and failed folders on one filesystem (one mount) / 将 inbox、sent、failed 放在同一文件系统",
      });
      continue;
    }
    const src = join(inbox, probeName());
    const dst = join(t.dir, probeName());
    try {
      await writeFile(src, 'eport doctor probe\n');
      await link(src, dst);
      out.push({ level: 'ok', what, detail: 'same filesystem, hard link works / 可原子移动' });
    } catch (err) {
      out.push({
        level: 'warn',
        what,
        detail: `hard link refused (${(err as NodeJS.ErrnoException).code}): files are copied, not moved atomically / 不支持硬链接`,
        fix: 'use a local filesystem (ext4, xfs) for the channel folders, or one that allows hard links / 使用支持硬链接的文件系统',
      });
    } finally {
      await unlink(dst).catch(() => {});
      await unlink(src).catch(() => {});
    }
  }
  return out;
}

/** Receipts are written as a temp file renamed into place: the folder must allow both. */
async function atomicWrites(what: string, dir: string): Promise<Finding | undefined> {
  if (!(await existing([dir])).length) return undefined;
  const tmp = join(dir, `${probeName()}.tmp`);
  try {
    await writeFile(tmp, 'probe\n');
    await rename(tmp, join(dir, probeName()));
    await unlink(join(dir, probeName()));
    return undefined;
  } catch (err) {
    await unlink(tmp).catch(() => {});
    return {
      level: 'fail',
      what,
      detail: `${dir}: cannot write and rename (${(err as NodeJS.ErrnoException).code}) / 无法写入并重命名`,
      fix: `chown -R eport:eport ${dir} && chmod 750 ${dir} (the user the gateway runs as) / 修正目录属主与权限`,
    };
  }
}

/** World-writable folders let anyone drop a declaration in or replace a receipt. */
function worldWritable(d: { dir: string; mode: number }): Finding | undefined {
  if (!(d.mode & 0o002)) return undefined;
  return {
    level: 'warn',
    what: 'folder permissions',
    detail: `${d.dir} is writable by every user / 所有用户可写`,
    fix: `chmod o-w ${d.dir} (give your ERP's user group access instead: chgrp erp ${d.dir}; chmod 2770 ${d.dir}) / 去掉其他用户写权限`,
  };
}

/** Key files must be readable by the gateway's user only. */
async function keyFileModes(config: GatewayConfig): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const s of config.signers) {
    if (s.type !== 'soft-key') continue;
    const st = await stat(s.key).catch(() => undefined);
    if (st && st.mode & 0o077) {
      out.push({
        level: 'warn',
        what: `signer ${s.name} key file`,
        detail: `${s.key} is readable by others (mode ${(st.mode & 0o777).toString(8)}) / 私钥文件权限过宽`,
        fix: `chmod 600 ${s.key} && chown eport ${s.key} / 仅允许网关用户读取`,
      });
    }
  }
  return out;
}

export async function checkFilesystems(config: GatewayConfig): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const ch of config.channels) {
    for (const it of ch.intake)
      if (it.type === 'folder')
        out.push(...(await sameFilesystemMoves(ch.name, it.path, [ch.sent, ch.failed])));
    const w = await atomicWrites(`${ch.name} outbox writes`, ch.outbox);
    if (w) out.push(w);
    const dirs = await existing([
      ...ch.intake.flatMap((i) => (i.type === 'folder' ? [i.path] : [])),
      ch.outbox,
      ch.sent,
      ch.failed,
    ]);
    for (const d of dirs) {
      const f = worldWritable(d);
      if (f) out.push(f);
    }
  }
  const spool = config.spoolDir;
  const w = await atomicWrites('spool writes', spool);
  if (w) out.push(w);
  const fs = await statfs(config.dataDir).catch(() => undefined);
  if (fs) {
    const freeGiB = (fs.bavail * fs.bsize) / 2 ** 30;
    out.push(
      freeGiB < 1
        ? {
            level: 'warn',
            what: 'dataDir free space',
            detail: `${freeGiB.toFixed(2)} GiB free on ${config.dataDir} / 磁盘空间不足`,
            fix: 'free space or move dataDir to a larger disk; archives older than records.archiveRetention are deleted daily / 清理磁盘或扩容',
          }
        : { level: 'ok', what: 'dataDir free space', detail: `${freeGiB.toFixed(1)} GiB free` },
    );
  }
  out.push(...(await keyFileModes(config)));
  return out;
}
