import type {
  DeliveryActions,
  HealthChecks,
  HttpApiDeps,
  MessageLookup,
  ReceiptPolling,
} from '../gateway/http-api-deps.js';
import type { IntakeHandler } from '../gateway/intake.js';
import { operatorRefusal } from '../core/operator-refusal.js';
import { isSupervised } from '../signing/signer.js';
import {
  holdChannel,
  holdMessage,
  releaseChannel,
  releaseMessage,
  replayMessage,
} from './delivery-operator.js';
import { readDeliveryState } from './delivery-state.js';
import type { PipelineDeps } from './deps.js';
import { FeedWaiter } from './feed-waiter.js';
import { createMetrics } from './metrics.js';
import { queueReceipt } from './queue-receipt.js';
import { AckBeyondFeedError, ReceiptAcks } from './receipt-acks.js';
import { assertNoEviction } from './redis-connection.js';
import { ORPHANS_FEED } from './workers/receipt-worker.js';

/**
 * The HTTP API's narrow deps, bound to the ledger, the receipt feed, delivery control and the
 * metrics registry. The composition root calls this once; tests call it on their pipeline deps.
 */
export function httpApiDeps(deps: PipelineDeps, intake?: IntakeHandler): HttpApiDeps {
  return {
    http: deps.config.http,
    log: deps.log,
    channels: deps.channels,
    metrics: createMetrics(deps),
    health: healthChecks(deps),
    messages: messageLookup(deps),
    delivery: deliveryActions(deps),
    receipts: receiptPolling(deps),
    pushReceipt: (bytes, source, fileName) => queueReceipt(deps, bytes, source, fileName),
    rateLimitStore: { redis: deps.redis, nameSpace: `${deps.config.redis.prefix}:rate-limit:` },
    intake,
  };
}

function healthChecks(deps: Pick<PipelineDeps, 'redis' | 'signers'>): HealthChecks {
  return {
    pingRedis: () => deps.redis.ping(),
    checkRedis: () => assertNoEviction(deps.redis),
    *signerStates() {
      for (const [name, s] of deps.signers)
        yield [name, isSupervised(s) ? s.state : 'ready'] as const;
    },
  };
}

function messageLookup(deps: Pick<PipelineDeps, 'ledger'>): MessageLookup {
  return {
    async describe(id) {
      const rec = await deps.ledger.get(id);
      if (!rec) return undefined;
      return {
        ...rec,
        events: await deps.ledger.events(rec.id),
        collected: await deps.ledger.collected(rec.id),
      };
    },
  };
}

function deliveryActions(deps: PipelineDeps): DeliveryActions {
  const record = async (id: string) => {
    const rec = await deps.ledger.get(id);
    if (!rec) throw operatorRefusal('no such message / 报文不存在', `message ${id}`);
    return rec;
  };
  return {
    state: () => readDeliveryState(deps.redis, deps.config),
    hasMessage: async (id) => (await deps.ledger.get(id)) !== undefined,
    async onMessage(id, action, who, reason) {
      const rec = await record(id);
      if (action === 'hold') return holdMessage(deps, rec, who, reason);
      if (action === 'release') return releaseMessage(deps, rec, who);
      return replayMessage(deps, rec, who, reason ?? '');
    },
    onChannel: (channel, action, who, reason) =>
      action === 'hold'
        ? holdChannel(deps, channel, who, reason)
        : releaseChannel(deps, channel, who),
  };
}

function receiptPolling(deps: PipelineDeps): ReceiptPolling {
  const acks = new ReceiptAcks(deps.redis, deps.config.redis.prefix, deps.receiptFeed, deps.ledger);
  const waiter = new FeedWaiter(deps.redis, deps.receiptFeed.feedSignal);
  return {
    // `orphans`: receipts that match no message of ours (e.g. DECSUB subscription receipts).
    feeds: [...deps.channels.keys(), ORPHANS_FEED],
    forms: deps.receiptForms,
    start: () => waiter.start(),
    close: () => waiter.close(),
    get closing() {
      return waiter.isClosed;
    },
    read: (feed, after, limit) => deps.receiptFeed.read(feed, after, limit),
    wait: (feed, ms) => waiter.wait(feed, ms),
    original: (entry) => deps.spool.get(entry.receiptRef),
    async contextOf(channel, e) {
      const rec = await deps.ledger.get(e.messageId);
      return {
        channel,
        messageId: e.messageId,
        businessKey: rec?.businessKey,
        seqNo: rec?.seqNo,
        entryId: rec?.entryId,
        writtenAt: new Date(e.writtenAt ?? Date.now()),
      };
    },
    cursorOf: (feed, client) => acks.cursorOf(feed, client),
    async ack(feed, client, cursor) {
      try {
        return await acks.ack(feed, client, cursor);
      } catch (err) {
        if (err instanceof AckBeyondFeedError) return { refused: err.message };
        throw err;
      }
    },
    unclaimed: (feed, limit, olderThanMs) => acks.unclaimed(feed, limit, olderThanMs),
    clients: (feed) => acks.all(feed),
  };
}
