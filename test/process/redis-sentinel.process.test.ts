import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { spawnEport, spawnSandbox } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { spawnedWorkspace } from '../helpers/spawned-workspace.js';
import { decMessage } from '../helpers/dec-message.js';
import {
  SENTINEL_GROUP,
  startSentinelTopology,
  type SentinelTopology,
} from '../helpers/redis-sentinel-topology.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';
import { checkSentinels } from '../../src/cli/doctor/sentinel-checks.js';
import { createRedis } from '../../src/queues/redis-connection.js';

const N = 200;
const ls = (d: string) => readdirSync(d).filter((f) => !f.startsWith('.'));
const stem = (i: number) => `dec-${String(i).padStart(3, '0')}`;

/**
 * The gateway on Redis Sentinel (a master, one replica, three sentinels, all real processes on
 * loopback), with the master killed (SIGKILL) in the middle of a batch of 200 declarations: the
 * sentinels promote the replica, the gateway follows, and every declaration still reaches
 * customs exactly once, every receipt is written once and nothing lands in failed/.
 */
describe('Redis Sentinel failover mid-batch (spawned daemon, real sentinels)', () => {
  const { prefix, dir, procs } = spawnedWorkspace('sentinel');
  let topology: SentinelTopology;
  beforeAll(async () => void (topology = await startSentinelTopology()), 60_000);
  afterAll(() => topology?.close());

  it('doctor sees the master, the replica and a quorum', async () => {
    const findings = await checkSentinels({
      sentinels: topology.sentinels.map((s) => ({
        host: '127.0.0.1',
        port: Number(s.split(':')[1]),
      })),
      name: SENTINEL_GROUP,
    });
    expect(findings).toEqual([
      expect.objectContaining({
        level: 'ok',
        detail: expect.stringContaining(`127.0.0.1:${await topology.masterPort()}`),
      }),
    ]);
    const wrongName = await checkSentinels({
      sentinels: [{ host: '127.0.0.1', port: Number(topology.sentinels[0]!.split(':')[1]) }],
      name: 'nosuchgroup',
    });
    expect(wrongName.map((f) => f.level)).toEqual(['fail', 'warn']);
  });

  it('a connection keeps working through a planned failover: it follows the promoted replica', async () => {
    const target = {
      sentinels: topology.sentinels.map((s) => ({
        host: '127.0.0.1',
        port: Number(s.split(':')[1]),
      })),
      name: SENTINEL_GROUP,
    };
    const client = createRedis(target);
    client.on('error', () => {});
    const key = `${prefix}:failover-probe`;
    let writes = 0;
    let stop = false;
    // Writes without a pause; one refused write (READONLY on the demoted master) would end it.
    const writing = (async () => {
      while (!stop) {
        await client.incr(key);
        writes++;
      }
    })();
    try {
      await waitFor(
        'writes before the failover',
        () => writes,
        (n) => n >= 100,
      );
      const { newPort } = await topology.failover();
      const after = writes;
      await waitFor(
        'writes after the failover',
        () => writes,
        (n) => n >= after + 100,
      );
      stop = true;
      await writing;
      expect(Number((await client.info('server')).match(/tcp_port:(\d+)/)?.[1])).toBe(newPort);
    } finally {
      stop = true;
      await writing.catch(() => {});
      client.disconnect();
    }
  });

  it('delivers 200 declarations once each across a failover and writes every receipt once', async () => {
    const url = await spawnSandbox(['--step-ms', '20'], procs);
    const id = generateSelfSignedIdentity({ commonName: '哨兵测试 Sentinel Test', days: 30 });
    mkdirSync(join(dir, 'keys'));
    writeFileSync(join(dir, 'keys', 'k.pem'), id.keyPem + id.certPem);
    writeFileSync(
      join(dir, 'gw.yaml'),
      `dataDir: ./data
redis: { sentinels: ${JSON.stringify(topology.sentinels)}, name: ${SENTINEL_GROUP}, prefix: ${prefix} }
log: { level: warn, pretty: false }
http: { enabled: false }
retry: { schedule: "200ms, 500ms*10", jitter: 0.1, maxAge: 10m }
signers: [{ name: k, type: soft-key, key: ./keys/k.pem }]
transports: [{ name: sandbox, type: http, url: "${url}/dec/submit", timeoutMs: 5s }]
receiptSources: [{ name: feed, type: http-pull, url: "${url}/receipts", intervalMs: 100ms }]
channels:
  - name: declaration
    dir: ./declaration
    intake: [{ type: folder, stableMs: 200ms, pollMs: 50ms }]
    signer: k
    transport: sandbox
`,
    );
    const check = spawnEport(['config', 'check', join(dir, 'gw.yaml')]);
    expect(await check.exited).toBe(0);
    expect(check.output()).toContain(`redis: sentinel master "${SENTINEL_GROUP}" via 127.0.0.1:`);

    const inbox = join(dir, 'declaration', 'inbox');
    mkdirSync(inbox, { recursive: true });
    for (let i = 0; i < N; i++)
      writeFileSync(
        join(inbox, `${stem(i)}.xml`),
        decMessage(`SENTINEL${String(i).padStart(6, '0')}`),
      );

    const gw = spawnEport(['start', '--config', join(dir, 'gw.yaml')]);
    procs.push(gw);
    const fail = (err: Error): never => {
      throw new Error(
        `${err.message}\ndaemon output:\n${gw.output().slice(-4000)}\n${topology.logs()}`,
      );
    };
    const stats = async () =>
      (await (await fetch(`${url}/stats`)).json()) as {
        accepted: number;
        byClientSeqNo: Record<string, { accepted: number; submissions: number }>;
      };
    await waitFor(
      'a part of the batch to be accepted',
      stats,
      (s) => s.accepted >= 40,
      60_000,
    ).catch(fail);
    const { oldPort, newPort } = await topology.killMaster().catch(fail);
    const acceptedAtFailover = (await stats()).accepted;

    const outbox = join(dir, 'declaration', 'outbox');
    await waitFor(
      'every receipt of every message',
      () => ls(outbox).length,
      (n) => n >= N * 6,
      150_000,
    ).catch(fail);
    await new Promise((r) => setTimeout(r, 1000)); // anything extra would show up now

    const s = await stats();
    expect(newPort).not.toBe(oldPort);
    expect(acceptedAtFailover).toBeLessThan(N);
    expect(s.accepted).toBe(N);
    expect(Object.values(s.byClientSeqNo).every((c) => c.accepted === 1)).toBe(true);
    const files = ls(outbox);
    expect(files).toHaveLength(N * 6);
    for (let i = 0; i < N; i++) {
      const mine = files.filter((f) => f.startsWith(`${stem(i)}.`));
      expect(mine.filter((f) => f.includes('.import-response.'))).toHaveLength(1);
      expect(mine.filter((f) => f.includes('.dec-result.'))).toHaveLength(5);
    }
    expect(ls(join(dir, 'declaration', 'sent'))).toHaveLength(N);
    expect(ls(inbox)).toEqual([]);
    expect(ls(join(dir, 'declaration', 'failed'))).toEqual([]);
    // The records are on the promoted master.
    const promoted = new Redis({ host: '127.0.0.1', port: newPort });
    try {
      expect(await promoted.exists(`${prefix}:lease:inbox:${inbox}`)).toBe(1);
    } finally {
      promoted.disconnect();
    }
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(0);
  }, 240_000);
});
