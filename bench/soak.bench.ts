/**
 * Soak: SOAK_DOCS declarations (default 100,000) through folder intake, soft-key signing and HTTP
 * to the customs sandbox (its own process), with a short retention so finished messages leave
 * Redis while the run goes on. Every SOAK_SAMPLE_S seconds (default 5) it prints Redis used_memory,
 * the gateway's RSS (all its processes, without redis-server) and progress: the memory curve.
 * Not run in CI. The summary (means of the middle and last thirds, peaks) goes to
 * bench/results.json under `soak` unless SOAK_DRY=1.
 *
 *   npm run build && SOAK_DOCS=5000 node --import tsx bench/soak.bench.ts
 *
 * The inbox is fed in rounds of SOAK_BATCH files (default 200) whenever fewer than two rounds are
 * unanswered, so the run measures a steady state, not one huge backlog. SOAK_WORKERS sets
 * --workers. `live` is the number of messages in the ledger (in flight or within the retention).
 * SOAK_MAX_MIN stops dropping new files after that many minutes (the summary says how many went
 * through). The sandbox checks signatures with the gateway's own verifier, so it does not set
 * the pace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { decMessage } from '../test/helpers/dec-message.js';
import { generateSelfSignedIdentity } from '../src/signing/self-signed.js';
import { machineInfo, mergeResults } from './results-file.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, 'bench', '.work', 'soak');
const BIN = join(ROOT, 'bin', 'eport.js');
const DOCS = Number(process.env.SOAK_DOCS ?? 100_000);
const BATCH = Number(process.env.SOAK_BATCH ?? 200);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S ?? 5);
const RETENTION = process.env.SOAK_RETENTION ?? '20s';
const WORKERS = process.env.SOAK_WORKERS ?? '1';
/** Completed queue jobs are kept this long; the default hour would dominate a short soak. */
const JOBS = process.env.SOAK_JOBS ?? RETENTION;
const MAX_MS = Number(process.env.SOAK_MAX_MIN ?? Infinity) * 60_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ls = (d: string): string[] => (existsSync(d) ? readdirSync(d) : []);

function start(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer): void => void (out = (out + d.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, output: () => out };
}

/** RSS in MB of a process and its descendants except redis-server. */
function rssMb(pid: number): number {
  let total = 0;
  const walk = (p: number): void => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const name = /^Name:\s+(\S+)/m.exec(status)?.[1] ?? '';
      if (!name.startsWith('redis')) total += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      const kids = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      for (const k of kids ? kids.split(/\s+/) : []) walk(Number(k));
    } catch {
      // gone
    }
  };
  walk(pid);
  return Math.round(total / 1024);
}

