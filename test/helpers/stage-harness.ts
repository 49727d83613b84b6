import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { parseConfigText } from '../../src/config/load.js';
import type { ResolvedChannel } from '../../src/config/resolve.js';
import { Spool, type SpoolRef } from '../../src/core/spool.js';
import type { FeedEntry } from '../../src/queues/receipt-feed.js';
import type {
  DeliverDeps,
  ReceiptDeps,
  SignDeps,
  TranslateDeps,
  WritebackDeps,
} from '../../src/queues/workers/processor-deps.js';
import { ReceiptForms } from '../../src/receipts/forms/receipt-forms.js';
import { createFakeSigner, type FakeSigner } from '../../src/signing/fake-signer.js';
import { createTranslator } from '../../src/translators/factory.js';
import type { Translator } from '../../src/translators/translator.js';
import { FakeTransport } from '../../src/transports/fake-transport.js';
import { MemoryCircuitBreakers } from './memory-circuit-breakers.js';
import { MemoryDeliveryControl } from './memory-delivery-control.js';
import { MemoryLeases } from './memory-lease.js';
import { MemoryLedger } from './memory-ledger.js';
import { MemoryReceiptSink } from './memory-receipt-sink.js';
import { MemoryStageQueues } from './memory-stage-queues.js';

/**
 * What the stages still use of Redis directly: the receipt-name stems (set NX, get) of
 * the receipt and write-back stages, and the receipt stage's finished-receipt marks (set PX, mget;
 * no expiry, nothing outlives a unit test). Anything else is missing on purpose, so a stage that
 * starts using Redis behind its ports fails loudly here.
 */
export function memoryStemRedis(): Redis {
  const m = new Map<string, string>();
  const store = {
    get: async (k: string) => m.get(k) ?? null,
    mget: async (...keys: string[]) => keys.map((k) => m.get(k) ?? null),
    set: async (k: string, v: string, ...opts: (string | number)[]) => {
      if (opts.includes('NX') && m.has(k)) return null;
      m.set(k, v);
      return 'OK';
    },
  };
  return store as unknown as Redis;
}

type AllDeps = TranslateDeps & SignDeps & DeliverDeps & WritebackDeps & ReceiptDeps;

export interface StageHarness {
  readonly deps: AllDeps;
  readonly dir: string;
  readonly channel: ResolvedChannel;
  readonly ledger: MemoryLedger;
  readonly queues: MemoryStageQueues;
  readonly spool: Spool;
  readonly sink: MemoryReceiptSink;
  readonly control: MemoryDeliveryControl;
  readonly breakers: MemoryCircuitBreakers;
  /** Transport `t` of channel `dec`. */
  readonly transport: FakeTransport;
  /** The archive leases; each lease made has an owner of its own, as in Redis. */
  readonly leases: MemoryLeases;
  /** Receipt deadlines the deliver stage set, by message id. */
  readonly slaDeadlines: Map<string, number>;
  /** Signer `k`, when asked for (making its key costs a second or two on a busy machine). */
  readonly signer: FakeSigner | undefined;
  /** What the write-back and the receipt stage appended to the polling feed. */
  readonly feed: { channel: string; entry: Omit<FeedEntry, 'cursor'>; seq?: number }[];
  /** Creates a message record for `bytes` as the intake would, in channel `dec`. */
  receive(id: string, bytes: string | Buffer, sourceName?: string): Promise<SpoolRef>;
}

/**
 * One channel `dec` (signer `k`, a fake signer; transport `t`, a fake transport), the in-memory
 * ledger, stage queues, delivery control and circuit breakers, a spool and data folder in a temporary directory, a memory outbox and a recording feed.
 * `channelFields` adds YAML fields to the channel, `extra` top-level YAML; `signer` makes the fake
 * signer `k` (the sign stage needs it, and the translate stage signs with it at once when `k` is
 * a soft key); `signerFields` makes `k` a card or the E-Port service (PIN from EPGW_TEST_PIN).
 */
