import { z } from 'zod';
import { GatewayError } from '../core/errors.js';
import type { SpoolRef } from '../core/spool.js';
import { isGatewayStatus, type GatewayStatus } from '../receipts/status.js';

/** One message's record: what arrived, where it is, what happened to it. */
export interface MessageRecord {
  readonly id: string;
  readonly channel: string;
  /** The file name as it arrived. */
  readonly sourceName: string;
  readonly docRef: SpoolRef;
  readonly status: GatewayStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly messageRef?: SpoolRef;
  readonly signedRef?: SpoolRef;
  readonly deliverRef?: SpoolRef;
  readonly businessKey?: string;
  /** The standard message's root (DecMessage, CEB311Message, MT2101...). */
  readonly messageType?: string;
  readonly seqNo?: string;
  readonly entryId?: string;
  /** 转关单统一编号 of a transit declaration (DecImportResponse TrnPreId). */
  readonly trnPreId?: string;
  /** Where the source file was archived (sent/ or failed/). */
  readonly archivedAs?: string;
  /** Stem of this message's receipt file names, chosen once (see receiptStemFor). */
  readonly receiptStem?: string;
  readonly errorCode?: string;
  /** Set by the deliver stage once the send is acknowledged and its response queued. */
  readonly deliveredAt?: number;
  /** How often an operator re-opened the message; part of the deliver job id. */
  readonly generation?: number;
  /** For one declaration of a document split into several (over 50 items): the document's id and the part number. */
  readonly partOf?: string;
  readonly part?: number;
  /** For a split document: its parts' message ids, comma-separated. */
  readonly parts?: string;
  /** An operator's hold: when and by whom; the message is not sent until released. */
  readonly heldAt?: number;
  readonly heldBy?: string;
  /** Operator replays of a delivered message: requested, and finished (sent or given up). */
  readonly replays?: number;
  readonly replaysDone?: number;
  /** The breaker outage (transport:since) this message last noted in its timeline while waiting. */
  readonly breakerWait?: string;
  /** For a 修撤单: the declaration it modifies or withdraws, and which of the two. */
  readonly amendOf?: string;
  readonly amendType?: 'modify' | 'withdraw';
  /** For a declaration: its 修撤状态 (see amend-tracking.ts), set once a 修撤单 names it. */
  readonly amendStatus?:
    'modify-pending' | 'withdraw-pending' | 'modified' | 'withdrawn' | 'refused';
}

/**
 * A ledger hash read back from Redis, checked field by field: what it must have (id, channel,
 * source, document, a known status, times) and the types of what it may have. Fields the record
 * does not declare (`sending`, `cancelledByOperator`: the Lua scripts' own flags) are dropped.
 */
const wholeNumber = z.string().regex(/^\d+$/, 'not a whole number').transform(Number);
const spoolRef = z.custom<SpoolRef>(
  (v) => typeof v === 'string' && v.startsWith('sha256:'),
  'not a spool reference',
);
const text = z.string().optional();

const MessageRecordSchema = z.object({
  id: z.string().min(1),
  channel: z.string().min(1),
  sourceName: z.string(),
  docRef: spoolRef,
  status: z.custom<GatewayStatus>(isGatewayStatus, 'not a gateway status'),
  createdAt: wholeNumber,
  updatedAt: wholeNumber,
  messageRef: spoolRef.optional(),
  signedRef: spoolRef.optional(),
  deliverRef: spoolRef.optional(),
  businessKey: text,
  messageType: text,
  seqNo: text,
  entryId: text,
  trnPreId: text,
  archivedAs: text,
  receiptStem: text,
  errorCode: text,
  deliveredAt: wholeNumber.optional(),
  generation: wholeNumber.optional(),
  partOf: text,
  part: wholeNumber.optional(),
  parts: text,
  heldAt: wholeNumber.optional(),
  heldBy: text,
  replays: wholeNumber.optional(),
  replaysDone: wholeNumber.optional(),
  breakerWait: text,
  amendOf: text,
  amendType: z.enum(['modify', 'withdraw']).optional(),
  amendStatus: z
    .enum(['modify-pending', 'withdraw-pending', 'modified', 'withdrawn', 'refused'])
    .optional(),
});

// The schema and the interface must describe the same record; this line fails to compile otherwise.
type Parsed = z.infer<typeof MessageRecordSchema>;
const sameShape: [
  Parsed extends MessageRecord ? true : false,
  Required<MessageRecord> extends Required<Parsed> ? true : false,
] = [true, true];
void sameShape;

/** The record in a ledger hash; GW_ERR_LEDGER_RECORD when the hash is damaged or not one. */
export function parseMessageRecord(id: string, hash: Record<string, string>): MessageRecord {
  const parsed = MessageRecordSchema.safeParse(hash);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new GatewayError('GW_ERR_LEDGER_RECORD', {
    where: `ledger record ${id}`,
    zh: `账本记录无法读取：${problems}`,
    en: `the ledger record cannot be read: ${problems}`,
    fixZh: '用 eport status 查看该报文；记录可能被手工改动，或由更新版本的网关写入',
    fixEn:
      'look at the message with eport status; the record may have been edited by hand or written by a newer gateway version',
  });
}
