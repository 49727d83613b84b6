/**
 * The daemon's whole flow with each hardware-style signer: an operator card through the real PC/SC
 * stack (pcscd + vpcd + emulated card) and the E-Port client control's websocket (protocol fake).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { parseConfigText } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../../src/app.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import {
  startFakeEportService,
  type FakeEportService,
} from '../../src/signing/eport-service/fake-eport-service.js';
import { verifyEnveloped } from '../../src/signing/xmldsig.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';
import { decMessage } from '../helpers/dec-message.js';
import { cardIdentity, type CardIdentity } from './fixtures.js';
import { cardStackAvailability, startCardStack, type CardStack } from './harness.js';
import { skipWithout } from '../helpers/tools.js';

const skip = skipWithout(
  'gateway end to end with card and E-Port service signers',
  cardStackAvailability().reason,
);

describe.skipIf(skip)('gateway end to end with card and E-Port service signers', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('cardgw');
  let stack: CardStack;
  let id: CardIdentity;
  let service: FakeEportService;
  let sandbox: SandboxHandle;
  let gateway: RunningGateway;
  const dir = mkdtempSync(join(tmpdir(), 'eport-cardgw-'));

  beforeAll(async () => {
    id = cardIdentity('操作员卡 Gateway');
    stack = await startCardStack({
      cards: [{ extendedLength: true, openpgp: { keyPem: id.keyPem, certPem: id.certPem } }],
    });
    service = await startFakeEportService({ pin: '88888888' });
    sandbox = await startSandbox({ stepMs: 10 });
    const yaml = `dataDir: ./data
redis: { url: "${TEST_REDIS_URL}", prefix: ${prefix} }
http: { enabled: false }
signers:
  - { name: card, type: pcsc-card, reader: "${stack.readerName(0)}", profile: openpgp, pin: { env: CARD_PIN } }
  - { name: ukey, type: eport-service, url: "${service.url}", pin: { env: UKEY_PIN } }
transports: [{ name: t, type: http, url: "${sandbox.url}/dec/submit" }]
receiptSources: [{ name: feed, type: http-pull, url: "${sandbox.url}/receipts", intervalMs: 50ms }]
channels:
  - { name: by-card, dir: ./card, intake: [{ type: folder, stableMs: 0, pollMs: 30ms }], signer: card, transport: t }
  - { name: by-ukey, dir: ./ukey, intake: [{ type: folder, stableMs: 0, pollMs: 30ms }], signer: ukey, transport: t }
`;
    const { config, problems } = parseConfigText(yaml, join(dir, 'gw.yaml'), {
      CARD_PIN: '123456',
      UKEY_PIN: '88888888',
    });
    expect(problems).toEqual([]);
    gateway = await startGateway(config!, pino({ level: 'silent' }));
  }, 30_000);

  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
    await service?.close();
    await stack?.stop();
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('signs with each signer kind, customs verifies, and the receipts come back', async () => {
    writeFileSync(join(dir, 'card', 'inbox', 'c.xml'), decMessage('CARDGW0001'));
    writeFileSync(join(dir, 'ukey', 'inbox', 'u.xml'), decMessage('UKEYGW0001'));
    for (const ch of ['card', 'ukey']) {
      await waitFor(
        `${ch} receipts`,
        () => readdirSync(join(dir, ch, 'outbox')).length,
        (n) => n === 6,
        20_000,
      );
    }
    expect(sandbox.stats().accepted).toBe(2);
    const signedBy = async (channel: string, file: string): Promise<string> => {
      const rec = (await gateway.deps.ledger.get(
        (await gateway.deps.ledger.findBySource(channel, file))!,
      ))!;
      expect(rec.status).toBe('closed');
      const v = verifyEnveloped((await gateway.deps.spool.get(rec.signedRef!)).toString('utf8'));
      expect(v.ok).toBe(true);
      return new X509Certificate(v.certificateDer!).subject;
    };
    expect(await signedBy('by-card', 'c.xml')).toContain('操作员卡 Gateway');
    expect(await signedBy('by-ukey', 'u.xml')).toBe(
      new X509Certificate(service.card.certificate.der).subject,
    );
    expect(service.maxInFlight).toBe(1);
  }, 30_000);
});
