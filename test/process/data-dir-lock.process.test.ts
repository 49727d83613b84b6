import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { spawnEport, type Spawned } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';

/** Pings the managed Redis on its socket; false when nothing answers there. */
async function redisAlive(socket: string): Promise<boolean> {
  const c = new Redis({
    path: socket,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  c.on('error', () => {});
  const ok = await c.connect().then(
    () => c.ping().then(() => true),
    () => false,
  );
  c.disconnect();
  return ok;
}

/**
 * Issue 12, data loss 4: one data directory, one gateway. A second `eport start` on the same
 * config refuses, names the first's PID and leaves its managed Redis alone; a lock left by
 * kill -9 does not block a restart.
 */
describe('data directory lock (spawned daemons, managed Redis)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eport-lock-'));
  const procs: Spawned[] = [];
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second instance with the first one’s PID, and takes over a lock left by kill -9', async () => {
    const id = generateSelfSignedIdentity({ commonName: 'lock', days: 30 });
    writeFileSync(join(dir, 'k.pem'), id.keyPem + id.certPem);
    writeFileSync(
      join(dir, 'gw.yaml'),
      `dataDir: ./data\nlog: { level: info, pretty: false }\nhttp: { enabled: false }\nshutdownMs: 3s\n` +
        `signers: [{ name: k, type: soft-key, key: ./k.pem }]\ntransports: [{ name: t, type: http, url: "http://127.0.0.1:1/x" }]\n` +
        `channels: [{ name: d, dir: ./d, intake: [{ type: folder, stableMs: 0, pollMs: 50ms }], signer: k, transport: t }]\n`,
    );
    const start = () => {
      const p = spawnEport(['start', '--config', join(dir, 'gw.yaml')]);
      procs.push(p);
      return p;
    };
    const first = start();
    await waitFor(
      'first started',
      () => first.output(),
      (o) => o.includes('gateway started'),
      60_000,
    );
    const socket = JSON.parse(
      first
        .output()
        .split('\n')
        .find((l) => l.includes('managed redis-server started'))!,
    ).socket as string;

    const second = start();
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toContain(String(first.child.pid));
    expect(second.output()).toMatch(/已被.*占用|locked/);
    expect(second.output()).not.toContain('left by an earlier run');
    expect(first.child.exitCode).toBeNull();
    expect(await redisAlive(socket)).toBe(true);

    first.child.kill('SIGKILL');
    await first.exited;
    const third = start();
    await waitFor(
      'third started over the stale lock',
      () => third.output(),
      (o) => o.includes('gateway started') || third.child.exitCode !== null,
      60_000,
    );
    expect(third.output()).toContain('gateway started');
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  }, 180_000);
});