async function main(): Promise<void> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(join(WORK, 'stage'), { recursive: true });
  const id = generateSelfSignedIdentity({ commonName: '耐久测试 Soak', days: 30 });
  writeFileSync(join(WORK, 'k.pem'), id.keyPem + id.certPem);
  const sandbox = start(['sandbox', '--port', '0', '--step-ms', '50', '--verifier', 'own']);
  let url: string | undefined;
  for (let i = 0; i < 200 && !url; i++) {
    url = /listening[^:]*: (http:\/\/\S+)/.exec(sandbox.output())?.[1];
    await sleep(100);
  }
  if (!url) throw new Error(`sandbox did not start\n${sandbox.output()}`);
  writeFileSync(
    join(WORK, 'gw.yaml'),
    `dataDir: ./data
redis: { prefix: soak }
log: { level: warn, pretty: false }
http: { enabled: false }
retention: { finished: ${RETENTION}, feed: ${RETENTION}, jobs: ${JOBS} }
retry: { schedule: "1s, 2s, 5s*5", jitter: 0.2, maxAge: 1h }
signers: [{ name: k, type: soft-key, key: ./k.pem }]
transports: [{ name: customs, type: http, url: "${url}/dec/submit", timeoutMs: 30s }]
receiptSources: [{ name: feed, type: http-pull, url: "${url}/receipts", intervalMs: 200ms }]
channels:
  - { name: dec, dir: ./dec, intake: [{ type: folder, pattern: "*.xml", stableMs: 0, pollMs: 100ms }], signer: k, transport: customs }
`,
  );
  const gw = start(['start', '--workers', WORKERS, '--config', join(WORK, 'gw.yaml')]);
  const inbox = join(WORK, 'dec', 'inbox');
  const outbox = join(WORK, 'dec', 'outbox');
  const sock = join(WORK, 'data', 'redis', 'redis.sock');
  for (let i = 0; i < 300 && !(existsSync(inbox) && existsSync(sock)); i++) await sleep(100);
  if (!existsSync(sock)) throw new Error(`gateway did not start\n${gw.output()}`);
  const redis = new Redis({ path: sock });

  const t0 = performance.now();
  const curve: {
    s: number;
    dropped: number;
    answered: number;
    redisMb: number;
    rssMb: number;
    keys: number;
  }[] = [];
  let dropped = 0;
  let answered = 0;
  // Final receipts (the sandbox's sixth, R 放行) by file stem: a declaration counts as answered
  // when its last receipt is written, so the feeding keeps pace with the receipt stage, not only
  // the import responses; a receipt written again after the consumer took the file once (see
  // the retention notes in the README) counts once.
  const seen = new Set<string>();
  const sample = async (): Promise<void> => {
    const info = await redis.info('memory');
    const row = {
      s: Math.round((performance.now() - t0) / 1000),
      dropped,
      answered,
      redisMb: Math.round(Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / 1024 / 10.24) / 100,
      rssMb: rssMb(gw.child.pid!),
      keys: await redis.dbsize(),
      live: await redis.zcard('soak:ledger:by-time'),
    };
    curve.push(row);
    console.log(
      `${String(row.s).padStart(6)} s  dropped ${String(row.dropped).padStart(7)}  answered ${String(row.answered).padStart(7)}  Redis ${row.redisMb.toFixed(1).padStart(7)} MB  keys ${String(row.keys).padStart(7)}  live ${String(row.live).padStart(6)}  gateway RSS ${String(row.rssMb).padStart(5)} MB`,
    );
  };
  let nextSample = 0;
  console.log(
    `soak: ${DOCS} declarations, retention ${RETENTION}, jobs ${JOBS}, --workers ${WORKERS}`,
  );
  // Outbox files are removed as they are counted, as a consuming system would.
  const countAnswers = (): void => {
    for (const f of ls(outbox)) {
      // Only finished files: a writer's temporary file (dot-prefixed) must not count.
      if (/^s\d+\.dec-result\.06\.xml$/.test(f) && !seen.has(f.split('.')[0]!)) {
        seen.add(f.split('.')[0]!);
        answered++;
      }
      rmSync(join(outbox, f), { force: true });
    }
    for (const f of ls(join(WORK, 'dec', 'sent')))
      rmSync(join(WORK, 'dec', 'sent', f), { force: true });
  };
  let limit = DOCS;
  while (answered < limit) {
    if (performance.now() - t0 > MAX_MS && limit === DOCS) {
      limit = dropped;
      console.log(`SOAK_MAX_MIN reached: no more files; waiting for the ${dropped} dropped`);
    }
    if (dropped < limit && dropped - answered < 2 * BATCH) {
      const n = Math.min(BATCH, limit - dropped);
      for (let i = 0; i < n; i++) {
        const name = `s${dropped + i}.xml`;
        writeFileSync(
          join(WORK, 'stage', name),
          decMessage(`SOAK${String(dropped + i).padStart(11, '0')}`),
        );
        renameSync(join(WORK, 'stage', name), join(inbox, name));
      }
      dropped += n;
    }
    countAnswers();
    if (performance.now() - t0 >= nextSample) {
      await sample();
      nextSample += SAMPLE_S * 1000;
    }
    await sleep(200);
  }
  // After the last answer, a few more samples: the retention empties Redis of finished messages.
  const tail = Date.now() + 2 * 1000 * Number.parseFloat(RETENTION) + 10_000;
  while (Date.now() < tail) {
    countAnswers();
    await sample();
    await sleep(SAMPLE_S * 1000);
  }
  redis.disconnect();
  gw.child.kill('SIGTERM');
  sandbox.child.kill('SIGTERM');
  await Promise.all([gw, sandbox].map((p) => new Promise((r) => p.child.once('exit', r))));
  const third = Math.max(1, Math.floor(curve.length / 3));
  const avg = (rows: typeof curve, k: 'redisMb' | 'rssMb'): number =>
    Math.round((rows.reduce((a, r) => a + r[k], 0) / rows.length) * 10) / 10;
  const mid = curve.slice(third, 2 * third);
  const last = curve.slice(2 * third);
  const peak = (k: 'redisMb' | 'rssMb'): number => Math.max(...curve.map((r) => r[k]));
  console.log(
    `\nmean of the middle third: Redis ${avg(mid, 'redisMb')} MB, RSS ${avg(mid, 'rssMb')} MB; last third: Redis ${avg(last, 'redisMb')} MB, RSS ${avg(last, 'rssMb')} MB`,
  );
  if (process.env.SOAK_DRY) return;
  const seconds = curve.at(-1)!.s;
  const soak = {
    docs: answered,
    seconds,
    retention: RETENTION,
    workers: Number(WORKERS),
    mid_third: { redis_mb: avg(mid, 'redisMb'), rss_mb: avg(mid, 'rssMb') },
    last_third: { redis_mb: avg(last, 'redisMb'), rss_mb: avg(last, 'rssMb') },
    peak: { redis_mb: peak('redisMb'), rss_mb: peak('rssMb') },
    machine: machineInfo(),
  };
  mergeResults({ soak });
  console.log(`bench/results.json: soak ${JSON.stringify(soak)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
