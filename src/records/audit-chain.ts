import { sha256Hex } from '../core/ids.js';
import { canonicalJson } from './canonical-json.js';

/** `prev` of the first entry of a chain. */
export const GENESIS = '0'.repeat(64);

/** What happened, as the producer recorded it (see audit-trail.ts). */
export type AuditBody = Readonly<Record<string, unknown>>;

/**
 * One line of the audit log. `hash` is SHA-256 over the canonical JSON of every other field,
 * `prev` included, so changing any byte of an entry, or removing or reordering entries, breaks
 * the chain at that entry.
 */
export interface AuditEntry {
  readonly seq: number;
  /** ISO time the event was recorded (from its Redis stream id). */
  readonly at: string;
  /** The Redis stream id it came from: where a writer that takes over continues. */
  readonly sid: string;
  readonly prev: string;
  readonly body: AuditBody;
  readonly hash: string;
}

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
  readonly sid: string;
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS, sid: '0-0' };

function hashOf(e: Omit<AuditEntry, 'hash'>): string {
  return sha256Hex(canonicalJson({ seq: e.seq, at: e.at, sid: e.sid, prev: e.prev, body: e.body }));
}

/**
 * The next entry after `head`. A pure function of its inputs: two writers that continue the same
 * head with the same stream entries write identical lines.
 */
export function chainNext(head: ChainHead, sid: string, body: AuditBody): AuditEntry {
  const base = {
    seq: head.seq + 1,
    at: new Date(Number(sid.split('-')[0])).toISOString(),
    sid,
    prev: head.hash,
    body,
  };
  return { ...base, hash: hashOf(base) };
}

/** The line as written: canonical JSON, so verification can demand the exact bytes back. */
export function entryLine(e: AuditEntry): string {
  return canonicalJson(e);
}

/** Why a line is not a valid entry, or undefined when its content matches its hash. */
export function lineProblem(line: string): string | undefined {
  let e: AuditEntry;
  try {
    e = JSON.parse(line) as AuditEntry;
  } catch {
    return 'not valid JSON / 不是有效的 JSON';
  }
  if (
    typeof e !== 'object' ||
    e === null ||
    typeof e.seq !== 'number' ||
    typeof e.hash !== 'string' ||
    typeof e.prev !== 'string' ||
    typeof e.sid !== 'string' ||
    typeof e.at !== 'string' ||
    typeof e.body !== 'object'
  ) {
    return 'missing fields / 字段缺失';
  }
  if (canonicalJson(e) !== line) return 'bytes differ from the canonical form / 内容格式被改动';
  if (hashOf(e) !== e.hash) return 'hash does not match the content / 哈希与内容不符';
  return undefined;
}

export function headOf(e: AuditEntry): ChainHead {
  return { seq: e.seq, hash: e.hash, sid: e.sid };
}
