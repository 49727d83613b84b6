import type {
  CancelResult,
  LedgerEvent,
  LedgerField,
  LedgerPort,
  MessageRecord,
} from '../../src/queues/ledger-port.js';
import { parseMessageRecord } from '../../src/queues/message-record.js';
import { isTerminal, nextStatus, type GatewayStatus } from '../../src/receipts/status.js';

/**
 * The ledger in memory, for unit tests of the stages. It keeps each record as the Redis ledger
 * does, a hash of strings read back through the same schema, with the Lua scripts' rules written
 * out: create once, the status only forward, a cancel only before a send, one sequence number per
 * receipt. `test/contract/ledger.contract.ts` holds it to the Redis ledger's behaviour.
 */
export class MemoryLedger implements LedgerPort {
  private readonly hashes = new Map<string, Map<string, string>>();
  private readonly timelines = new Map<string, string[]>();
  private readonly receiptSeqs = new Map<string, Map<string, number>>();
  private readonly collections = new Map<string, Map<string, number>>();
  private readonly keys = new Map<string, string>();
  private readonly bySource = new Map<string, string>();
  private readonly byTime = new Map<string, number>();
  /** Every event in the order it was logged, as the audit stream holds them. */
  readonly audit: { messageId: string; event: LedgerEvent }[] = [];

  private hash(id: string): Map<string, string> {
    let h = this.hashes.get(id);
    if (!h) this.hashes.set(id, (h = new Map()));
    return h;
  }

  private push(id: string, ev: LedgerEvent, audit = true): void {
    // Stored as JSON, as in Redis: what comes back is what a JSON round trip keeps.
    const json = JSON.stringify(ev);
    this.timelines.set(id, [...(this.timelines.get(id) ?? []), json]);
    if (audit) this.audit.push({ messageId: id, event: JSON.parse(json) as LedgerEvent });
  }

  /**
   * A record's raw fields, or undefined when there is none: for the fakes of ports that, like
   * their Redis adapters, act on the ledger's own records (delivery control).
   */
  fieldsOf(id: string): Map<string, string> | undefined {
    return this.hashes.get(id);
  }

  /** A timeline entry that skips the audit stream, as the delivery-control scripts write them. */
  note(id: string, ev: LedgerEvent): void {
    this.push(id, ev, false);
  }

  async create(rec: Omit<MessageRecord, 'status' | 'updatedAt'>): Promise<boolean> {
    if (this.hashes.has(rec.id)) return false;
    const h = this.hash(rec.id);
    for (const [k, v] of Object.entries({
      id: rec.id,
      channel: rec.channel,
      sourceName: rec.sourceName,
      docRef: rec.docRef,
      status: 'received',
      createdAt: String(rec.createdAt),
      updatedAt: String(rec.createdAt),
      ...(rec.partOf ? { partOf: rec.partOf, part: String(rec.part) } : {}),
    }))
      h.set(k, v);
    this.byTime.set(rec.id, rec.createdAt);
    // A part of a split document is found through its document, which keeps the source index.
    if (!rec.partOf) this.bySource.set(`${rec.channel}\0${rec.sourceName}`, rec.id);
    this.push(rec.id, {
      at: rec.createdAt,
      stage: 'intake',
      text: `received ${rec.sourceName}`,
      status: 'received',
      refs: { original: rec.docRef },
    });
    return true;
  }

  async get(id: string): Promise<MessageRecord | undefined> {
    const h = this.hashes.get(id);
    if (!h?.get('id')) return undefined;
    return parseMessageRecord(id, Object.fromEntries(h));
  }

  async set(id: string, fields: Partial<Pick<MessageRecord, LedgerField>>): Promise<void> {
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    if (!entries.length) return;
    const h = this.hash(id);
    for (const [k, v] of entries) h.set(k, String(v));
    h.set('updatedAt', String(Date.now()));
  }

  async setOnce(id: string, field: 'receiptStem', value: string): Promise<string> {
    const h = this.hash(id);
    if (!h.has(field)) h.set(field, value);
    return h.get(field) ?? value;
  }

  async advance(
    id: string,
    incoming: GatewayStatus,
    event: Omit<LedgerEvent, 'at' | 'status'>,
  ): Promise<GatewayStatus> {
    const h = this.hashes.get(id);
    const current = h?.get('status') as GatewayStatus | undefined;
    if (!h || !current) throw new Error(`no ledger record ${id}`);
    const next = nextStatus(current, incoming);
    const at = Date.now();
    h.set('status', next);
    h.set('updatedAt', String(at));
    this.push(id, { ...event, at, status: incoming });
    return next;
  }

