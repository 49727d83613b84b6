import { appendFile, mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { fsyncPath } from './audit-files.js';

/** One archived document: an original, a signed message or a receipt, with the keys to find it by. */
export interface ArchiveRecord {
  /** ISO time of the event that archived it. */
  readonly at: string;
  readonly messageId: string;
  /** For a part of a split document: the document's message id. */
  readonly partOf?: string;
  readonly channel: string;
  readonly sourceName: string;
  readonly kind: 'original' | 'signed' | 'delivered' | 'receipt';
  /** A file name for it: the source name, or the receipt's outbox name. */
  readonly name: string;
  readonly sha256: string;
  /** Business keys known when it was archived: ClientSeqNo, 统一编号 (SeqNo), 报关单号, file name. */
  readonly keys: readonly string[];
  /** The bytes, base64. */
  readonly data: string;
}

const FILE = /^(\d{4}-\d{2}-\d{2})\.[A-Za-z0-9_-]+\.jsonl\.gz$/;

/**
 * Compressed daily archives: `<dir>/YYYY-MM-DD.<run>.jsonl.gz`, one JSON line per document, each
 * batch appended as its own gzip member and fsynced. A writer never appends to a file another run
 * started, so a batch torn by a crash is only ever at the end of a file nobody writes again;
 * readers stop at the torn tail, and the writer archives that batch again in its new run.
 */
export class ArchiveStore {
  constructor(readonly dir: string) {}

  async append(day: string, run: string, records: readonly ArchiveRecord[]): Promise<void> {
    if (!records.length) return;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, `${day}.${run}.jsonl.gz`);
    await appendFile(path, gzipSync(records.map((r) => JSON.stringify(r)).join('\n') + '\n'), {
      mode: 0o600,
    });
    await fsyncPath(path);
  }

  /** Archive files, oldest day first. */
  async files(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => FILE.test(n)).sort();
  }

  /** Every complete record of one archive file; a torn tail is skipped. */
  async read(name: string): Promise<ArchiveRecord[]> {
    const text = gunzipSync(await readFile(join(this.dir, name)), {
      finishFlush: constants.Z_SYNC_FLUSH,
    }).toString('utf8');
    const out: ArchiveRecord[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line) as ArchiveRecord);
      } catch {
        // the torn end of a batch a crash interrupted; archived again by the next run
      }
    }
    return out;
  }

  /**
   * Every document of the messages a key names (ClientSeqNo, 统一编号, 报关单号, file name, message
   * id), with the whole history of each: a key seen on one record (a receipt carrying the 统一编号)
   * brings that message's original and signed message too. Duplicates (same message, same
   * bytes) appear once.
   */
  async find(key: string, since?: string): Promise<ArchiveRecord[]> {
    const all: ArchiveRecord[] = [];
    for (const name of await this.files())
      if (!since || name.slice(0, 10) >= since) all.push(...(await this.read(name)));
    const ids = new Set<string>();
    for (const r of all) {
      if (r.keys.includes(key) || r.messageId === key) {
        ids.add(r.messageId);
        if (r.partOf) ids.add(r.partOf);
      }
    }
    const seen = new Set<string>();
    return all.filter((r) => {
      const dup = `${r.messageId}:${r.kind}:${r.sha256}`;
      if (!(ids.has(r.messageId) || (r.partOf && ids.has(r.partOf))) || seen.has(dup)) return false;
      seen.add(dup);
      return true;
    });
  }

  /** Deletes archive files of days before `cutoffDay` (YYYY-MM-DD); returns their names. */
  async prune(cutoffDay: string): Promise<string[]> {
    const old = (await this.files()).filter((n) => n.slice(0, 10) < cutoffDay);
    for (const n of old) await unlink(join(this.dir, n));
    return old;
  }
}
