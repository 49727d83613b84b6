import type { SpoolRef } from '../core/spool.js';
import type { GatewayStatus } from '../receipts/status.js';
import type { MessageRecord } from './message-record.js';

export type { MessageRecord } from './message-record.js';

export interface LedgerEvent {
  readonly at: number;
  readonly stage: string;
  readonly text: string;
  readonly status?: GatewayStatus;
  /** A gateway code (GatewayCode: GW_ERR_…, GW_DUPLICATE…) or a customs receipt's own status code. */
  readonly code?: string;
  /** Content hashes of what the event is about, for the audit log and the archive. */
  readonly refs?: Partial<
    Record<'original' | 'message' | 'signed' | 'delivered' | 'receipt', SpoolRef>
  >;
}

/**
 * Index of business keys (ClientSeqNo for 报关单, orderNo/copNo for CEB, MessageID for 舱单). One
 * index for all channels: receipts do not say which channel they answer, so a key must be unique
 * across the gateway (as ClientSeqNo is across an enterprise) for a receipt to find its message.
 */
export const BUSINESS_KEY_INDEX = 'business-key';

/** Index of 报关单号 (the entry number customs gives a declaration), set from its receipts. */
export const ENTRY_ID_INDEX = 'entryId';

/** The record fields a stage may set (not the id, creation time or status: those have their own moves). */
export type LedgerField = Exclude<keyof MessageRecord, 'id' | 'createdAt' | 'status'>;

/** An operator's cancel: done, or why not. */
export type CancelResult = 'cancelled' | 'sent' | 'sending' | 'ended' | 'missing';

/**
 * The ledger port: one record per message, its timeline, and the correlation indexes. It answers
 * status queries and drives idempotency: every stage checks it before acting. Redis in production
 * (`ledger.ts`); an in-memory fake for unit tests. Both run `test/contract/ledger.contract.ts`.
 */
export interface LedgerPort {
  /** Creates the record (status 'received'); false, changing nothing, when the message exists. */
  create(rec: Omit<MessageRecord, 'status' | 'updatedAt'>): Promise<boolean>;
  /** The record; undefined when there is none. GW_ERR_LEDGER_RECORD when it is damaged. */
  get(id: string): Promise<MessageRecord | undefined>;
  /** Sets fields (undefined ones are skipped) and updatedAt. */
  set(id: string, fields: Partial<Pick<MessageRecord, LedgerField>>): Promise<void>;
  /** Sets one field unless it is already set; returns the value the record holds afterwards. */
  setOnce(id: string, field: 'receiptStem', value: string): Promise<string>;
  /**
   * Moves the status forward by the status machine (late or repeated events never move it back)
   * and logs the event with the incoming status; returns the status the record holds now.
   * Throws when there is no record.
   */
  advance(
    id: string,
    incoming: GatewayStatus,
    event: Omit<LedgerEvent, 'at' | 'status'>,
  ): Promise<GatewayStatus>;
  /** An operator's way out of a terminal status: sets `to`, clears errorCode; returns the new generation. */
  reopen(id: string, to: GatewayStatus, text: string): Promise<number>;
  /** The deliver stage's claim on a send; false when there is no record or an operator cancelled it. */
  beginSend(id: string): Promise<boolean>;
  /** Ends the claim after a failed attempt, so an operator may cancel between retries. */
  endSend(id: string): Promise<void>;
  /** Cancels a message that has not reached customs and is not being sent; else says why not. */
  cancel(id: string, text: string): Promise<CancelResult>;
  /** Adds an event to the message's timeline (and the audit log). */
  event(id: string, ev: LedgerEvent): Promise<void>;
  /** The timeline, oldest first. */
  events(id: string): Promise<LedgerEvent[]>;
  /** Records that an API client collected one of the message's receipts; false when already recorded. */
  markCollected(id: string, client: string, fileName: string, at: number): Promise<boolean>;
  /** Which clients collected which of the message's receipts, and when; oldest first. */
  collected(id: string): Promise<{ client: string; fileName: string; at: number }[]>;
  /** Sequence number (1, 2…) of a receipt within its message; `isNew` false for one seen before. */
  receiptSeq(id: string, receiptHash: string): Promise<{ seq: number; isNew: boolean }>;
  /** Binds a correlation key to a message; returns the id already bound, if another. */
  bindKey(kind: string, value: string, id: string): Promise<string | undefined>;
  /** Points non-unique correlation keys at a message (the latest message wins). */
  setKeys(kind: string, values: readonly string[], id: string): Promise<void>;
  findByKey(kind: string, value: string): Promise<string | null>;
  /** The message a dropped file became (not for the parts of a split document). */
  findBySource(channel: string, sourceName: string): Promise<string | null>;
  /** Ids of the newest messages by creation time, newest first. */
  recent(limit: number): Promise<string[]>;
  /** How many messages the ledger holds. */
  count(): Promise<number>;
}
