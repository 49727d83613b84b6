import { dateRange, inDateRange } from './date-filter.js';
import { readSlaAlerts, type SlaAlert } from './sla-alerts.js';
import { findRecord } from '../queues/message-lookup.js';
import type { BreakerSnapshot } from '../queues/circuit-breaker.js';
import type { PipelineDeps } from '../queues/deps.js';
import { readDeliveryState, type DeliveryState } from '../queues/delivery-state.js';
import type { LedgerEvent, MessageRecord } from '../queues/ledger-port.js';
import { ReceiptAcks } from '../queues/receipt-acks.js';
import type { FeedEntry } from '../queues/receipt-feed.js';
import { ORPHANS_FEED } from '../queues/workers/receipt-worker.js';
import { isTerminal, type GatewayStatus } from '../receipts/status.js';
import { certificateStatus, type CertificateStatus } from '../signing/certificate-watch.js';
import { isSupervised, type SignerState } from '../signing/signer.js';

/** How many of the most recent messages the lists (search without a key, problems) look through. */
export const SCAN_LIMIT = 2000;
/** Rows a list shows at most. */
export const LIST_LIMIT = 200;

export type ConsoleDeps = Pick<
  PipelineDeps,
  | 'config'
  | 'redis'
  | 'ledger'
  | 'queues'
  | 'receiptFeed'
  | 'channels'
  | 'spool'
  | 'signers'
  | 'receiptSla'
>;

/** A signer as the overview shows it: whether it can sign now, and its certificate's days left. */
export interface SignerRow {
  readonly name: string;
  readonly kind: string;
  readonly state: SignerState;
  readonly certificate?: CertificateStatus;
  /** Tries left for the card PIN, when the signer knows them (card and E-Port service signers). */
  readonly pinTriesLeft?: number;
  /** Why the certificate could not be read (a card out of its reader...). */
  readonly problem?: string;
}

/** How long the overview waits for a signer to say what its certificate is. */
const CERTIFICATE_WAIT_MS = 2000;

export interface ChannelRow {
  readonly name: string;
  readonly transport: string;
  readonly breaker?: BreakerSnapshot;
  readonly hold?: DeliveryState['heldChannels'][number];
  readonly lastReceipt?: FeedEntry;
  /** Receipts no API client has acknowledged; undefined when no token may collect receipts. */
  readonly unclaimed?: number;
}

export interface Overview {
  readonly queues: Record<string, Record<string, number>>;
  readonly channels: readonly ChannelRow[];
  readonly signers: readonly SignerRow[];
  /** Messages without their customs receipt past the channel's SLA, newest first. */
  readonly alerts: readonly SlaAlert[];
}

