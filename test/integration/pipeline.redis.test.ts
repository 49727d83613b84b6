import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { parseConfigText } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../../src/app.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';
import { decMessage } from '../helpers/dec-message.js';
import { cancelMessage } from '../../src/queues/operator.js';

const log = pino({ level: 'silent' });
const ls = (d: string) =>
  readdirSync(d)
    .filter((f) => !f.startsWith('.'))
    .sort();

/** The whole pipeline in one process against the sandbox: retries, dead letters, DxpMsg, key reuse. */
describe('pipeline (in-process, real Redis, real sandbox)', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const keyDir = mkdtempSync(join(tmpdir(), 'eport-pipe-keys-'));
  let gateway: RunningGateway | undefined;
  let sandbox: SandboxHandle | undefined;
  let prefix = '';

  beforeAll(() => {
    const id = generateSelfSignedIdentity({ commonName: '流水线测试', days: 30 });
    writeFileSync(join(keyDir, 'k.pem'), id.keyPem + id.certPem);
  });
  afterEach(async () => {
    await gateway?.close();
    await sandbox?.close();
    gateway = sandbox = undefined;
    await dropPrefix(redis, prefix);
  });
  afterAll(() => redis.disconnect());

  async function start(opts: {
    submitUrl?: string;
    schedule?: string;
    envelope?: string;
    failFirst?: number;
  }) {
    sandbox = await startSandbox({ stepMs: 20, failFirst: opts.failFirst ?? 0 });
    prefix = uniquePrefix('pipe');
    const dir = mkdtempSync(join(tmpdir(), 'eport-pipe-'));
    const yaml = `dataDir: ${dir}/data
redis: { url: "${TEST_REDIS_URL}", prefix: ${prefix} }
http: { enabled: false }
retry: { schedule: "${opts.schedule ?? '100ms*3'}", jitter: 0, maxAge: 1h }
signers: [{ name: k, type: soft-key, key: ${keyDir}/k.pem }]
transports: [{ name: t, type: http, url: "${opts.submitUrl ?? `${sandbox.url}/dec/submit`}", timeoutMs: 2s }]
receiptSources: [{ name: feed, type: http-pull, url: "${sandbox.url}/receipts", intervalMs: 50ms }]
channels:
  - name: declaration
    dir: ${dir}/declaration
    intake: [{ type: folder, stableMs: 0, pollMs: 30ms }]
    signer: k
    transport: t
    ${opts.envelope ?? ''}
`;
    const { config, problems } = parseConfigText(yaml, join(dir, 'gw.yaml'), {});
    expect(problems).toEqual([]);
    gateway = await startGateway(config!, log);
    const folder = (s: string) => join(dir, 'declaration', s);
    mkdirSync(folder('inbox'), { recursive: true });
    return { folder };
  }

  it('retries a 503 on the schedule and delivers once', async () => {
    const { folder } = await start({ failFirst: 2 });
    writeFileSync(folder('inbox/r.xml'), decMessage('RETRY000001'));
    await waitFor(
      'closed',
      () => ls(folder('outbox')).length,
      (n) => n === 6,
      20_000,
    );
    const s = sandbox!.stats();
    expect(s.faults).toBe(2);
    expect(s.byClientSeqNo.RETRY000001).toEqual({ submissions: 3, accepted: 1 });
    const id = (await gateway!.deps.ledger.findBySource('declaration', 'r.xml'))!;
    const events = await gateway!.deps.ledger.events(id);
    expect(
      events.filter((e) => e.stage === 'deliver' && e.text.startsWith('attempt')),
    ).toHaveLength(2);
    expect((await gateway!.deps.ledger.get(id))!.status).toBe('closed');
  });

  it('gives up after the schedule: dead receipt and the source in failed', async () => {
    const { folder } = await start({
      submitUrl: 'http://127.0.0.1:1/dec/submit',
      schedule: '50ms*2',
    });
    writeFileSync(folder('inbox/d.xml'), decMessage('DEAD0000001'));
    await waitFor(
      'dead receipt',
      () => ls(folder('outbox')),
      (f) => f.length === 1,
      20_000,
    );
    expect(ls(folder('outbox'))).toEqual(['d.dead.01.xml']);
    const body = readFileSync(join(folder('outbox'), 'd.dead.01.xml'), 'utf8');
    expect(body).toContain('GW_ERR_DELIVER_EXHAUSTED');
    expect(body).toMatch(/3 attempts/);
    await waitFor(
      'source in failed',
      () => ls(folder('failed')),
      (f) => f.includes('d.xml'),
      5_000,
    );
    expect(ls(folder('sent'))).toEqual([]);
  });

  it('sends a dead message again when the operator drops the same file again, once the route is back', async () => {
    // Customs answers 503 to all three attempts of the schedule, then is back.
    const { folder } = await start({ failFirst: 3, schedule: '50ms*2' });
    writeFileSync(folder('inbox/d.xml'), decMessage('DEAD0000002'));
    await waitFor(
      'dead receipt',
      () => ls(folder('outbox')),
      (f) => f.includes('d.dead.01.xml'),
      20_000,
    );
    const id = (await gateway!.deps.ledger.findBySource('declaration', 'd.xml'))!;
    await waitFor(
      'source in failed',
      () => ls(folder('failed')),
      (f) => f.includes('d.xml'),
      5_000,
    );
    writeFileSync(folder('inbox/d.xml'), readFileSync(join(folder('failed'), 'd.xml')));
    await waitFor(
      'closed after retry',
      async () => (await gateway!.deps.ledger.get(id))!.status,
      (s) => s === 'closed',
      20_000,
    );
    expect(sandbox!.stats().byClientSeqNo.DEAD0000002).toEqual({ submissions: 4, accepted: 1 });
    expect(
      (await gateway!.deps.ledger.events(id)).some(
        (e) => e.stage === 'operator' && /re-drop of d\.xml/.test(e.text),
      ),
    ).toBe(true);
  });

  it('lets an operator cancel a message stuck in retries: never sent, cancelled receipt, source in failed', async () => {
    const { folder } = await start({ failFirst: 1000, schedule: '200ms*50' });
    writeFileSync(folder('inbox/c.xml'), decMessage('CANCEL0001'));
    await waitFor(
      'first failed attempt',
      () => sandbox!.stats().faults,
      (n) => n >= 1,
      10_000,
    );
    const rec = (await gateway!.deps.ledger.get(
      (await gateway!.deps.ledger.findBySource('declaration', 'c.xml'))!,
    ))!;
    for (let i = 0; i < 50; i++) {
      // A send may be in flight at this instant; the operator simply tries again.
      const ok = await cancelMessage(gateway!.deps, rec, 'test operator').then(
        () => true,
        (e: Error) => (/under way/.test(e.message) ? false : Promise.reject(e)),
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await gateway!.deps.ledger.get(rec.id))!.status).toBe('cancelled');
    await waitFor(
      'cancelled receipt',
      () => ls(folder('outbox')),
      (f) => f.includes('c.cancelled.01.xml'),
      10_000,
    );
    await waitFor(
      'source in failed',
      () => ls(folder('failed')),
      (f) => f.includes('c.xml'),
      5_000,
    );
    const faults = sandbox!.stats().faults;
    await new Promise((r) => setTimeout(r, 2500)); // the sandbox's Retry-After is 1 s
    expect(sandbox!.stats().faults).toBe(faults); // no more attempts after the cancel
    expect(sandbox!.stats().accepted).toBe(0);
  });

  it('wraps the signed message in a DxpMsg when the route asks for it', async () => {
    const { folder } = await start({
      envelope:
        'envelope: { type: dxp, senderId: DXPENT0000000001, receiverIds: [DXPEDCDEC0000001] }\n    signature: { algorithm: rsa-sha256 }',
    });
    writeFileSync(folder('inbox/x.xml'), decMessage('DXP00000001'));
    await waitFor(
      'closed',
      () => ls(folder('outbox')).length,
      (n) => n === 6,
      20_000,
    );
    const id = (await gateway!.deps.ledger.findBySource('declaration', 'x.xml'))!;
    const rec = (await gateway!.deps.ledger.get(id))!;
    const sent = (await gateway!.deps.spool.get(rec.deliverRef!)).toString('utf8');
    expect(sent).toMatch(/^<\?xml[^>]*\?>\s*<DxpMsg xmlns="http:\/\/www.chinaport.gov.cn\/dxp"/);
    expect(sent).toContain('<SenderId>DXPENT0000000001</SenderId>');
    const signed = (await gateway!.deps.spool.get(rec.signedRef!)).toString('utf8');
    expect(signed).toContain('Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"');
    expect(Buffer.from(/<Data>([^<]+)<\/Data>/.exec(sent)![1]!, 'base64').toString('utf8')).toBe(
      signed,
    );
    expect(sandbox!.stats().accepted).toBe(1);
  });

  it('refuses a second document that reuses a ClientSeqNo', async () => {
    const { folder } = await start({});
    writeFileSync(folder('inbox/a.xml'), decMessage('SAME0000001'));
    await waitFor(
      'first closed',
      () => ls(folder('outbox')).length,
      (n) => n === 6,
      20_000,
    );
    writeFileSync(folder('inbox/b.xml'), decMessage('SAME0000001', { items: 2 }));
    await waitFor(
      'error receipt',
      () => ls(folder('outbox')),
      (f) => f.some((n) => n.startsWith('b.error.')),
      10_000,
    );
    expect(readFileSync(join(folder('outbox'), 'b.error.01.xml'), 'utf8')).toMatch(
      /ClientSeqNo SAME0000001/,
    );
    expect(sandbox!.stats().submissions).toBe(1);
  });
});
