import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { ResolvedChannel } from '../config/resolve.js';
import type { ResolvedHttp } from '../config/resolve-http.js';
import type { Logger } from '../core/logger.js';
import type { FeedEntry } from '../receipts/feed-entry.js';
import type { ReceiptForms } from '../receipts/forms/receipt-forms.js';
import type { ReceiptContext } from '../receipts/forms/receipt-view.js';
import type { IntakeHandler } from './intake.js';

/**
 * What the HTTP API needs, and nothing more: each route group gets its own slice. The queue side
 * binds these to the ledger, the receipt feed and delivery control (`queues/http-api-bindings.ts`);
 * tests may hand in fakes.
 */
export interface HttpApiDeps {
  readonly http: ResolvedHttp;
  readonly log: Logger;
  readonly channels: ReadonlyMap<
    string,
    Pick<ResolvedChannel, 'maxBytes'> & Partial<Pick<ResolvedChannel, 'translation'>>
  >;
  /** Prometheus text for /v1/metrics. */
  readonly metrics: MetricsSource;
  readonly health: HealthChecks;
  readonly messages: MessageLookup;
  readonly delivery: DeliveryActions;
  readonly receipts: ReceiptPolling;
  /** Takes a pushed receipt (POST /v1/receipts/push). */
  readonly pushReceipt: (bytes: Buffer, source: string, fileName: string) => Promise<void>;
  /** Where the rate limiter counts, shared by every gateway node (Redis under the deployment's prefix). */
  readonly rateLimitStore: { readonly redis: Redis; readonly nameSpace: string };
  /** Takes uploaded documents; absent: no upload routes. */
  readonly intake?: IntakeHandler | undefined;
  /** Registers the web console's routes under /console; absent: no console. */
  readonly console?: ((app: FastifyInstance) => Promise<void>) | undefined;
}

export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/** What /health and /readyz look at. */
export interface HealthChecks {
  /** Resolves when Redis answers. */
  pingRedis(): Promise<unknown>;
  /** Resolves when Redis answers and will not evict; throws GW_ERR_REDIS_EVICTION when it may. */
  checkRedis(): Promise<void>;
  /** Each signer's state by name; 'ready' when it can sign. */
  signerStates(): Iterable<readonly [string, string]>;
}

export interface MessageLookup {
  /** A message with its timeline and who collected its receipts; undefined when there is none. */
  describe(id: string): Promise<object | undefined>;
}

/** Operator actions on delivery; each answers the outcome text or throws with the refusal. */
export interface DeliveryActions {
  /** Breakers and held channels. */
  state(): Promise<object>;
  hasMessage(id: string): Promise<boolean>;
  onMessage(
    id: string,
    action: 'hold' | 'release' | 'replay',
    who: string,
    reason?: string,
  ): Promise<string>;
  onChannel(
    channel: string,
    action: 'hold' | 'release',
    who: string,
    reason?: string,
  ): Promise<string>;
}

/** A wait for a feed append that ends on a wake-up, its time limit, or cancel(); it never rejects. */
export interface FeedWait {
  readonly done: Promise<void>;
  cancel(): void;
}

export type AckOutcome =
  { readonly acked: string; readonly recorded: number } | { readonly refused: string };

/** The receipt feeds as the polling API sees them. */
export interface ReceiptPolling {
  /** Feeds a client may poll: one per channel, and the orphans feed. */
  readonly feeds: readonly string[];
  readonly forms: ReceiptForms;
  /** Starts and stops waking long polls (with the server). */
  start(): Promise<void>;
  close(): Promise<void>;
  /** True once closing: long polls answer at once. */
  readonly closing: boolean;
  read(feed: string, after: string, limit: number): Promise<FeedEntry[]>;
  wait(feed: string, ms: number): FeedWait;
  original(entry: FeedEntry): Promise<Buffer>;
  contextOf(feed: string, entry: FeedEntry): Promise<ReceiptContext>;
  cursorOf(feed: string, client: string): Promise<string>;
  ack(feed: string, client: string, cursor: string): Promise<AckOutcome>;
  unclaimed(feed: string, limit: number, olderThanMs: number): Promise<FeedEntry[]>;
  clients(feed: string): Promise<Record<string, string>>;
}
