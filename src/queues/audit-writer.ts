import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import type { Spool, SpoolRef } from '../core/spool.js';
import type { LedgerEvent, LedgerPort, MessageRecord } from './ledger-port.js';
import { NODE_ID, RedisLease } from './lease.js';
import {
  chainNext,
  EMPTY_HEAD,
  entryLine,
  headOf,
  type AuditBody,
  type AuditEntry,
  type ChainHead,
} from '../records/audit-chain.js';
import {
  appendLines,
  AUDIT_FILE,
  auditFileName,
  auditFiles,
  lastEntry,
} from '../records/audit-files.js';
import { auditStreamKey } from '../records/audit-trail.js';
import { ArchiveStore, type ArchiveRecord } from '../records/archive-store.js';

export interface AuditWriterOptions {
  readonly redis: Redis;
  readonly prefix: string;
  readonly dataDir: string;
  readonly spool: Spool;
  readonly ledger: LedgerPort;
  readonly log: Logger;
  /** Keep originals, signed messages and receipts in the daily archives. */
  readonly archive: boolean;
  readonly archiveRetentionMs: number;
  readonly pollMs?: number;
  /** Names this node's files; the host name by default. */
  readonly node?: string;
}

const BATCH = 500;
const LEASE_MS = 30_000;
/**
 * What is archived, from the event that brings it into being: the original at intake, the signed
 * message (and its envelope, when it has one) at signing, each receipt as written to the outbox.
 * Other events name the same content (every send attempt, the receipt stage) only by hash.
 */
const ARCHIVED_AT = {
  original: 'intake',
  signed: 'sign',
  delivered: 'sign',
  receipt: 'writeback',
} as const;
const ARCHIVED_KINDS = Object.keys(ARCHIVED_AT) as (keyof typeof ARCHIVED_AT)[];

const day = (iso: string): string => iso.slice(0, 10);

/**
 * Turns the audit stream (Redis orders it; producers add to it atomically with the ledger) into
 * the hash-chained daily files under `<dataDir>/audit`, and archives the documents the events
 * name under `<dataDir>/archive`.
 *
 * One writer at a time across all nodes (a Redis lease), so there is one chain. Each batch is
 * archived, then appended and fsynced, then the chain head is stored in Redis and the stream
 * trimmed: a crash anywhere repeats the batch at worst, and since an entry is a pure function of
 * the previous hash and the stream entry, a repeat writes the same lines (the writer skips lines
 * its file already has). A writer that takes over on another node continues from the head in
 * Redis in its own files; `eport audit verify` orders all files by sequence number.
 */
export class AuditWriter {
  private readonly lease: RedisLease;
  private readonly store: ArchiveStore;
  private readonly auditDir: string;
  private readonly node: string;
  private readonly run = Date.now().toString(36);
  private head: ChainHead | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  private lastPrune = 0;
  /** Last sequence number in each of this node's files, once read. */
  private readonly fileSeq = new Map<string, number>();

  constructor(private readonly o: AuditWriterOptions) {
    this.store = new ArchiveStore(join(o.dataDir, 'archive'));
    this.auditDir = join(o.dataDir, 'audit');
    this.node = (o.node ?? hostname()).replace(/[^A-Za-z0-9_-]/g, '_') || 'node';
    this.lease = new RedisLease(
      o.redis,
      `${o.prefix}:lease:audit-writer`,
      LEASE_MS,
      `${NODE_ID}:${this.node}:${this.run}`,
    );
  }

  start(): void {
    const tick = (): void => {
      if (this.closed) return;
      this.running = this.drain()
        .then(
          () => undefined,
          (err: unknown) =>
            this.o.log.error(
              { err: (err as Error).message },
              'audit log writer failed, retrying / 审计日志写入失败，稍后重试',
            ),
        )
        .finally(() => {
          this.running = undefined;
          if (!this.closed) this.timer = setTimeout(tick, this.o.pollMs ?? 500).unref();
        });
    };
    tick();
  }

  /** Stops polling, writes what the stream holds now (the workers have drained), gives up the lease. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.drain().catch((err: unknown) =>
      this.o.log.warn(
        { err: (err as Error).message },
        'audit log: last batch left for the next start / 审计日志：剩余记录下次启动时写入',
      ),
    );
    await this.lease.release().catch(() => {});
  }

  /** Writes everything the stream holds now, if this node holds the writer lease; returns how many entries. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      if (!(await this.lease.holds())) {
        this.head = undefined; // another node writes; read its head when we take over
        this.fileSeq.clear();
        return total;
      }
      this.head ??= await this.loadHead();
      await this.pruneDaily();
      const n = await this.writeBatch(this.head);
      total += n;
      if (n < BATCH) return total;
    }
  }

  private headKey(): string {
    return `${this.o.prefix}:audit:head`;
  }

  /** The later of this node's last file entry and the head in Redis (another node may have written since). */
  private async loadHead(): Promise<ChainHead> {
    const own = (await auditFiles(this.auditDir)).filter(
      (n) => AUDIT_FILE.exec(n)?.[2] === this.node,
    );
    const newest = own.at(-1);
    const fromFile = newest ? await lastEntry(join(this.auditDir, newest)) : undefined;
    const stored = await this.o.redis.get(this.headKey());
    const fromRedis = stored ? (JSON.parse(stored) as ChainHead) : undefined;
    const candidates = [fromFile ? headOf(fromFile) : undefined, fromRedis].filter(
      (h): h is ChainHead => Boolean(h),
    );
    return candidates.sort((a, b) => b.seq - a.seq)[0] ?? EMPTY_HEAD;
  }

