import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnEport, spawnSandbox } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';
import { spawnedWorkspace } from '../helpers/spawned-workspace.js';
import { decMessage } from '../helpers/dec-message.js';

const N = 120;
const ls = (d: string): string[] => {
  try {
    return readdirSync(d).filter((f) => !f.startsWith('.'));
  } catch {
    return [];
  }
};

/**
 * kill -9 of the daemon while it writes a batch into the Single Window client's OutBox (the
 * client simulated by `eport sandbox --imppath`), then a restart: no message lands in the client
 * folders twice (no `_t-2` copy, each accepted once) and each receipt is written once.
 */
describe('sw-client route: kill -9 between writing into OutBox and recording it', () => {
  const { prefix, dir, procs } = spawnedWorkspace('swc-crash');

  it(`hands ${N} declarations to the client once each`, async () => {
    const imp = join(dir, 'imppath');
    // The client is slow to pick up, so kills find files written but not yet taken.
    const url = await spawnSandbox(
      ['--step-ms', '40', '--imppath', imp, '--pickup-delay-ms', '300'],
      procs,
    );
    writeFileSync(
      join(dir, 'gw.yaml'),
      `dataDir: ./data
redis: { url: "${TEST_REDIS_URL}", prefix: ${prefix} }
log: { level: warn, pretty: false }
http: { enabled: false }
retry: { schedule: "200ms, 500ms*5", jitter: 0.1, maxAge: 10m }
transports: [{ name: client, type: sw-client, impPath: ./imppath, pollMs: 100ms, stableMs: 100ms }]
channels:
  - name: declaration
    dir: ./declaration
    intake: [{ type: folder, stableMs: 200ms, pollMs: 50ms }]
    signer: client
    transport: client
`,
    );
    const inbox = join(dir, 'declaration', 'inbox');
    mkdirSync(inbox, { recursive: true });
    for (let i = 0; i < N; i++)
      writeFileSync(
        join(inbox, `dec-${String(i).padStart(3, '0')}.xml`),
        decMessage(`SWCRASH${String(i).padStart(6, '0')}`),
      );
    const outBox = join(imp, 'Deccus001', 'OutBox');
    const sentBox = join(imp, 'Deccus001', 'SentBox');

    const stats = async () =>
      (await (await fetch(`${url}/stats`)).json()) as {
        accepted: number;
        byClientSeqNo: Record<string, { accepted: number; submissions: number }>;
      };
    for (let kill = 0; kill < 3; kill++) {
      const gw = spawnEport(['start', '--config', join(dir, 'gw.yaml')]);
      procs.push(gw);
      const before = ls(outBox).length + ls(sentBox).length;
      await waitFor(
        'more files handed to the client',
        () => ls(outBox).length + ls(sentBox).length,
        (n) => n >= Math.min(N, before + 25),
        90_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\ndaemon output:\n${gw.output().slice(-3000)}`);
      });
      gw.child.kill('SIGKILL');
      await gw.exited;
    }

    const last = spawnEport(['start', '--config', join(dir, 'gw.yaml')]);
    procs.push(last);
    const outbox = join(dir, 'declaration', 'outbox');
    await waitFor(
      'every receipt of every message',
      () => ls(outbox).length,
      (n) => n >= N * 6,
      180_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\ndaemon output:\n${last.output().slice(-3000)}`);
    });
    await new Promise((r) => setTimeout(r, 1000)); // anything extra would show up now

    const s = await stats();
    expect(s.accepted).toBe(N);
    expect(
      Object.values(s.byClientSeqNo).every((c) => c.accepted === 1 && c.submissions === 1),
    ).toBe(true);
    const sent = ls(sentBox);
    expect(sent).toHaveLength(N);
    expect(sent.filter((f) => f.includes('_t-'))).toEqual([]);
    expect(ls(outBox)).toEqual([]);
    const files = ls(outbox);
    expect(files).toHaveLength(N * 6);
    for (let i = 0; i < N; i++)
      expect(files.filter((f) => f.startsWith(`dec-${String(i).padStart(3, '0')}.`))).toHaveLength(
        6,
      );
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);
  }, 420_000);
});
