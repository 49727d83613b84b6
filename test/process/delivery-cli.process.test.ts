import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BIN, ROOT } from '../helpers/process.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';
import { Ledger } from '../../src/queues/ledger.js';
import { CircuitBreakers } from '../../src/queues/circuit-breaker.js';
import { replayJobId } from '../../src/queues/delivery-operator.js';

const eport = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', USER: 'ops1' },
  });

/** `eport hold`, `release`, `replay` and the delivery part of `eport status`, as an operator types them. */
// Each spawn starts a Node process; on a busy machine that takes seconds, hence the long timeout.
describe('delivery control commands (spawned CLI, real Redis)', { timeout: 300_000 }, () => {
  const prefix = uniquePrefix('cli-delivery');
  const dir = mkdtempSync(join(tmpdir(), 'eport-cli-delivery-'));
  const cfg = join(dir, 'gw.yaml');
  const id = 'a'.repeat(32);
  const redis = new Redis(TEST_REDIS_URL);
  const ledger = new Ledger(redis, prefix);

  beforeAll(async () => {
    const key = generateSelfSignedIdentity({ commonName: '运维', days: 30 });
    writeFileSync(join(dir, 'k.pem'), key.keyPem + key.certPem);
    writeFileSync(
      cfg,
      `redis: { url: "${TEST_REDIS_URL}", prefix: ${prefix} }
signers: [{ name: k, type: soft-key, key: ./k.pem }]
transports: [{ name: t, type: http, url: "http://127.0.0.1:1/x", breaker: { failures: 2, openFor: 10m } }]
channels: [{ name: dec, dir: ./dec, signer: k, transport: t }]
`,
    );
    await ledger.create({
      id,
      channel: 'dec',
      sourceName: 'a.xml',
      docRef: `sha256:${'b'.repeat(64)}`,
      createdAt: Date.now(),
    });
    await ledger.set(id, { businessKey: 'CLI0000001', deliverRef: `sha256:${'c'.repeat(64)}` });
    await ledger.bindKey('business-key', 'CLI0000001', id);
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('`eport --help` lists the commands', () => {
    const r = eport('--help');
    expect(r.status).toBe(0);
    for (const cmd of ['hold', 'release', 'replay'])
      expect(r.stdout).toMatch(new RegExp(`\\n\\s+${cmd} \\[options\\]`));
  });

  it('holds and releases one message, recording who did it; refuses a second hold and a message plus --channel', async () => {
    const held = eport('hold', 'a.xml', '--reason', '核对发票 check the invoice', '-c', cfg);
    expect(held.stderr).toBe('');
    expect(held.status).toBe(0);
    expect(held.stdout).toMatch(new RegExp(`message ${id} \\(a\\.xml\\): on hold`));
    expect((await ledger.get(id))!.heldBy).toBe('eport hold (ops1)');
    const again = eport('hold', id, '-c', cfg);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already on hold \/ 已暂停/);
    const both = eport('hold', 'a.xml', '--channel', 'dec', '-c', cfg);
    expect(both.status).toBe(1);
    expect(both.stderr).toMatch(/not both/);
    const released = eport('release', 'CLI0000001', '-c', cfg);
    expect(released.status).toBe(0);
    expect(released.stdout).toMatch(/released/);
    expect((await ledger.get(id))!.heldBy).toBeUndefined();
    const texts = (await ledger.events(id)).map((e) => e.text);
    expect(texts).toEqual(
      expect.arrayContaining([
        'held by eport hold (ops1): 核对发票 check the invoice / 操作员暂停发送',
        'released by eport release (ops1) / 操作员恢复发送',
      ]),
    );
    const missing = eport('hold', 'nope.xml', '-c', cfg);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no message found for "nope.xml"/);
  });

  it('holds a channel, shows it and an open breaker in `eport status`, and releases it', async () => {
    const held = eport('hold', '--channel', 'dec', '--reason', 'customs maintenance', '-c', cfg);
    expect(held.status).toBe(0);
    expect(held.stdout).toMatch(/channel dec on hold/);
    const breakers = new CircuitBreakers(redis, prefix, { t: { failures: 2, openForMs: 600_000 } });
    await breakers.failure('t', 'GW_ERR_DELIVER_NETWORK: ECONNREFUSED');
    await breakers.failure('t', 'GW_ERR_DELIVER_NETWORK: ECONNREFUSED');
    const status = eport('status', '-c', cfg);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(
      /circuit breakers \/ 熔断器\n\s+t\s+open\s+since .*probe after .*last error: GW_ERR_DELIVER_NETWORK/,
    );
    expect(status.stdout).toMatch(
      /channels on hold \/ 暂停发送的通道\n\s+dec\s+since .* by eport hold \(ops1\) \(customs maintenance\); 0 message\(s\) waiting/,
    );
    const unknown = eport('hold', '--channel', 'nope', '-c', cfg);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/no channel "nope"; channels: dec/);
    const released = eport('release', '--channel', 'dec', '-c', cfg);
    expect(released.status).toBe(0);
    expect(released.stdout).toMatch(/channel dec released; 0 waiting/);
    expect(eport('release', '--channel', 'dec', '-c', cfg).stderr).toMatch(/not on hold/);
  });

  it('replays only a delivered message, needs a reason, and queues a numbered deliver job', async () => {
    const noReason = eport('replay', 'a.xml', '-c', cfg);
    expect(noReason.status).toBe(1);
    expect(noReason.stderr).toMatch(/--reason/);
    const notSent = eport('replay', 'a.xml', '--reason', 'lost', '-c', cfg);
    expect(notSent.status).toBe(1);
    expect(notSent.stderr).toMatch(/never delivered yet/);
    await ledger.set(id, { deliveredAt: Date.now() });
    const ok = eport('replay', 'a.xml', '--reason', '海关未收到 customs lost it', '-c', cfg);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/replay #1 queued/);
    const queue = new Queue('deliver', {
      connection: { host: '127.0.0.1', port: Number(new URL(TEST_REDIS_URL).port || 6379) },
      prefix,
    });
    try {
      const job = await queue.getJob(replayJobId(id, 1));
      expect(job?.data).toEqual({ messageId: id, replay: 1 });
    } finally {
      await queue.close();
    }
    expect((await ledger.events(id)).map((e) => e.text)).toContain(
      'replay #1 requested by eport replay (ops1): 海关未收到 customs lost it / 操作员要求重放',
    );
    expect(eport('replay', 'a.xml', '--reason', 'again', '-c', cfg).stderr).toMatch(
      /previous replay has not gone out yet/,
    );
  });
});
