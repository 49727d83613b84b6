import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnEport, spawnSandbox } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';
import { spawnedWorkspace } from '../helpers/spawned-workspace.js';
import { decMessage } from '../helpers/dec-message.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';

const N = 200;
const ls = (d: string) => readdirSync(d).filter((f) => !f.startsWith('.'));

/**
 * kill -9 of the daemon in the middle of a batch of 200 files, then a restart: every declaration
 * reaches customs exactly once (the sandbox counts acceptances per ClientSeqNo) and every receipt
 * is in the outbox exactly once.
 */
describe('crash recovery (kill -9 mid-batch, spawned daemon, real Redis)', () => {
  const { prefix, dir, procs } = spawnedWorkspace('crash');

  it('delivers 200 messages once each and writes every receipt once', async () => {
    const url = await spawnSandbox(['--step-ms', '40'], procs);

    const id = generateSelfSignedIdentity({ commonName: '崩溃测试 Crash Test', days: 30 });
    mkdirSync(join(dir, 'keys'));
    writeFileSync(join(dir, 'keys', 'k.pem'), id.keyPem + id.certPem);
    writeFileSync(
      join(dir, 'gw.yaml'),
      `dataDir: ./data
redis: { url: "${TEST_REDIS_URL}", prefix: ${prefix} }
log: { level: warn, pretty: false }
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
    mkdirSync(inbox, { recursive: true });
    for (let i = 0; i < N; i++)
      writeFileSync(
        join(inbox, `dec-${String(i).padStart(3, '0')}.xml`),
        decMessage(`CRASH${String(i).padStart(6, '0')}`),
      );

    const first = spawnEport(['start', '--config', join(dir, 'gw.yaml')]);
    procs.push(first);
    const stats = async () =>
      (await (await fetch(`${url}/stats`)).json()) as {
        accepted: number;
        duplicates: number;
        byClientSeqNo: Record<string, { accepted: number; submissions: number }>;
      };
    await waitFor(
      'a part of the batch to be accepted',
      stats,
      (s) => s.accepted >= 30,
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\ndaemon output:\n${first.output().slice(-3000)}`);
    });
    first.child.kill('SIGKILL');
    await first.exited;
    const acceptedAtKill = (await stats()).accepted;

    const second = spawnEport(['start', '--config', join(dir, 'gw.yaml')]);
    procs.push(second);
    const outbox = join(dir, 'declaration', 'outbox');
    await waitFor(
      'every receipt of every message',
      () => ls(outbox).length,
      (n) => n >= N * 6,
      150_000,
    );
    await new Promise((r) => setTimeout(r, 1000)); // anything extra would show up now

    const s = await stats();
    expect(acceptedAtKill).toBeLessThan(N);
    expect(s.accepted).toBe(N);
    expect(Object.values(s.byClientSeqNo).every((c) => c.accepted === 1)).toBe(true);
    const files = ls(outbox);
    expect(files).toHaveLength(N * 6);
    for (let i = 0; i < N; i++) {
      const stem = `dec-${String(i).padStart(3, '0')}`;
      const mine = files.filter((f) => f.startsWith(`${stem}.`));
      expect(mine.filter((f) => f.includes('.import-response.'))).toHaveLength(1);
      expect(mine.filter((f) => f.includes('.dec-result.'))).toHaveLength(5);
    }
    expect(ls(join(dir, 'declaration', 'sent'))).toHaveLength(N);
    expect(ls(inbox)).toEqual([]);
    expect(ls(join(dir, 'declaration', 'failed'))).toEqual([]);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 240_000);
});