export function stageHarness(
  options: {
    channelFields?: string;
    extra?: string;
    translator?: Translator;
    signer?: boolean;
    /** Replaces signer `k`'s type and fields (a card, the E-Port service); a soft key by default. */
    signerFields?: string;
  } = {},
): StageHarness {
  const dir = mkdtempSync(join(tmpdir(), 'eport-stage-'));
  const { config, problems } = parseConfigText(
    `dataDir: ./data
redis: { prefix: unit }
${options.extra ?? ''}
signers: [{ name: k, ${options.signerFields ?? 'type: soft-key, key: ./k.pem'} }]
transports: [{ name: t, type: http, url: "http://127.0.0.1:9/submit" }]
channels:
  - { name: dec, dir: ./dec, signer: k, transport: t${options.channelFields ? `, ${options.channelFields}` : ''} }
`,
    join(dir, 'gw.yaml'),
    { EPGW_TEST_PIN: '123456' },
  );
  if (!config) throw new Error(`test config: ${JSON.stringify(problems)}`);
  const channel = config.channels[0]!;
  const ledger = new MemoryLedger();
  const queues = new MemoryStageQueues(['k']);
  const spool = new Spool(join(dir, 'spool'));
  const sink = new MemoryReceiptSink();
  const signer = options.signer ? createFakeSigner({ name: 'k' }) : undefined;
  const feed: StageHarness['feed'] = [];
  const control = new MemoryDeliveryControl(ledger);
  const breakers = new MemoryCircuitBreakers(config.breakers);
  const transport = new FakeTransport();
  const leases = new MemoryLeases();
  const slaDeadlines = new Map<string, number>();
  let leaseOwners = 0;
  const deps: AllDeps = {
    config,
    log: pino({ level: 'silent' }),
    redis: memoryStemRedis(),
    ledger,
    spool,
    queues,
    channels: new Map([[channel.name, channel]]),
    translators: new Map([
      [
        channel.name,
        options.translator ?? createTranslator(channel.translator, channel.translation),
      ],
    ]),
    signers: new Map(signer ? [['k', signer]] : []),
    transports: new Map([['t', transport]]),
    deliveryControl: control,
    breakers,
    archiveLeases: (name, ttlMs) => leases.lease(`archive:${name}`, `move-${++leaseOwners}`, ttlMs),
    sink,
    receiptForms: new ReceiptForms(config.channels),
    receiptFeed: {
      append: async (ch, entry, seq) => {
        feed.push({ channel: ch, entry, ...(seq !== undefined ? { seq } : {}) });
        return undefined;
      },
      delivered: async (ch, messageId, seq) =>
        feed.some((f) => f.channel === ch && f.entry.messageId === messageId && f.seq === seq),
    },
    receiptSla: {
      expect: async (messageId, deadline) => void slaDeadlines.set(messageId, deadline),
      answered: async (messageId) => void slaDeadlines.delete(messageId),
    },
  };
  return {
    deps,
    dir,
    channel,
    ledger,
    queues,
    spool,
    sink,
    control,
    breakers,
    transport,
    leases,
    slaDeadlines,
    signer,
    feed,
    receive: async (id, bytes, sourceName = 'a.xml') => {
      const docRef = await spool.put(bytes);
      await ledger.create({ id, channel: 'dec', sourceName, docRef, createdAt: Date.now() });
      return docRef;
    },
  };
}

/** A BullMQ job as a processor sees it: its id and data, creation time and attempts so far. */
export function jobOf<D>(
  job: { readonly id?: string; readonly data: D },
  fields: { timestamp?: number; attemptsMade?: number } = {},
): Job<D> {
  return {
    id: job.id ?? 'test-job',
    data: job.data,
    timestamp: fields.timestamp ?? 1_750_000_000_000,
    attemptsMade: fields.attemptsMade ?? 0,
  } as unknown as Job<D>;
}
