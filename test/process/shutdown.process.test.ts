import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { spawnEport } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { decMessage } from '../helpers/dec-message.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';

/** A send hangs on a customs endpoint that never answers: the first SIGTERM waits, the second hurries the stop. */
describe('shutdown (spawned daemon)', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('shutdown');
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s)); // accepts, never answers
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    server.close();
    await dropPrefix(redis, prefix);
    await dropPrefix(redis, `${prefix}-idle`);
    redis.disconnect();
  });

  it('drains on the first signal; the second cuts the drain short and exits 143', async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'eport-shutdown-'));
    const id = generateSelfSignedIdentity({ commonName: 'shutdown', days: 30 });
    writeFileSync(join(dir, 'k.pem'), id.keyPem + id.certPem);
    writeFileSync(
      join(dir, 'gw.yaml'),
      `redis: { url: "${TEST_REDIS_URL}", prefix: ${prefix} }\nlog: { level: info, pretty: false }\nhttp: { enabled: false }\nshutdownMs: 60s\n` +
        `signers: [{ name: k, type: soft-key, key: ./k.pem }]\ntransports: [{ name: t, type: http, url: "http://127.0.0.1:${port}/x", timeoutMs: 60s }]\n` +
        `channels: [{ name: d, dir: ./d, intake: [{ type: folder, stableMs: 0, pollMs: 30ms }], signer: k, transport: t }]\n`,
    );
    mkdirSync(join(dir, 'd', 'inbox'), { recursive: true });
    writeFileSync(join(dir, 'd', 'inbox', 'a.xml'), decMessage('SHUTDOWN001'));
    const daemon = spawnEport(['start', '--config', join(dir, 'gw.yaml')]);
    await waitFor(
      'a send in flight',
      () => sockets.length,
      (n) => n > 0,
      60_000,
    ); // a loaded machine starts node slowly
    daemon.child.kill('SIGTERM');
    await waitFor(
      'drain message',
      () => daemon.output(),
      (o) => o.includes('shutting down'),
      15_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(daemon.child.exitCode).toBeNull(); // still draining the hung send
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(143);
    expect(daemon.output()).toContain('forcing a faster stop');
    expect(daemon.output()).toContain('stopped'); // the later steps (lock, Redis) still closed
  }, 120_000);

  it('exits 130 after a graceful stop on SIGINT (Ctrl-C), 0 after one on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eport-sigint-'));
    const id = generateSelfSignedIdentity({ commonName: 'sigint', days: 30 });
    writeFileSync(join(dir, 'k.pem'), id.keyPem + id.certPem);
    writeFileSync(
      join(dir, 'gw.yaml'),
      `redis: { url: "${TEST_REDIS_URL}", prefix: ${prefix}-idle }\nlog: { level: info, pretty: false }\nhttp: { enabled: false }\n` +
        `signers: [{ name: k, type: soft-key, key: ./k.pem }]\ntransports: [{ name: t, type: http, url: "http://127.0.0.1:1/x" }]\n` +
        `channels: [{ name: d, dir: ./d, intake: [{ type: folder, pollMs: 1s }], signer: k, transport: t }]\n`,
    );
    mkdirSync(join(dir, 'd', 'inbox'), { recursive: true });
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 0],
    ] as const) {
      const daemon = spawnEport(['start', '--config', join(dir, 'gw.yaml')]);
      await waitFor(
        'started',
        () => daemon.output(),
        (o) => o.includes('gateway started'),
        60_000,
      );
      daemon.child.kill(signal);
      expect(await daemon.exited, daemon.output().slice(-1000)).toBe(code);
      expect(daemon.output()).toContain('stopped');
    }
  }, 180_000);
});
