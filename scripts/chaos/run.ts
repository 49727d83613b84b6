/**
 * The chaos run: the gateway and the customs sandbox as separate processes, N declarations
 * dropped as files (names reused now and then) and HTTP uploads, the gateway killed with SIGKILL
 * K times at random moments (every third time together with its managed Redis), its Redis killed
 * R more times on its own, customs failing a fraction P of submissions. Once quiet, what customs
 * accepted and what the outbox holds are compared with what was dropped. Prints one JSON line and
 * exits 1 when any count is not zero.
 *
 *   npm run chaos -- --files 5000 --kills 20 --redis-restarts 1 --fault-rate 0.2 --seed 7
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../test/helpers/seeded-random.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';
import { parseArgs, type ChaosArgs } from './args.js';
import { killPid, redisServersUnder, sleep, spawnEport, waitFor, type Eport } from './processes.js';
import { tally, type CustomsStats } from './tally.js';
import { dropAll, planDrops } from './workload.js';

const progress = (msg: string): void =>
  void process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

function writeConfig(dir: string, sandboxUrl: string, token: string): string {
  const id = generateSelfSignedIdentity({ commonName: '混沌测试 Chaos', days: 30 });
  mkdirSync(join(dir, 'keys'));
  writeFileSync(join(dir, 'keys', 'k.pem'), id.keyPem + id.certPem);
  const file = join(dir, 'gw.yaml');
  writeFileSync(
    file,
    `# written by the chaos run; no redis url: the gateway runs its own redis-server, as the demo does
dataDir: ./data
redis: { prefix: chaos }
log: { level: info, pretty: false }
http:
  port: 0   # a new port at every start, read from the log: a port kept across restarts may meanwhile be some connection's
  tokens: [{ name: chaos, sha256: ${createHash('sha256').update(token).digest('hex')} }]
retry: { schedule: "300ms, 1s*4, 3s*30", jitter: 0.2, maxAge: 2h }
signers: [{ name: k, type: soft-key, key: ./keys/k.pem }]
transports: [{ name: sandbox, type: http, url: "${sandboxUrl}/dec/submit", timeoutMs: 10s }]
receiptSources: [{ name: feed, type: http-pull, url: "${sandboxUrl}/receipts", intervalMs: 200ms }]
channels:
  - name: declaration
    dir: ./declaration
    intake: [{ type: folder, stableMs: 300ms, pollMs: 100ms }]
    signer: k
    transport: sandbox
`,
  );
  for (const sub of ['inbox', 'outbox', 'sent', 'failed'])
    mkdirSync(join(dir, 'declaration', sub), { recursive: true });
  return file;
}

interface Gateway {
  current: Eport | undefined;
  starts: number;
  httpUrl: string;
}

async function startGateway(gw: Gateway, config: string): Promise<void> {
  gw.current = spawnEport(['start', '--config', config]);
  gw.starts++;
  const me = gw.current;
  const port = await waitFor(
    'the gateway HTTP API',
    () => /"port":(\d+)[^\n]*?"msg":"HTTP API listening/.exec(me.output())?.[1],
    Boolean,
    300_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${me.output().slice(-3000)}`);
  });
  const httpUrl = `http://127.0.0.1:${port}`;
  gw.httpUrl = httpUrl;
  // Any answer will do (503 = degraded while its Redis comes back); uploads retry until accepted.
  await waitFor(
    'the gateway to answer /health',
    async () => (await fetch(`${httpUrl}/health`, { signal: AbortSignal.timeout(5000) })).status,
    (s) => s > 0,
    300_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${me.output().slice(-3000)}`);
  });
}

async function main(args: ChaosArgs): Promise<number> {
  const began = Date.now();
  const random = seededRandom(args.seed);
  const dir = mkdtempSync(join(tmpdir(), 'eport-chaos-'));
  const token = randomBytes(24).toString('hex');
  const sandbox = spawnEport([
    'sandbox',
    '--port',
    '0',
    '--step-ms',
    '50',
    '--fail-rate',
    String(args.faultRate),
  ]);
  const gw: Gateway = { current: undefined, starts: 0, httpUrl: '' };
  const dataDir = join(dir, 'data');
  let ok = false;
  try {
    const sandboxUrl = (await waitFor(
      'the sandbox',
      () => /listening[^:]*: (http:\/\/\S+)/.exec(sandbox.output())?.[1],
      Boolean,
      120_000,
    ))!;
    const config = writeConfig(dir, sandboxUrl, token);
    progress(`work folder ${dir}, seed ${args.seed}, sandbox ${sandboxUrl}`);
    await startGateway(gw, config);

    const planned = planDrops(args.files, args.httpShare, args.repeatShare, random);
    let drops = planned;
    const perSecond = 25;
    const dropSeconds = args.files / perSecond;
    // Kills and Redis restarts at random moments while files arrive and shortly after.
    const events = [
      ...Array.from({ length: args.kills }, (_, i) => ({
        at: 2 + random() * dropSeconds * 1.2,
        kind: i % 3 === 2 ? ('kill+redis' as const) : ('kill' as const),
      })),
      ...Array.from({ length: args.redisRestarts }, () => ({
        at: 2 + random() * dropSeconds * 1.2,
        kind: 'redis' as const,
      })),
    ].sort((a, b) => a.at - b.at);
    const chaos = (async () => {
      const t0 = Date.now();
      for (const e of events) {
        const wait = t0 + e.at * 1000 - Date.now();
        if (wait > 0) await sleep(wait);
        if (e.kind === 'redis') {
          const pids = redisServersUnder(dataDir);
          progress(
            `killing the managed redis-server (${pids.join(',') || 'none found'}) with SIGKILL`,
          );
          for (const p of pids) killPid(p);
          continue;
        }
        const victim = gw.current!;
        const redis = e.kind === 'kill+redis' ? redisServersUnder(dataDir) : [];
        progress(
          `SIGKILL gateway ${victim.child.pid}${redis.length ? ` and its redis-server ${redis.join(',')}` : ''}`,
        );
        victim.child.kill('SIGKILL');
        for (const p of redis) killPid(p);
        await victim.exited;
        await sleep(300 + random() * 1500);
        await startGateway(gw, config);
      }
    })();
    const inbox = join(dir, 'declaration', 'inbox');
    // A failed restart ends the run (after cleaning up), not an unhandled rejection.
    const [dropper] = await Promise.all([
      dropAll(drops, inbox, () => gw.httpUrl, token, perSecond, args.quietTimeoutS * 1000),
      chaos,
    ]);
    progress(
      `all ${args.files} declarations dropped (${dropper.httpRetries} upload retries, ${dropper.neverDropped.length} never dropped)`,
    );
    // A file that could not be dropped was never the gateway's: not lost, but counted below.
    drops = planned.filter((d) => !dropper.neverDropped.includes(d));

    const outbox = join(dir, 'declaration', 'outbox');
    const failed = join(dir, 'declaration', 'failed');
    const stats = async (): Promise<CustomsStats> =>
      (await (await fetch(`${sandboxUrl}/stats`)).json()) as CustomsStats;
    // Quiet: everything expected is there, or nothing moved for a minute, or the timeout.
    let last = '';
    let still = Date.now();
    const deadline = Date.now() + args.quietTimeoutS * 1000;
    for (;;) {
      const s = await stats();
      const t = tally(drops, s, outbox, failed);
      const now = `${s.accepted}/${readdirSync(outbox).length}/${readdirSync(inbox).length}`;
      if (now !== last) [last, still] = [now, Date.now()];
      if (t.lost === 0 && t.receipts_missing === 0) break;
      if (Date.now() - still > 60_000 || Date.now() > deadline) break;
      await sleep(2000);
    }
    await sleep(3000); // a late duplicate would land now
    const s = await stats();
    const t = tally(drops, s, outbox, failed);
    const counts = {
      lost: t.lost,
      accepted_twice: t.accepted_twice,
      receipts_missing: t.receipts_missing,
      receipts_duplicated: t.receipts_duplicated,
      error_receipts: t.error_receipts,
      receipts_unknown: t.receipts_unknown,
      failed_files: t.failed_files,
      http_failures: dropper.httpFailures.length,
      names_never_freed: dropper.neverDropped.length,
    };
    const line = {
      files: args.files,
      ...counts,
      kills: args.kills,
      redis_restarts: args.redisRestarts,
      fault_rate: args.faultRate,
      seed: args.seed,
      http_uploads: drops.filter((d) => d.via === 'http').length,
      reused_names: drops.filter((d) => d.via === 'folder' && !/^dec-\d+\.xml$/.test(d.name!))
        .length,
      faults_injected: s.faults,
      resent_after_accept: s.duplicates,
      gateway_starts: gw.starts,
      seconds: Math.round((Date.now() - began) / 1000),
    };
    console.log(JSON.stringify(line));
    ok = Object.values(counts).every((n) => n === 0);
    if (!ok) {
      for (const e of [...t.examples, ...dropper.httpFailures.slice(0, 5)]) progress(e);
      progress(`work folder kept for inspection: ${dir}`);
    }
    return ok ? 0 : 1;
  } finally {
    gw.current?.child.kill('SIGTERM');
    const stopped = await Promise.race([gw.current?.exited, sleep(30_000).then(() => 'timeout')]);
    if (stopped === 'timeout') gw.current?.child.kill('SIGKILL');
    for (const p of redisServersUnder(dataDir)) killPid(p, 'SIGTERM');
    sandbox.child.kill('SIGTERM');
    await sandbox.exited;
    if (ok && !args.keep) rmSync(dir, { recursive: true, force: true });
  }
}

let args: ChaosArgs;
try {
  args = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
main(args).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