/** Each signer's state (card present, service reachable...) and certificate expiry. */
async function readSigners(deps: ConsoleDeps): Promise<SignerRow[]> {
  return Promise.all(
    [...deps.signers.values()].map(async (s): Promise<SignerRow> => {
      const tries = isSupervised(s) ? s.pinTriesLeft : undefined;
      const row = {
        name: s.name,
        kind: s.kind,
        state: isSupervised(s) ? s.state : ('ready' as const),
        ...(tries !== undefined ? { pinTriesLeft: tries } : {}),
      };
      if (s.kind === 'client') return row;
      let timer: NodeJS.Timeout | undefined;
      try {
        const wait = new Promise<never>(
          (_, reject) =>
            (timer = setTimeout(
              () => reject(new Error('no answer / 无响应')),
              CERTIFICATE_WAIT_MS,
            )),
        );
        return { ...row, certificate: await Promise.race([certificateStatus(s), wait]) };
      } catch (err) {
        return { ...row, problem: (err as Error).message.slice(0, 200) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

/** Whether any token may collect receipts through the API (else nobody is expected to). */
function hasPollers(deps: ConsoleDeps): boolean {
  return deps.config.http.tokens.some((t) => !t.scopes || t.scopes.includes('receipts'));
}

function acksOf(deps: ConsoleDeps): ReceiptAcks {
  return new ReceiptAcks(deps.redis, deps.config.redis.prefix, deps.receiptFeed, deps.ledger);
}

/** Queue depths per stage, and per channel: breaker, hold, last receipt, receipts nobody collected. */
export async function readOverview(deps: ConsoleDeps): Promise<Overview> {
  const [queues, delivery] = await Promise.all([
    deps.queues.counts(),
    readDeliveryState(deps.redis, deps.config),
  ]);
  const acks = acksOf(deps);
  const pollers = hasPollers(deps);
  const channels = await Promise.all(
    deps.config.channels.map(async (ch): Promise<ChannelRow> => {
      const last = await deps.receiptFeed.newest(ch.name);
      const breaker = delivery.breakers.find((b) => b.transport === ch.transport);
      const hold = delivery.heldChannels.find((h) => h.channel === ch.name);
      return {
        name: ch.name,
        transport: ch.transport,
        ...(breaker ? { breaker } : {}),
        ...(hold ? { hold } : {}),
        ...(last ? { lastReceipt: last } : {}),
        ...(pollers ? { unclaimed: (await acks.unclaimed(ch.name, LIST_LIMIT + 1)).length } : {}),
      };
    }),
  );
  const [signers, alerts] = await Promise.all([
    readSigners(deps),
    recentRecords(deps).then((recent) => readSlaAlerts(deps, recent, LIST_LIMIT)),
  ]);
  return { queues, channels, signers, alerts };
}

/** The most recent messages, newest first (at most SCAN_LIMIT looked at). */
async function recentRecords(deps: ConsoleDeps): Promise<MessageRecord[]> {
  const ids = await deps.ledger.recent(SCAN_LIMIT);
  const out: MessageRecord[] = [];
  for (let i = 0; i < ids.length; i += 200) {
    const recs = await Promise.all(ids.slice(i, i + 200).map((id) => deps.ledger.get(id)));
    out.push(...recs.filter((r): r is MessageRecord => Boolean(r)));
  }
  return out;
}

export interface SearchQuery {
  readonly q?: string;
  readonly channel?: string;
  readonly status?: GatewayStatus;
  /** Accepted on or after this day (yyyy-mm-dd, China time). */
  readonly from?: string;
  /** Accepted on or before this day (yyyy-mm-dd, China time). */
  readonly to?: string;
}

/**
 * Messages for the search page: with a key (file name, ClientSeqNo, 统一编号, 报关单号, id) the one
 * message it names, found like the CLI finds it; otherwise the most recent, by channel and status;
 * both narrowed to the days (China time) the message was accepted in.
 */
export async function searchMessages(
  deps: ConsoleDeps,
  query: SearchQuery,
): Promise<MessageRecord[]> {
  const days = dateRange(query.from, query.to);
  const keep = (r: MessageRecord) =>
    (!query.channel || r.channel === query.channel) &&
    (!query.status || r.status === query.status) &&
    inDateRange(r.createdAt, days);
  if (query.q) {
    const rec = await findRecord(deps.ledger, deps.config, query.q);
    return rec && keep(rec) ? [rec] : [];
  }
  return (await recentRecords(deps)).filter(keep).slice(0, LIST_LIMIT);
}

export interface Problems {
  /** Messages not yet delivered nor ended, the longest waiting first. */
  readonly waiting: readonly MessageRecord[];
  readonly dead: readonly MessageRecord[];
  readonly failed: readonly MessageRecord[];
  readonly held: readonly MessageRecord[];
}

/** The oldest messages still waiting to go out, dead (retries used up), failed (permanent error) and held ones, among the most recent. */
export async function readProblems(deps: ConsoleDeps): Promise<Problems> {
  const recs = await recentRecords(deps);
  const waiting = recs
    .filter((r) => !r.deliveredAt && !isTerminal(r.status))
    .sort((a, b) => a.createdAt - b.createdAt);
  return {
    waiting: waiting.slice(0, 20),
    dead: recs.filter((r) => r.status === 'dead').slice(0, LIST_LIMIT),
    failed: recs.filter((r) => r.status === 'failed').slice(0, LIST_LIMIT),
    held: recs.filter((r) => r.heldBy).slice(0, LIST_LIMIT),
  };
}

export interface MessageDetail {
  readonly record: MessageRecord;
  readonly events: readonly LedgerEvent[];
  readonly collected: readonly { client: string; fileName: string; at: number }[];
}

export async function readMessage(
  deps: ConsoleDeps,
  id: string,
): Promise<MessageDetail | undefined> {
  const record = await deps.ledger.get(id);
  if (!record) return undefined;
  const [events, collected] = await Promise.all([
    deps.ledger.events(id),
    deps.ledger.collected(id),
  ]);
  return { record, events, collected };
}

/** The spool references a message page may offer for download: its own files and its receipts. */
export function downloadableRefs(d: MessageDetail): Set<string> {
  const r = d.record;
  const refs = [
    r.docRef,
    r.messageRef,
    r.signedRef,
    r.deliverRef,
    ...d.events.flatMap((e) => Object.values(e.refs ?? {})),
  ];
  return new Set(refs.filter((x): x is NonNullable<typeof x> => Boolean(x)));
}

export interface UnclaimedFeed {
  readonly feed: string;
  readonly entries: readonly FeedEntry[];
}

/** Receipts no API client acknowledged, per channel and for the orphans; undefined when nobody polls. */
export async function readUnclaimed(deps: ConsoleDeps): Promise<UnclaimedFeed[] | undefined> {
  if (!hasPollers(deps)) return undefined;
  const acks = acksOf(deps);
  return Promise.all(
    [...deps.config.channels.map((c) => c.name), ORPHANS_FEED].map(async (feed) => ({
      feed,
      entries: await acks.unclaimed(feed, LIST_LIMIT + 1),
    })),
  );
}
