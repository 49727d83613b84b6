import { afterAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';

interface Group {
  readonly pid: number;
  output(): string;
  readonly exited: Promise<number | string>;
}

/** Runs `eport ARGS` as the leader of its own process group, like a shell job Ctrl-C reaches. */
function spawnGroup(args: string[], env: NodeJS.ProcessEnv = {}): Group {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { pid: child.pid!, output: () => out, exited };
}

/** PIDs of the redis-servers serving a socket below `dir`. */
function redisPids(dir: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes('redis-server') && l.includes(dir))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

/** Resolves with the exit, or 'hung' after `ms`. */
const exitWithin = (g: Group, ms: number) =>
  Promise.race([g.exited, new Promise<string>((r) => setTimeout(() => r('hung'), ms).unref())]);

/**
 * Issue 12, hung processes 2: Ctrl-C on `eport demo` (SIGINT to the whole process group) stops
 * everything and exits; with Redis unreachable, /health says degraded at once and SIGTERM still
 * exits after the shutdown deadline.
 */
describe('shutdown with a managed Redis (spawned, own process group)', () => {
  const dirs: string[] = [];
  const groups: Group[] = [];
  afterAll(async () => {
    for (const g of groups) {
      try {
        process.kill(-g.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const d of dirs) {
      for (const pid of redisPids(d)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('Ctrl-C on eport demo exits every time and leaves no redis-server behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eport-ctrlc-'));
    dirs.push(dir);
    for (let round = 0; round < 3; round++) {
      const demo = spawnGroup(['demo', '--dir', dir, '--step-ms', '50'], { REDIS_URL: '' });
      groups.push(demo);
      await waitFor(
        'demo running',
        () => demo.output(),
        (o) => o.includes('eport demo is running') || o.includes('failed'),
        60_000,
      );
      expect(redisPids(dir)).toHaveLength(1);
      process.kill(-demo.pid, 'SIGINT'); // what the terminal does on Ctrl-C
      expect(await exitWithin(demo, 45_000), demo.output().slice(-2000)).not.toBe('hung');
      await waitFor(
        'managed redis gone',
        () => redisPids(dir),
        (p) => p.length === 0,
        10_000,
      );
      expect(demo.output()).not.toContain('restarting');
    }
  }, 300_000);

  it('answers /health degraded while Redis hangs, and exits on SIGTERM after the deadline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eport-outage-'));
    dirs.push(dir);
    const id = generateSelfSignedIdentity({ commonName: 'outage', days: 30 });
    writeFileSync(join(dir, 'k.pem'), id.keyPem + id.certPem);
    writeFileSync(
      join(dir, 'gw.yaml'),
      `dataDir: ./data\nlog: { level: info, pretty: false }\nhttp: { enabled: true, port: 0 }\nshutdownMs: 2s\n` +
        `signers: [{ name: k, type: soft-key, key: ./k.pem }]\ntransports: [{ name: t, type: http, url: "http://127.0.0.1:1/x" }]\n` +
        `channels: [{ name: d, dir: ./d, intake: [{ type: folder, stableMs: 0, pollMs: 50ms }], signer: k, transport: t }]\n`,
    );
    const gw = spawnGroup(['start', '--config', join(dir, 'gw.yaml')]);
    groups.push(gw);
    await waitFor(
      'started',
      () => gw.output(),
      (o) => o.includes('gateway started'),
      60_000,
    );
    const address = JSON.parse(
      gw
        .output()
        .split('\n')
        .find((l) => l.includes('HTTP API listening'))!,
    ).address as { port: number };
    const [redisPid] = redisPids(dir);
    expect(redisPid).toBeTruthy();
    process.kill(redisPid!, 'SIGSTOP'); // Redis unreachable: connections hang, nothing answers
    try {
      const ac = AbortSignal.timeout(5_000);
      const res = await fetch(`http://127.0.0.1:${address.port}/health`, { signal: ac });
      expect(await res.json()).toMatchObject({ status: 'degraded' });
      process.kill(gw.pid, 'SIGTERM');
      expect(await exitWithin(gw, 30_000), gw.output().slice(-2000)).not.toBe('hung');
    } finally {
      if (existsSync(`/proc/${redisPid}`)) process.kill(redisPid!, 'SIGCONT');
    }
  }, 120_000);
});
