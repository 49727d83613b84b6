import type { Redis } from 'ioredis';
import {
  GATEWAY_STATUSES,
  isTerminal,
  nextStatus,
  type GatewayStatus,
} from '../receipts/status.js';
import { auditStreamKey } from '../records/audit-trail.js';
import { ledgerIndexSetKey } from './ledger-index.js';
import { parseMessageRecord, type MessageRecord } from './message-record.js';
import type { LedgerEvent, LedgerPort } from './ledger-port.js';
import { evalLua } from './lua.js';

export type { MessageRecord } from './message-record.js';
export { BUSINESS_KEY_INDEX, ENTRY_ID_INDEX, type LedgerEvent } from './ledger-port.js';

type Field = Exclude<keyof MessageRecord, 'id' | 'createdAt' | 'status'>;

// Creates the record only if absent; indexes it by time and by source name in the same step.
const CREATE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
if ARGV[3] == '1' then redis.call('SET', KEYS[3], ARGV[2]) end
return 1`;

// Gives a receipt (by content hash) a stable sequence number within its message, once.
const RECEIPT_SEQ_LUA = `
local seq = redis.call('HGET', KEYS[1], ARGV[1])
if seq then return {tonumber(seq), 0} end
seq = redis.call('HINCRBY', KEYS[2], 'receiptSeq', 1)
redis.call('HSET', KEYS[1], ARGV[1], seq)
return {seq, 1}`;

// Sets the status only if it is still the one the caller read, and logs the event with it.
const ADVANCE_LUA = `
if redis.call('HGET', KEYS[1], 'status') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'updatedAt', ARGV[3])
redis.call('RPUSH', KEYS[2], ARGV[4])
redis.call('XADD', KEYS[3], '*', 'm', ARGV[5], 'e', ARGV[4])
return 1`;

// Marks a send as under way unless an operator cancelled the message: the deliver stage and
// a cancel decide on the same hash, atomically. Customs' own verdicts (closed, 退单...) do not
// stop a send: after a crash, the re-run send is what brings back a lost import response, and
// the customs side recognises the resend by its idempotency key.
const BEGIN_SEND_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[1], 'cancelledByOperator') == '1' then return 0 end
redis.call('HSET', KEYS[1], 'sending', '1')
return 1`;

// Cancels a message that has not gone out and is not going out right now.
const CANCEL_LUA = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'missing' end
if redis.call('HEXISTS', KEYS[1], 'deliveredAt') == 1 then return 'sent' end
if redis.call('HGET', KEYS[1], 'sending') == '1' then return 'sending' end
for i = 4, #ARGV do if ARGV[i] == status then return 'ended' end end
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'cancelledByOperator', '1', 'updatedAt', ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('XADD', KEYS[3], '*', 'm', ARGV[3], 'e', ARGV[2])
return 'cancelled'`;

// Records once that a client collected a receipt, with a timeline event.
const COLLECTED_LUA = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[3])
return 1`;

const TERMINAL_STATUSES = GATEWAY_STATUSES.filter(isTerminal);

/**
 * The ledger: one Redis hash per message plus indexes (time, source name, business key, SeqNo).
 * It answers status queries and drives idempotency: every stage checks it before acting.
 */
export class Ledger implements LedgerPort {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private k(...parts: string[]): string {
    return [this.prefix, 'ledger', ...parts].join(':');
  }

  /** Creates the record; returns false (and changes nothing) when the message already exists. */
  async create(rec: Omit<MessageRecord, 'status' | 'updatedAt'>): Promise<boolean> {
    const fields: Record<string, string> = {
      id: rec.id,
      channel: rec.channel,
      sourceName: rec.sourceName,
      docRef: rec.docRef,
      status: 'received',
      createdAt: String(rec.createdAt),
      updatedAt: String(rec.createdAt),
      ...(rec.partOf ? { partOf: rec.partOf, part: String(rec.part) } : {}),
    };
    const res = await evalLua(
      this.redis,
      CREATE_LUA,
      3,
      this.k('msg', rec.id),
      this.k('by-time'),
      this.k('by-source', rec.channel, rec.sourceName),
      String(rec.createdAt),
      rec.id,
      // A part of a split document is found through its document, which keeps the source index.
      rec.partOf ? '0' : '1',
      ...Object.entries(fields).flat(),
    );
    if (res === 1)
      await this.event(rec.id, {
        at: rec.createdAt,
        stage: 'intake',
        text: `received ${rec.sourceName}`,
        status: 'received',
        refs: { original: rec.docRef },
      });
    return res === 1;
  }

