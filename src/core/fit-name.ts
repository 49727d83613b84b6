import { createHash } from 'node:crypto';

/** Longest file name most Linux file systems (ext4, xfs, btrfs) take, in bytes. */
export const MAX_NAME_BYTES = 255;
/** An extension longer than this is not kept when a name must be shortened. */
const MAX_KEPT_EXT_BYTES = 32;

/**
 * `${stem}${suffix}${ext}` when it fits in 255 bytes; else the stem cut short (on a character
 * boundary) and tagged with a hash of the whole name, so two long names stay apart:
 * `长长…长~1a2b3c4d.1.xml`. The suffix (`.1`, `.symlink-…`) and a sane extension are kept.
 */
export function fitName(stem: string, suffix: string, ext: string): string {
  const whole = `${stem}${suffix}${ext}`;
  if (Buffer.byteLength(whole) <= MAX_NAME_BYTES) return whole;
  const tag = `~${createHash('sha256').update(`${stem}${ext}`).digest('hex').slice(0, 8)}`;
  const keptExt = Buffer.byteLength(ext) <= MAX_KEPT_EXT_BYTES ? ext : '';
  const room = MAX_NAME_BYTES - Buffer.byteLength(`${tag}${suffix}${keptExt}`);
  let out = '';
  let used = 0;
  for (const ch of stem) {
    const size = Buffer.byteLength(ch);
    if (used + size > room) break;
    out += ch;
    used += size;
  }
  return `${out}${tag}${suffix}${keptExt}`;
}
