import { afterAll, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { parseConfigText } from '../../src/config/load.js';
import { startGateway } from '../../src/app.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { createFakeSigner } from '../../src/signing/fake-signer.js';
import { GatewayError } from '../../src/core/errors.js';
import type { SignerState, SupervisedSigner } from '../../src/signing/signer.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';
import { decMessage } from '../helpers/dec-message.js';

/** A card-like signer whose presence the test switches; signing while absent fails transiently. */
function fakeCard(name: string): SupervisedSigner & { set(s: SignerState): void; signed: number } {
  const inner = createFakeSigner({ name });
  const events = new EventEmitter();
  let state: SignerState = 'ready';
  const card = {
    name,
    kind: 'pcsc-card' as const,
    algorithms: inner.algorithms,
    signed: 0,
    get state() {
      return state;
    },
    set(s: SignerState) {
      state = s;
      events.emit('state', s);
    },
    on: (e: 'state', l: (s: SignerState) => void) => events.on(e, l),
    off: (e: 'state', l: (s: SignerState) => void) => events.off(e, l),
    certificate: () => inner.certificate(),
    async sign(data: Buffer, alg: Parameters<typeof inner.sign>[1]) {
      if (state !== 'ready') throw new GatewayError('GW_ERR_SIGN_CARD_ABSENT', 'card out');
      card.signed++;
      return inner.sign(data, alg);
    },
    close: () => inner.close(),
  };
  return card;
}

describe('card supervision: the sign queue pauses while the card is out (real Redis)', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('pause');
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('holds messages while the card is absent, loses none, and signs them on reinsertion; two cards have their own queues', async () => {
    const sandbox = await startSandbox({ stepMs: 5 });
    const dir = mkdtempSync(join(tmpdir(), 'eport-pause-'));
    const yaml = `dataDir: ./data
redis: { url: "${TEST_REDIS_URL}", prefix: ${prefix} }
http: { enabled: false }
signers:
  - { name: card-a, type: soft-key, key: ./unused.pem }
  - { name: card-b, type: soft-key, key: ./unused.pem }
transports: [{ name: t, type: http, url: "${sandbox.url}/dec/submit" }]
receiptSources: [{ name: feed, type: http-pull, url: "${sandbox.url}/receipts", intervalMs: 50ms }]
channels:
  - { name: decl-a, dir: ./a, intake: [{ type: folder, stableMs: 0, pollMs: 30ms }], signer: card-a, transport: t }
  - { name: decl-b, dir: ./b, intake: [{ type: folder, stableMs: 0, pollMs: 30ms }], signer: card-b, transport: t }
`;
    const { config } = parseConfigText(yaml, join(dir, 'gw.yaml'), {});
    const a = fakeCard('card-a');
    const b = fakeCard('card-b');
    const gateway = await startGateway(config!, pino({ level: 'silent' }), {
      signers: new Map([
        ['card-a', a],
        ['card-b', b],
      ]),
    });
    try {
      a.set('absent');
      for (let i = 0; i < 5; i++)
        writeFileSync(join(dir, 'a', 'inbox', `a${i}.xml`), decMessage(`CARDA${i}`));
      for (let i = 0; i < 3; i++)
        writeFileSync(join(dir, 'b', 'inbox', `b${i}.xml`), decMessage(`CARDB${i}`));
      // Card B's channel goes through while card A is out.
      await waitFor(
        'card B messages sent',
        () => sandbox.stats().accepted,
        (n) => n === 3,
        15_000,
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(a.signed).toBe(0);
      expect(readdirSync(join(dir, 'a', 'failed'))).toEqual([]);
      const counts = await gateway.deps.queues
        .queue('sign', 'card-a')
        .getJobCounts('waiting', 'failed', 'delayed');
      expect(counts.failed).toBe(0);
      expect((counts.waiting ?? 0) + (counts.delayed ?? 0)).toBe(5);
      a.set('ready');
      await waitFor(
        'card A messages sent',
        () => sandbox.stats().accepted,
        (n) => n === 8,
        15_000,
      );
      expect(a.signed).toBe(5);
      expect(b.signed).toBe(3);
    } finally {
      await gateway.close();
      await sandbox.close();
    }
  });
});

describe('an expired certificate stops that signer, not the gateway (real Redis)', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('expired');
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('starts, keeps the expired signer’s messages waiting (not failed), and runs the other channels', async () => {
    const { generateSelfSignedIdentity } = await import('../../src/signing/self-signed.js');
    const sandbox = await startSandbox({ stepMs: 5 });
    const dir = mkdtempSync(join(tmpdir(), 'eport-expired-'));
    const old = generateSelfSignedIdentity({
      commonName: 'expired',
      days: 1,
      notBefore: new Date(Date.now() - 10 * 86_400_000),
    });
    const good = generateSelfSignedIdentity({ commonName: 'good', days: 30 });
    writeFileSync(join(dir, 'old.pem'), old.keyPem + old.certPem);
    writeFileSync(join(dir, 'good.pem'), good.keyPem + good.certPem);
    const yaml = `dataDir: ./data
redis: { url: "${TEST_REDIS_URL}", prefix: ${prefix} }
http: { enabled: false }
signers: [{ name: old, type: soft-key, key: ./old.pem }, { name: good, type: soft-key, key: ./good.pem }]
transports: [{ name: t, type: http, url: "${sandbox.url}/dec/submit" }]
receiptSources: [{ name: feed, type: http-pull, url: "${sandbox.url}/receipts", intervalMs: 50ms }]
channels:
  - { name: a, dir: ./a, intake: [{ type: folder, stableMs: 0, pollMs: 30ms }], signer: old, transport: t }
  - { name: b, dir: ./b, intake: [{ type: folder, stableMs: 0, pollMs: 30ms }], signer: good, transport: t }
`;
    const gateway = await startGateway(
      parseConfigText(yaml, join(dir, 'gw.yaml'), {}).config!,
      pino({ level: 'silent' }),
    );
    try {
      writeFileSync(join(dir, 'a', 'inbox', 'a.xml'), decMessage('EXPIRED001'));
      writeFileSync(join(dir, 'b', 'inbox', 'b.xml'), decMessage('GOODCERT01'));
      await waitFor(
        'channel b delivered',
        () => sandbox.stats().accepted,
        (n) => n === 1,
        15_000,
      );
      await new Promise((r) => setTimeout(r, 500));
      const a = (await gateway.deps.ledger.get(
        (await gateway.deps.ledger.findBySource('a', 'a.xml'))!,
      ))!;
      expect(a.status).toBe('translated');
      expect(readdirSync(join(dir, 'a', 'failed'))).toEqual([]);
      expect(readdirSync(join(dir, 'a', 'outbox'))).toEqual([]);
      expect(sandbox.stats().byClientSeqNo.EXPIRED001).toBeUndefined();
    } finally {
      await gateway.close();
      await sandbox.close();
    }
  });
});