  async get(id: string): Promise<MessageRecord | undefined> {
    const h = await this.redis.hgetall(this.k('msg', id));
    // A hash without id is no record: only create() writes the id.
    if (!h.id) return undefined;
    return parseMessageRecord(id, h);
  }

  async set(id: string, fields: Partial<Pick<MessageRecord, Field>>): Promise<void> {
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    if (!entries.length) return;
    await this.redis.hset(
      this.k('msg', id),
      ...entries.flat().map(String),
      'updatedAt',
      String(Date.now()),
    );
  }

  /** Sets one field unless it is already set; returns the value the record holds afterwards. */
  async setOnce(id: string, field: 'receiptStem', value: string): Promise<string> {
    const key = this.k('msg', id);
    await this.redis.hsetnx(key, field, value);
    return (await this.redis.hget(key, field)) ?? value;
  }

  /**
   * Moves the status forward by the status machine; late or repeated events never move it back.
   * Compare-and-set in Redis (the connection is shared, so WATCH would not isolate callers):
   * read, compute in JS, write only if the status is still what was read; else read again.
   */
  async advance(
    id: string,
    incoming: GatewayStatus,
    event: Omit<LedgerEvent, 'at' | 'status'>,
  ): Promise<GatewayStatus> {
    const key = this.k('msg', id);
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = (await this.redis.hget(key, 'status')) as GatewayStatus | null;
      if (!current) throw new Error(`no ledger record ${id}`);
      const next = nextStatus(current, incoming);
      const at = Date.now();
      const ev = JSON.stringify({ ...event, at, status: incoming } satisfies LedgerEvent);
      const ok = await evalLua(
        this.redis,
        ADVANCE_LUA,
        3,
        key,
        this.k('events', id),
        auditStreamKey(this.prefix),
        current,
        next,
        String(at),
        ev,
        id,
      );
      if (ok === 1) return next;
    }
    throw new Error(`ledger record ${id} kept changing`);
  }

  /**
   * An operator's decision to try a dead message again: the one way out of a terminal status.
   * Returns the new generation, which gives the new delivery its own job id.
   */
  async reopen(id: string, to: GatewayStatus, text: string): Promise<number> {
    const key = this.k('msg', id);
    const at = Date.now();
    const ev = JSON.stringify({ at, stage: 'operator', text, status: to } satisfies LedgerEvent);
    const [[, gen]] = (await this.redis
      .multi()
      .hincrby(key, 'generation', 1)
      .hset(key, 'status', to, 'updatedAt', String(at))
      .hdel(key, 'errorCode')
      .rpush(this.k('events', id), ev)
      .xadd(auditStreamKey(this.prefix), '*', 'm', id, 'e', ev)
      .exec()) as [[null, number], ...unknown[]];
    return gen;
  }

  /** The deliver stage's claim on a send; false when an operator cancelled the message. */
  async beginSend(id: string): Promise<boolean> {
    return (await evalLua(this.redis, BEGIN_SEND_LUA, 1, this.k('msg', id))) === 1;
  }

  /** Ends the claim after a failed attempt, so an operator may cancel between retries. */
  async endSend(id: string): Promise<void> {
    await this.redis.hdel(this.k('msg', id), 'sending');
  }

  /**
   * An operator's cancel of a message that has not reached customs. Returns 'cancelled', or why
   * not: 'sent' (ask customs to delete it: 删单), 'sending' (a send is under way), 'ended', 'missing'.
   */
  async cancel(
    id: string,
    text: string,
  ): Promise<'cancelled' | 'sent' | 'sending' | 'ended' | 'missing'> {
    const at = Date.now();
    const ev = JSON.stringify({
      at,
      stage: 'operator',
      text,
      status: 'cancelled',
    } satisfies LedgerEvent);
    return (await evalLua(
      this.redis,
      CANCEL_LUA,
      3,
      this.k('msg', id),
      this.k('events', id),
      auditStreamKey(this.prefix),
      String(at),
      ev,
      id,
      ...TERMINAL_STATUSES,
    )) as never;
  }

  /** Adds an event to the message's timeline and, in the same step, to the audit log. */
  async event(id: string, ev: LedgerEvent): Promise<void> {
    const json = JSON.stringify(ev);
    await this.redis
      .multi()
      .rpush(this.k('events', id), json)
      .xadd(auditStreamKey(this.prefix), '*', 'm', id, 'e', json)
      .exec();
  }

  async events(id: string): Promise<LedgerEvent[]> {
    return (await this.redis.lrange(this.k('events', id), 0, -1)).map(
      (s) => JSON.parse(s) as LedgerEvent,
    );
  }

  /** Records that an API client collected one of the message's receipts; false when already recorded. */
  async markCollected(id: string, client: string, fileName: string, at: number): Promise<boolean> {
    const ev = JSON.stringify({
      at,
      stage: 'api',
      text: `receipt ${fileName} collected by ${client} / 回执已被 ${client} 取走`,
    } satisfies LedgerEvent);
    return (
      (await evalLua(
        this.redis,
        COLLECTED_LUA,
        2,
        this.k('collected', id),
        this.k('events', id),
        `${client}\t${fileName}`,
        String(at),
        ev,
      )) === 1
    );
  }

  /** Which clients collected which of the message's receipts, and when. */
  async collected(id: string): Promise<{ client: string; fileName: string; at: number }[]> {
    const h = await this.redis.hgetall(this.k('collected', id));
    return Object.entries(h)
      .map(([field, at]) => {
        const [client = '', fileName = ''] = field.split('\t');
        return { client, fileName, at: Number(at) };
      })
      .sort((a, b) => a.at - b.at || a.fileName.localeCompare(b.fileName));
  }

  /** Sequence number of a receipt within its message; `isNew` is false for a receipt seen before. */
  async receiptSeq(id: string, receiptHash: string): Promise<{ seq: number; isNew: boolean }> {
    const [seq, isNew] = (await evalLua(
      this.redis,
      RECEIPT_SEQ_LUA,
      2,
      this.k('receipts', id),
      this.k('msg', id),
      receiptHash,
    )) as [number, number];
    return { seq, isNew: isNew === 1 };
  }

  /** Binds a correlation key (ClientSeqNo, SeqNo, ...) to a message; returns the id already bound, if another. */
  async bindKey(kind: string, value: string, id: string): Promise<string | undefined> {
    const key = this.k('key', kind, value);
    // The message's index set lets retention remove the pointer later (ledger-index.ts).
    const [[, ok]] = (await this.redis
      .multi()
      .set(key, id, 'NX')
      .sadd(ledgerIndexSetKey(this.prefix, id), key)
      .exec()) as [[null, string | null], unknown];
    if (ok) return undefined;
    const existing = await this.redis.get(key);
    return existing === id ? undefined : (existing ?? undefined);
  }

  /** Points non-unique correlation keys at a message (the latest message wins), in one round trip. */
  async setKeys(kind: string, values: readonly string[], id: string): Promise<void> {
    for (let i = 0; i < values.length; i += 1000) {
      const p = this.redis.pipeline();
      const keys = values.slice(i, i + 1000).map((v) => this.k('key', kind, v));
      for (const key of keys) p.set(key, id);
      if (keys.length) p.sadd(ledgerIndexSetKey(this.prefix, id), ...keys);
      await p.exec();
    }
  }

  findByKey(kind: string, value: string): Promise<string | null> {
    return this.redis.get(this.k('key', kind, value));
  }

  findBySource(channel: string, sourceName: string): Promise<string | null> {
    return this.redis.get(this.k('by-source', channel, sourceName));
  }

  async recent(limit: number): Promise<string[]> {
    return this.redis.zrevrange(this.k('by-time'), 0, limit - 1);
  }

  /** How many messages the ledger holds. */
  async count(): Promise<number> {
    return this.redis.zcard(this.k('by-time'));
  }
}