  private async writeBatch(head: ChainHead): Promise<number> {
    const stream = auditStreamKey(this.o.prefix);
    const rows = await this.o.redis.xrange(
      stream,
      head.sid === '0-0' ? '-' : `(${head.sid}`,
      '+',
      'COUNT',
      BATCH,
    );
    if (!rows.length) return 0;
    const entries: AuditEntry[] = [];
    let h = head;
    for (const [sid, fields] of rows) {
      const e = chainNext(h, sid, bodyOf(fields));
      entries.push(e);
      h = headOf(e);
    }
    if (this.o.archive) await this.archive(entries);
    const byDay = new Map<string, AuditEntry[]>();
    for (const e of entries) byDay.set(day(e.at), [...(byDay.get(day(e.at)) ?? []), e]);
    for (const [d, list] of byDay) {
      const name = auditFileName(d, this.node);
      const have = this.fileSeq.get(name) ?? (await lastEntry(join(this.auditDir, name)))?.seq ?? 0;
      await appendLines(this.auditDir, name, list.filter((e) => e.seq > have).map(entryLine));
      this.fileSeq.set(name, Math.max(have, list.at(-1)!.seq));
    }
    await this.o.redis.set(this.headKey(), JSON.stringify(h));
    await this.o.redis.xtrim(stream, 'MINID', h.sid);
    this.head = h;
    return rows.length;
  }

  /** The documents named by the batch's events, into the archive of each event's day. */
  private async archive(entries: readonly AuditEntry[]): Promise<void> {
    const records = new Map<string, MessageRecord | undefined>();
    const byDay = new Map<string, ArchiveRecord[]>();
    const seen = new Set<string>();
    for (const e of entries) {
      const { messageId, refs, text, stage } = e.body as {
        messageId?: string;
        refs?: LedgerEvent['refs'];
        text?: string;
        stage?: string;
      };
      if (!messageId || !refs) continue;
      if (!records.has(messageId)) records.set(messageId, await this.o.ledger.get(messageId));
      const rec = records.get(messageId);
      for (const kind of ARCHIVED_KINDS) {
        const ref = refs[kind] as SpoolRef | undefined;
        if (
          !ref ||
          stage !== ARCHIVED_AT[kind] ||
          (kind === 'delivered' && ref === refs.signed) ||
          seen.has(`${messageId}:${ref}`)
        )
          continue;
        seen.add(`${messageId}:${ref}`);
        const bytes = await this.o.spool.get(ref).catch(() => undefined);
        if (!bytes) {
          this.o.log.warn(
            { messageId, ref },
            "archive: content not in this node's spool / 归档：本节点缓存中没有该内容",
          );
          continue;
        }
        const written = kind === 'receipt' ? /^wrote (.+)$/.exec(text ?? '')?.[1] : undefined;
        const r: ArchiveRecord = {
          at: e.at,
          messageId,
          ...(rec?.partOf ? { partOf: rec.partOf } : {}),
          channel: rec?.channel ?? '',
          sourceName: rec?.sourceName ?? '',
          kind,
          name: written ?? rec?.sourceName ?? messageId,
          sha256: ref.slice('sha256:'.length),
          keys: [rec?.businessKey, rec?.seqNo, rec?.entryId, rec?.sourceName].filter(
            (k): k is string => Boolean(k),
          ),
          data: bytes.toString('base64'),
        };
        byDay.set(day(e.at), [...(byDay.get(day(e.at)) ?? []), r]);
      }
    }
    for (const [d, list] of byDay) await this.store.append(d, `${this.node}-${this.run}`, list);
  }

  /** Deletes archives past their retention, at most once an hour. */
  private async pruneDaily(): Promise<void> {
    if (Date.now() - this.lastPrune < 3_600_000) return;
    this.lastPrune = Date.now();
    const removed = await this.store.prune(
      new Date(Date.now() - this.o.archiveRetentionMs).toISOString().slice(0, 10),
    );
    if (removed.length)
      this.o.log.info({ removed }, 'archives past retention deleted / 已删除超过保存期限的归档');
  }
}

/** The audit body of a stream entry: a message event (`m`, `e`) or an operator action (`o`). */
function bodyOf(fields: readonly string[]): AuditBody {
  const f: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  if (f.o) return { type: 'operator', ...(JSON.parse(f.o) as object) };
  return { type: 'message', messageId: f.m, ...(JSON.parse(f.e ?? '{}') as object) };
}