  async reopen(id: string, to: GatewayStatus, text: string): Promise<number> {
    const h = this.hash(id);
    const at = Date.now();
    const generation = Number(h.get('generation') ?? 0) + 1;
    h.set('generation', String(generation));
    h.set('status', to);
    h.set('updatedAt', String(at));
    h.delete('errorCode');
    this.push(id, { at, stage: 'operator', text, status: to });
    return generation;
  }

  async beginSend(id: string): Promise<boolean> {
    const h = this.hashes.get(id);
    if (!h || h.get('cancelledByOperator') === '1') return false;
    h.set('sending', '1');
    return true;
  }

  async endSend(id: string): Promise<void> {
    this.hashes.get(id)?.delete('sending');
  }

  async cancel(id: string, text: string): Promise<CancelResult> {
    const h = this.hashes.get(id);
    const status = h?.get('status') as GatewayStatus | undefined;
    if (!h || !status) return 'missing';
    if (h.has('deliveredAt')) return 'sent';
    if (h.get('sending') === '1') return 'sending';
    if (isTerminal(status)) return 'ended';
    const at = Date.now();
    h.set('status', 'cancelled');
    h.set('cancelledByOperator', '1');
    h.set('updatedAt', String(at));
    this.push(id, { at, stage: 'operator', text, status: 'cancelled' });
    return 'cancelled';
  }

  async event(id: string, ev: LedgerEvent): Promise<void> {
    this.push(id, ev);
  }

  async events(id: string): Promise<LedgerEvent[]> {
    return (this.timelines.get(id) ?? []).map((s) => JSON.parse(s) as LedgerEvent);
  }

  async markCollected(id: string, client: string, fileName: string, at: number): Promise<boolean> {
    let c = this.collections.get(id);
    if (!c) this.collections.set(id, (c = new Map()));
    const field = `${client}\t${fileName}`;
    if (c.has(field)) return false;
    c.set(field, at);
    // Like the Redis script: on the timeline, not in the audit stream.
    this.push(
      id,
      {
        at,
        stage: 'api',
        text: `receipt ${fileName} collected by ${client} / 回执已被 ${client} 取走`,
      },
      false,
    );
    return true;
  }

  async collected(id: string): Promise<{ client: string; fileName: string; at: number }[]> {
    return [...(this.collections.get(id) ?? [])]
      .map(([field, at]) => {
        const [client = '', fileName = ''] = field.split('\t');
        return { client, fileName, at };
      })
      .sort((a, b) => a.at - b.at || a.fileName.localeCompare(b.fileName));
  }

  async receiptSeq(id: string, receiptHash: string): Promise<{ seq: number; isNew: boolean }> {
    let seqs = this.receiptSeqs.get(id);
    if (!seqs) this.receiptSeqs.set(id, (seqs = new Map()));
    const known = seqs.get(receiptHash);
    if (known !== undefined) return { seq: known, isNew: false };
    const h = this.hash(id);
    const seq = Number(h.get('receiptSeq') ?? 0) + 1;
    h.set('receiptSeq', String(seq));
    seqs.set(receiptHash, seq);
    return { seq, isNew: true };
  }

  async bindKey(kind: string, value: string, id: string): Promise<string | undefined> {
    const key = `${kind}\0${value}`;
    const existing = this.keys.get(key);
    if (existing === undefined) {
      this.keys.set(key, id);
      return undefined;
    }
    return existing === id ? undefined : existing;
  }

  async setKeys(kind: string, values: readonly string[], id: string): Promise<void> {
    for (const v of values) this.keys.set(`${kind}\0${v}`, id);
  }

  async findByKey(kind: string, value: string): Promise<string | null> {
    return this.keys.get(`${kind}\0${value}`) ?? null;
  }

  async findBySource(channel: string, sourceName: string): Promise<string | null> {
    return this.bySource.get(`${channel}\0${sourceName}`) ?? null;
  }

  async recent(limit: number): Promise<string[]> {
    // A sorted set's reverse order: by score, then by member, both descending.
    return [...this.byTime]
      .sort(([a, sa], [b, sb]) => sb - sa || (a < b ? 1 : a > b ? -1 : 0))
      .slice(0, Math.max(0, limit))
      .map(([id]) => id);
  }

  async count(): Promise<number> {
    return this.byTime.size;
  }
}
