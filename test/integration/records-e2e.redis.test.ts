import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';
import { decMessage } from '../helpers/dec-message.js';
import { BIN, ROOT } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { TEST_REDIS_URL, dropPrefix } from '../helpers/redis.js';
import { verifyAuditDir } from '../../src/records/audit-verify.js';
import { ArchiveStore } from '../../src/records/archive-store.js';

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const eport = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });

/**
 * Records through the whole pipeline: a declaration dropped, signed, sent to the sandbox and
 * answered; after shutdown the audit log holds every event with its content hashes and passes
 * `eport audit verify`, one changed byte fails it, and the archive gives the documents back by
 * ClientSeqNo or 统一编号 once Redis has forgotten the message.
 */
describe('records end to end (in-process gateway, real Redis, sandbox)', () => {
  const redis = new Redis(TEST_REDIS_URL);
  let gw: TestGateway | undefined;
  afterAll(async () => {
    await gw?.sandbox.close();
    redis.disconnect();
  });

  it('audits, archives, verifies and finds a declaration after Redis forgot it', async () => {
    gw = await startTestGateway('records', testChannel('declaration'));
    const folder = (s: string) => join(gw!.dir, 'declaration', s);
    mkdirSync(folder('inbox'), { recursive: true });
    const original = decMessage('RECORDS00001');
    writeFileSync(folder('inbox/rec.xml'), original);
    await waitFor(
      'closed',
      () => readdirSync(folder('outbox')).filter((f) => !f.startsWith('.')),
      (f) => f.length === 6,
      60_000,
    );
    const id = (await gw.gateway.deps.ledger.findBySource('declaration', 'rec.xml'))!;
    const rec = (await gw.gateway.deps.ledger.get(id))!;
    expect(rec.seqNo).toBeTruthy();
    const dataDir = gw.gateway.deps.config.dataDir;
    const prefix = gw.gateway.deps.config.redis.prefix;
    await gw.gateway.close(); // the audit writer writes what the drain recorded

    const auditDir = join(dataDir, 'audit');
    expect((await verifyAuditDir(auditDir)).firstBroken).toBeUndefined();
    const [file] = readdirSync(auditDir);
    const entries = readFileSync(join(auditDir, file!), 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            body: { messageId?: string; stage: string; refs?: Record<string, string> };
          },
      );
    const mine = entries.filter((e) => e.body.messageId === id);
    expect(new Set(mine.map((e) => e.body.stage))).toEqual(
      new Set(['intake', 'translate', 'sign', 'deliver', 'receipt', 'writeback']),
    );
    expect(mine[0]!.body.refs!.original).toBe(`sha256:${sha256(original)}`);
    expect(mine.find((e) => e.body.stage === 'sign')!.body.refs!.signed).toBe(rec.signedRef);
    expect(mine.filter((e) => e.body.stage === 'writeback' && e.body.refs?.receipt)).toHaveLength(
      6,
    );

    // with --config, the chain head in Redis shows entries cut off the end
    const cfg = join(gw.dir, 'verify.yaml');
    writeFileSync(
      cfg,
      `dataDir: ./data\nredis: { url: "${TEST_REDIS_URL}", prefix: ${prefix} }\nsigners: [{ name: k, type: soft-key, key: ./k.pem }]\ntransports: [{ name: t, type: http, url: "http://127.0.0.1:1/" }]\nchannels: [{ name: declaration, dir: ./declaration, signer: k, transport: t }]\n`,
    );
    expect(eport('audit', 'verify', '--config', cfg).stdout).toContain('matches the head in Redis');
    const whole = readFileSync(join(auditDir, file!), 'utf8');
    writeFileSync(
      join(auditDir, file!),
      whole.slice(0, whole.lastIndexOf('\n', whole.length - 2) + 1),
    );
    const cut = eport('audit', 'verify', '--config', cfg);
    expect(cut.status).toBe(1);
    expect(cut.stdout).toContain(
      `entries ${entries.length}..${entries.length} are missing from the end`,
    );
    writeFileSync(join(auditDir, file!), whole);

    await dropPrefix(redis, prefix); // the ledger and its indexes expired
    const store = new ArchiveStore(join(dataDir, 'archive'));
    const bySeqNo = await store.find(rec.seqNo!);
    expect(bySeqNo.map((r) => r.kind)).toEqual([
      'original',
      'signed',
      'receipt',
      'receipt',
      'receipt',
      'receipt',
      'receipt',
      'receipt',
    ]);
    expect(Buffer.from(bySeqNo[0]!.data, 'base64').toString()).toBe(original);
    expect(
      bySeqNo
        .filter((r) => r.kind === 'receipt')
        .map((r) => r.name)
        .sort(),
    ).toEqual(
      readdirSync(folder('outbox'))
        .filter((f) => !f.startsWith('.'))
        .sort(),
    );

    // the operator's commands, spawned
    const out = join(gw.dir, 'found');
    const found = eport(
      'archive',
      'find',
      'RECORDS00001',
      '--dir',
      join(dataDir, 'archive'),
      '--out',
      out,
    );
    expect(found.status, found.stderr).toBe(0);
    expect(readdirSync(out)).toHaveLength(8);
    expect(
      readFileSync(
        join(
          out,
          readdirSync(out).find((f) => f.includes('.original.'))!,
        ),
        'utf8',
      ),
    ).toBe(original);
    const ok = eport('audit', 'verify', '--dir', auditDir);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('chain intact');

    const bytes = readFileSync(join(auditDir, file!));
    const lines = bytes.toString('utf8').split('\n');
    const at =
      Buffer.byteLength(lines.slice(0, 4).join('\n')) + 1 + lines[4]!.indexOf('"stage":"') + 9; // inside line 5's stage
    bytes[at] = bytes[at]! ^ 0x20; // one letter's case
    writeFileSync(join(auditDir, file!), bytes);
    const broken = eport('audit', 'verify', '--dir', auditDir);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain(`${join(auditDir, file!)} line 5 (seq 5)`);
    expect(broken.stdout).toContain('hash does not match');
  }, 240_000);
});
