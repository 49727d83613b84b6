import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, spawnSandbox, type Spawned } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';
import { spawnedWorkspace } from '../helpers/spawned-workspace.js';
import { decMessage } from '../helpers/dec-message.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';

const N = 200;
const ls = (d: string) => readdirSync(d).filter((f) => !f.startsWith('.'));

/** The process ids of a process's children (Linux). */
function childrenOf(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text ? text.split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill 0; it has no command line any more.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').length > 0;
  } catch {
    return false;
  }
}

/**
 * `eport start --workers 2`: the primary (intake, receipt source, leases) and one forked stage
 * worker on one Redis. A batch of 200 files goes through while the stage worker is SIGKILLed: the
 * primary restarts it and every declaration is accepted once, every receipt written once. Ctrl-C
 * (SIGINT to the whole process group) then stops both, with no process left behind.
 */
describe('eport start --workers 2 (spawned, real Redis, sandbox)', () => {
  const { prefix, dir, procs } = spawnedWorkspace('workers');

  it('survives a killed worker, delivers each message once and leaves no process on Ctrl-C', async () => {
    const url = await spawnSandbox(['--step-ms', '40'], procs);
    const id = generateSelfSignedIdentity({ commonName: '多进程测试 Workers Test', days: 30 });
    mkdirSync(join(dir, 'keys'), { recursive: true });
    writeFileSync(join(dir, 'keys', 'k.pem'), id.keyPem + id.certPem);
    const config = join(dir, 'gw.yaml');
    writeFileSync(
      config,
      `dataDir: ./data
redis: { url: "${TEST_REDIS_URL}", prefix: ${prefix} }
log: { level: info, pretty: false }
http: { enabled: false }
retry: { schedule: "200ms, 500ms*5", jitter: 0.1, maxAge: 10m }
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
    const inbox = join(dir, 'declaration', 'inbox');
    const outbox = join(dir, 'declaration', 'outbox');
    mkdirSync(inbox, { recursive: true });
    for (let i = 0; i < N; i++)
      writeFileSync(
        join(inbox, `dec-${String(i).padStart(3, '0')}.xml`),
        decMessage(`WORKERS${String(i).padStart(6, '0')}`),
      );

    // Its own process group, so the test can send Ctrl-C to the group as a terminal would.
    const child = spawn(process.execPath, [BIN, 'start', '--workers', '2', '--config', config], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const gw: Spawned = {
      child,
      output: () => out,
      exited: new Promise((r) => child.on('exit', (code, signal) => r(code ?? signal ?? -1))),
    };
    procs.push(gw);
    const pid = child.pid!;
    const withOutput = (err: Error): never => {
      throw new Error(`${err.message}\ngateway output:\n${out.slice(-4000)}`);
    };

    const firstWorker = (
      await waitFor(
        'the forked stage worker',
        () => childrenOf(pid),
        (p) => p.length >= 1,
      )
    )[0]!;
    const stats = async () =>
      (await (await fetch(`${url}/stats`)).json()) as {
        accepted: number;
        byClientSeqNo: Record<string, { accepted: number; submissions: number }>;
      };
    await waitFor('a part of the batch accepted', stats, (s) => s.accepted >= 20, 60_000).catch(
      withOutput,
    );
    process.kill(firstWorker, 'SIGKILL');
    await waitFor(
      'the killed worker restarted',
      () => out,
      (o) => /restarting/.test(o),
      20_000,
    );
    const secondWorker = (
      await waitFor(
        'a new stage worker',
        () => childrenOf(pid).filter((p) => p !== firstWorker && alive(p)),
        (p) => p.length >= 1,
        20_000,
      )
    )[0]!;

    await waitFor(
      'every receipt of every message',
      () => ls(outbox).length,
      (n) => n >= N * 6,
      150_000,
    ).catch(withOutput);

    // Both processes are registered and visible to the operator.
    const status = spawnSync(process.execPath, [BIN, 'status', '--config', config], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(status.stdout).toMatch(/processes \/ 进程 \(2\)/);
    expect(status.stdout).toContain(`pid ${pid} `);
    expect(status.stdout).toContain(`pid ${secondWorker} `);

    await new Promise((r) => setTimeout(r, 1000)); // anything extra would show up now
    const s = await stats();
    expect(s.accepted).toBe(N);
    expect(Object.values(s.byClientSeqNo).every((c) => c.accepted === 1)).toBe(true);
    const files = ls(outbox);
    expect(files).toHaveLength(N * 6);
    for (let i = 0; i < N; i++) {
      const mine = files.filter((f) => f.startsWith(`dec-${String(i).padStart(3, '0')}.`));
      expect(mine.filter((f) => f.includes('.import-response.'))).toHaveLength(1);
      expect(mine.filter((f) => f.includes('.dec-result.'))).toHaveLength(5);
    }
    expect(ls(join(dir, 'declaration', 'sent'))).toHaveLength(N);
    // Each process logs with its index.
    expect(out).toMatch(/"worker":1\b.*stage worker process started/);

    // Ctrl-C: SIGINT to the process group.
    process.kill(-pid, 'SIGINT');
    expect(await gw.exited).toBe(130);
    await waitFor(
      'no worker left',
      () => [secondWorker].filter(alive),
      (l) => l.length === 0,
    );
    expect(alive(firstWorker)).toBe(false);
  }, 240_000);

  it('a stage worker exits when its primary is SIGKILLed (no orphan)', async () => {
    const config = join(dir, 'orphan.yaml');
    writeFileSync(
      config,
      `dataDir: ./orphan-data
redis: { url: "${TEST_REDIS_URL}", prefix: ${prefix} }
log: { level: warn, pretty: false }
http: { enabled: false }
signers: [{ name: k, type: soft-key, key: ./keys/k.pem }]
transports: [{ name: t, type: http, url: "http://127.0.0.1:1/x" }]
channels: [{ name: d, dir: ./orphan, signer: k, transport: t }]
`,
    );
    mkdirSync(join(dir, 'keys'), { recursive: true });
    const id = generateSelfSignedIdentity({ commonName: 'Orphan Test', days: 30 });
    writeFileSync(join(dir, 'keys', 'k.pem'), id.keyPem + id.certPem);
    const gw = spawn(process.execPath, [BIN, 'start', '--workers', '2', '--config', config], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    gw.stdout.on('data', (d: Buffer) => (out += d.toString()));
    gw.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const worker = (
      await waitFor(
        'the forked stage worker',
        () => childrenOf(gw.pid!),
        (p) => p.length >= 1,
        60_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\ngateway output:\n${out.slice(-3000)}`);
      })
    )[0]!;
    gw.kill('SIGKILL');
    await waitFor(
      'the orphaned worker to exit',
      () => alive(worker),
      (a) => !a,
      30_000,
    );
  }, 120_000);
});
