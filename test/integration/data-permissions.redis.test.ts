import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../helpers/wait.js';
import { decMessage } from '../helpers/dec-message.js';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';
import { queueReceipt } from '../../src/queues/queue-receipt.js';

/** Every file and folder below `dir`, with its permission bits. */
function walk(dir: string): { path: string; mode: number; isDir: boolean }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const st = statSync(path);
    const here = { path, mode: st.mode & 0o777, isDir: st.isDirectory() };
    return st.isDirectory() ? [here, ...walk(path)] : [here];
  });
}

/** Issue 12, time bounds 4: declarations, signed messages and receipts in the data directory are the operator's alone. */
describe('data directory permissions (real Redis, real file system)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway('perms', testChannel('declaration'), { sandbox: { stepMs: 5 } });
  });
  afterAll(async () => t?.close());

  it('creates spool, parked receipts and the lock readable by the owner only (0600 files, 0700 folders)', async () => {
    writeFileSync(join(t.dir, 'declaration', 'inbox', 'p.xml'), decMessage('PERMS000001'));
    await waitFor(
      'closed',
      async () =>
        t.gateway.deps.ledger.get(
          (await t.gateway.deps.ledger.findBySource('declaration', 'p.xml')) ?? '',
        ),
      (r) => r?.status === 'closed',
      20_000,
    );
    await queueReceipt(t.gateway.deps, Buffer.from('<Nobody/>'), 'test', 'nobody.xml');
    const data = join(t.dir, 'data');
    await waitFor(
      'parked',
      () => walk(data).filter((e) => e.path.includes('orphans') && !e.isDir).length,
      (n) => n === 1,
      10_000,
    );
    const entries = [{ path: data, mode: statSync(data).mode & 0o777, isDir: true }, ...walk(data)];
    expect(entries.filter((e) => !e.isDir).length).toBeGreaterThan(3);
    expect(
      entries
        .filter((e) => e.isDir && e.mode !== 0o700)
        .map((e) => `${e.path} ${e.mode.toString(8)}`),
    ).toEqual([]);
    expect(
      entries
        .filter((e) => !e.isDir && e.mode !== 0o600)
        .map((e) => `${e.path} ${e.mode.toString(8)}`),
    ).toEqual([]);
  }, 30_000);
});
