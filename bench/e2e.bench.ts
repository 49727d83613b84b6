/**
 * End to end: the gateway (`eport start`, its managed Redis) and the customs sandbox
 * (`eport sandbox`) as separate processes, folder intake, soft-key signing, HTTP delivery and the
 * sandbox's receipt feed — what a broker runs. Results go to bench/results.json under `e2e`.
 *
 *   node --import tsx bench/e2e.bench.ts            (npm run build first: it runs bin/eport.js)
 *   E2E_DOCS=2000 E2E_CEB=500 node --import tsx bench/e2e.bench.ts   (a shorter run)
 *
 * - docs_per_s: E2E_DOCS (default 10,000) declarations (1–20 items, 2–11 KB) renamed into the inbox
 *   at once; declarations per second from the drop to the last import response in the outbox.
 * - redis_cmds_per_doc, redis_in_kb_per_doc: what the gateway sent Redis per declaration.
 * - all_receipts_per_s: the same backlog counted to the last of each declaration's six receipts.
 * - sign_only_per_s: the signing rate alone in this process on the same documents, same run;
 *   ratio = docs_per_s / sign_only_per_s.
 * - p50_ms, p99_ms: drop-to-import-response latency at a steady offered load of half docs_per_s.
 * - rss_mb: peak RSS of the gateway's node processes during the backlog; redis_mb: the managed
 *   Redis's used_memory_peak.
 * - ceb_docs_per_s: the same rate for E2E_CEB (default 2,000) CEB311 orders from JSON.
 *
 * E2E_WORKERS=1,2 compares worker-process counts instead (`eport start --workers N`): the backlog
 * part only, once per count, side by side in one run; nothing is written to results.json.
 *
 *   E2E_DOCS=1000 E2E_WORKERS=1,2 node --import tsx bench/e2e.bench.ts
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { decMessage } from '../test/helpers/dec-message.js';
import { seededRandom } from '../test/helpers/seeded-random.js';
import { generateSelfSignedIdentity } from '../src/signing/self-signed.js';
import { loadSoftKeySigner } from '../src/signing/soft-key.js';
import { signEnveloped } from '../src/signing/xmldsig.js';
import { machineInfo, mergeResults } from './results-file.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// E2E_BIN: another build's bin/eport.js, to compare two versions side by side in one session.
const BIN = process.env.E2E_BIN ?? join(ROOT, 'bin', 'eport.js');
// E2E_WORK: a work folder of its own (two runs at once); E2E_DRY=1: results.json is left alone.
const WORK = process.env.E2E_WORK ?? join(ROOT, 'bench', '.work', 'e2e');
const DOCS = Number(process.env.E2E_DOCS ?? 10_000);
const CEB_DOCS = Number(process.env.E2E_CEB ?? 2_000);
const LATENCY_S = Number(process.env.E2E_LATENCY_S ?? 20);
const WORKERS = (process.env.E2E_WORKERS ?? '').split(',').filter(Boolean).map(Number);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ls = (d: string): string[] => (existsSync(d) ? readdirSync(d) : []);

function start(
  args: string[],
  nodeArgs: string[] = [],
  bin = BIN,
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [...nodeArgs, bin, ...args], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => void (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => void (out = (out + d.toString()).slice(-20_000)));
  return { child, output: () => out };
}

/**
 * The sandbox stands in for customs, so it is always this build's, checking signatures with the
 * fast verifier (with xml-crypto the stand-in, not the gateway, would set the pace).
 */
function startSandbox(): { child: ChildProcess; output: () => string } {
  return start(
    ['sandbox', '--port', '0', '--step-ms', '50', '--verifier', 'own'],
    [],
    join(ROOT, 'bin', 'eport.js'),
  );
}

async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  ok: (v: T) => boolean,
  ms: number,
  every = 100,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(every);
  }
}

/** RSS in MB of a process and its descendants except redis-server (reported on its own). */
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

function declaration(i: number, random: () => number): string {
  const items = 1 + Math.floor(random() * 20);
  // A remark of up to 200 characters (the field allows 255).
  return decMessage(`E2E${String(i).padStart(12, '0')}`, {
    items,
    note: '备注'.repeat(Math.floor(random() * 100)),
  });
}

function cebOrder(template: Record<string, Record<string, unknown>>, i: number): string {
  const copy = structuredClone(template);
  copy.order!['订单号'] = `SOE2E${String(i).padStart(10, '0')}`;
  return JSON.stringify(copy);
}

function config(sandboxUrl: string, samples: string): string {
  return `dataDir: ./data
redis: { prefix: e2e }
log: { level: warn, pretty: false }
http: { enabled: false }
retry: { schedule: "1s, 2s, 5s*5", jitter: 0.2, maxAge: 1h }
signers: [{ name: k, type: soft-key, key: ./k.pem }]
transports: [{ name: customs, type: http, url: "${sandboxUrl}/dec/submit", timeoutMs: 30s }]
receiptSources: [{ name: feed, type: http-pull, url: "${sandboxUrl}/receipts", intervalMs: 200ms }]
channels:
  - { name: dec, dir: ./dec, intake: [{ type: folder, pattern: "*.xml", stableMs: 0, pollMs: 100ms }], signer: k, transport: customs }
  - name: ceb
    dir: ./ceb
    translator: ceb
    translation: { mapping: ${JSON.stringify(join(samples, 'ceb', 'ceb311-order.yaml'))} }
    intake: [{ type: folder, pattern: "*.json", stableMs: 0, pollMs: 100ms }]
    signer: k
    transport: customs
`;
}

async function signOnly(docs: readonly string[], keyFile: string): Promise<number> {
  const signer = await loadSoftKeySigner({ name: 'k', path: keyFile });
  const end = performance.now() + 3000;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() < end) {
    await signEnveloped(docs[n % docs.length]!, signer, {
      algorithm: 'rsa-sha1',
      uris: { preset: 'chinaport-2022' },
    });
    n++;
  }
  return Math.round((n * 1000) / (performance.now() - t0));
}

async function main(): Promise<void> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(join(WORK, 'stage'), { recursive: true });
  const id = generateSelfSignedIdentity({ commonName: '性能测试 Bench', days: 30 });
  writeFileSync(join(WORK, 'k.pem'), id.keyPem + id.certPem);
  const random = seededRandom(8);
  console.log(`generating ${DOCS} declarations and ${CEB_DOCS} CEB311 orders…`);
  const docs = Array.from({ length: DOCS }, (_, i) => declaration(i, random));
  const sizes = docs.map((d) => Buffer.byteLength(d)).sort((a, b) => a - b);
  const signRate = await signOnly(docs.slice(0, 200), join(WORK, 'k.pem'));
  console.log(`sign only: ${signRate}/s (soft key, rsa-sha1, same documents)`);

  const sandbox = startSandbox();
  const url = await until(
    'sandbox',
    () => /listening[^:]*: (http:\/\/\S+)/.exec(sandbox.output())?.[1],
    Boolean,
    20_000,
  );
  writeFileSync(join(WORK, 'gw.yaml'), config(url!, join(ROOT, 'samples')));
  // E2E_CPU_PROF=DIR writes a CPU profile of the gateway process there (node --cpu-prof).
  const prof = process.env.E2E_CPU_PROF;
  // E2E_START_ARGS: more arguments for `eport start`, e.g. "--workers 1".
  const extra = (process.env.E2E_START_ARGS ?? '').split(' ').filter(Boolean);
  const gw = start(
    ['start', '--config', join(WORK, 'gw.yaml'), ...extra],
    prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [],
  );
  const inbox = join(WORK, 'dec', 'inbox');
  const outbox = join(WORK, 'dec', 'outbox');
  await until(
    'gateway started',
    () => existsSync(inbox) && existsSync(join(WORK, 'data', 'redis', 'redis.sock')),
    Boolean,
    30_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}\n${gw.output()}`);
  });
  const redis = new Redis({ path: join(WORK, 'data', 'redis', 'redis.sock') });
  let peakRss = 0;
  const sampler = setInterval(() => void (peakRss = Math.max(peakRss, rssMb(gw.child.pid!))), 250);
  const responses = (): number => ls(outbox).filter((f) => f.includes('.import-response.')).length;

  // 1. Backlog: all at once.
  docs.forEach((d, i) => writeFileSync(join(WORK, 'stage', `d${i}.xml`), d));
  const t0 = performance.now();
  for (let i = 0; i < DOCS; i++)
    renameSync(join(WORK, 'stage', `d${i}.xml`), join(inbox, `d${i}.xml`));
  let last = 0;
  await until(
    'all import responses',
    () => {
      const n = responses();
      if (n - last >= 1000)
        console.log(
          `  ${n} import responses after ${((performance.now() - t0) / 1000).toFixed(0)} s`,
        );
      if (n - last >= 1000) last = n;
      return n;
    },
    (n) => n >= DOCS,
    3_600_000,
    500,
  );
  const docsPerS = DOCS / ((performance.now() - t0) / 1000);
  const backlogRss = peakRss;
  const redisPeak =
    Number(/used_memory_peak:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0) / 1024 / 1024;
  console.log(
    `declarations: ${docsPerS.toFixed(1)}/s, gateway peak RSS ${backlogRss} MB, Redis peak ${redisPeak.toFixed(0)} MB`,
  );
  // The sandbox answers each declaration with six receipts over a few steps: let the later ones
  // drain first, so each phase below measures its own documents, not the backlog's tail.
  const drained = (n: number): Promise<boolean> =>
    until(
      'receipts drained',
      () => ls(outbox).length,
      (c) => c >= n,
      1_800_000,
      250,
    ).then(
      () => true,
      () => {
        console.log(`  (receipts not drained after 30 min: ${ls(outbox).length} of ${n})`);
        return false;
      },
    );
  // The same backlog counted to its last receipt (six per declaration), not its import response.
  const allReceiptsPerS = (await drained(DOCS * 6))
    ? DOCS / ((performance.now() - t0) / 1000)
    : null;
  console.log(`declarations with all six receipts written: ${allReceiptsPerS?.toFixed(1)}/s`);
  // Redis commands per declaration (the gateway's round trips, all six receipts included): the
  // busiest command kinds.
  const stats = [...(await redis.info('commandstats')).matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)]
    .map(([, cmd, calls]) => [cmd!, Number(calls) / DOCS] as const)
    .sort((a, b) => b[1] - a[1]);
  const redisCmdsPerDoc = stats.reduce((n, [, c]) => n + c, 0);
  // What the gateway wrote to Redis per declaration: command names, keys, arguments, scripts.
  const redisInKbPerDoc =
    Number(/total_net_input_bytes:(\d+)/.exec(await redis.info('stats'))?.[1] ?? 0) / 1024 / DOCS;
  console.log(
    `Redis commands per declaration: ${redisCmdsPerDoc.toFixed(0)}, ${redisInKbPerDoc.toFixed(1)} KB written (${stats
      .slice(0, 8)
      .map(([c, n]) => `${c} ${n.toFixed(1)}`)
      .join(', ')})`,
  );

  // 2. Latency at half the sustained rate, for LATENCY_S seconds.
  const rate = docsPerS / 2;
  const dropped = new Map<string, number>();
  const seen = new Map<string, number>();
  const latencyDocs = Math.max(20, Math.round(rate * LATENCY_S));
  const t1 = performance.now();
  const watcher = setInterval(() => {
    for (const f of ls(outbox)) {
      const m = /^l(\d+)\.import-response\./.exec(f);
      if (m && !seen.has(m[1]!)) seen.set(m[1]!, performance.now());
    }
  }, 20);
  for (let i = 0; i < latencyDocs; i++) {
    const due = t1 + (i * 1000) / rate;
    if (due > performance.now()) await sleep(due - performance.now());
    writeFileSync(join(WORK, 'stage', `l${i}.xml`), declaration(DOCS + i, random));
    renameSync(join(WORK, 'stage', `l${i}.xml`), join(inbox, `l${i}.xml`));
    dropped.set(String(i), performance.now());
  }
  await until(
    'latency run answered',
    () => seen.size,
    (n) => n >= latencyDocs,
    600_000,
    100,
  );
  clearInterval(watcher);
  const lat = [...dropped].map(([k, t]) => seen.get(k)! - t).sort((a, b) => a - b);
  const pct = (p: number): number =>
    Math.round(lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]!);
  console.log(`latency at ${rate.toFixed(0)}/s: p50 ${pct(50)} ms, p99 ${pct(99)} ms`);

  await drained((DOCS + latencyDocs) * 6);

  // 3. CEB311 orders from JSON.
  const template = JSON.parse(
    readFileSync(join(ROOT, 'samples', 'ceb', 'ceb311-order.json'), 'utf8'),
  ) as Record<string, Record<string, unknown>>;
  const cebIn = join(WORK, 'ceb', 'inbox');
  const cebOut = join(WORK, 'ceb', 'outbox');
  for (let i = 0; i < CEB_DOCS; i++)
    writeFileSync(join(WORK, 'stage', `c${i}.json`), cebOrder(template, i));
  const t2 = performance.now();
  for (let i = 0; i < CEB_DOCS; i++)
    renameSync(join(WORK, 'stage', `c${i}.json`), join(cebIn, `c${i}.json`));
  await until(
    'every order answered',
    () =>
      new Set(
        ls(cebOut)
          .filter((f) => f.includes('.ceb-return.'))
          .map((f) => f.split('.')[0]),
      ).size,
    (n) => n >= CEB_DOCS,
    3_600_000,
    500,
  );
  const cebPerS = CEB_DOCS / ((performance.now() - t2) / 1000);
  console.log(`CEB311 orders: ${cebPerS.toFixed(1)}/s`);

  clearInterval(sampler);
  redis.disconnect();
  gw.child.kill('SIGTERM');
  sandbox.child.kill('SIGTERM');
  await Promise.all([gw, sandbox].map((p) => new Promise((r) => p.child.once('exit', r))));

  const e2e = {
    docs: DOCS,
    docs_per_s: Math.round(docsPerS * 10) / 10,
    all_receipts_per_s: allReceiptsPerS && Math.round(allReceiptsPerS * 10) / 10,
    sign_only_per_s: signRate,
    ratio: Math.round((docsPerS / signRate) * 1000) / 1000,
    p50_ms: pct(50),
    p99_ms: pct(99),
    latency_offered_per_s: Math.round(rate * 10) / 10,
    rss_mb: backlogRss,
    redis_mb: Math.round(redisPeak),
    redis_cmds_per_doc: Math.round(redisCmdsPerDoc),
    redis_in_kb_per_doc: Math.round(redisInKbPerDoc * 10) / 10,
    ceb_docs: CEB_DOCS,
    ceb_docs_per_s: Math.round(cebPerS * 10) / 10,
    document_bytes: {
      min: sizes[0],
      median: sizes[Math.floor(sizes.length / 2)],
      max: sizes.at(-1),
    },
    machine: {
      ...machineInfo(),
      redis: execFileSync('redis-server', ['--version']).toString().trim(),
    },
  };
  if (process.env.E2E_DRY) return;
  mergeResults({ e2e });
  console.log(JSON.stringify(e2e, null, 2));
}

/** One backlog run with `--workers n`: declarations per second and the peak RSS of all its processes. */
async function backlogWith(
  workers: number,
  docs: readonly string[],
): Promise<{ workers: number; docsPerS: number; rssMb: number; redisMb: number }> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(join(WORK, 'stage'), { recursive: true });
  const id = generateSelfSignedIdentity({ commonName: '性能测试 Bench', days: 30 });
  writeFileSync(join(WORK, 'k.pem'), id.keyPem + id.certPem);
  const sandbox = startSandbox();
  const url = await until(
    'sandbox',
    () => /listening[^:]*: (http:\/\/\S+)/.exec(sandbox.output())?.[1],
    Boolean,
    20_000,
  );
  writeFileSync(join(WORK, 'gw.yaml'), config(url!, join(ROOT, 'samples')));
  const gw = start(['start', '--workers', String(workers), '--config', join(WORK, 'gw.yaml')]);
  const inbox = join(WORK, 'dec', 'inbox');
  const outbox = join(WORK, 'dec', 'outbox');
  await until(
    'gateway started',
    () => existsSync(inbox) && existsSync(join(WORK, 'data', 'redis', 'redis.sock')),
    Boolean,
    30_000,
  );
  const redis = new Redis({ path: join(WORK, 'data', 'redis', 'redis.sock') });
  let peakRss = 0;
  const sampler = setInterval(() => void (peakRss = Math.max(peakRss, rssMb(gw.child.pid!))), 250);
  docs.forEach((d, i) => writeFileSync(join(WORK, 'stage', `d${i}.xml`), d));
  const t0 = performance.now();
  for (let i = 0; i < docs.length; i++)
    renameSync(join(WORK, 'stage', `d${i}.xml`), join(inbox, `d${i}.xml`));
  await until(
    'all import responses',
    () => ls(outbox).filter((f) => f.includes('.import-response.')).length,
    (n) => n >= docs.length,
    3_600_000,
    250,
  );
  const docsPerS = docs.length / ((performance.now() - t0) / 1000);
  clearInterval(sampler);
  const redisMb =
    Number(/used_memory_peak:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0) / 1024 / 1024;
  redis.disconnect();
  gw.child.kill('SIGTERM');
  sandbox.child.kill('SIGTERM');
  await Promise.all([gw, sandbox].map((p) => new Promise((r) => p.child.once('exit', r))));
  return {
    workers,
    docsPerS: Math.round(docsPerS * 10) / 10,
    rssMb: peakRss,
    redisMb: Math.round(redisMb),
  };
}

async function compareWorkers(): Promise<void> {
  const random = seededRandom(8);
  const docs = Array.from({ length: DOCS }, (_, i) => declaration(i, random));
  const rows = [];
  for (const w of WORKERS) {
    console.log(`--workers ${w}: ${DOCS} declarations…`);
    const r = await backlogWith(w, docs);
    console.log(`  ${r.docsPerS}/s, peak RSS ${r.rssMb} MB, Redis peak ${r.redisMb} MB`);
    rows.push(r);
  }
  console.log(
    `\nworkers  declarations/s  gateway RSS MB  Redis MB   (${DOCS} docs, ${cpus().length} cores)`,
  );
  for (const r of rows)
    console.log(
      `${String(r.workers).padStart(7)}  ${String(r.docsPerS).padStart(14)}  ${String(r.rssMb).padStart(14)}  ${String(r.redisMb).padStart(8)}`,
    );
}

(WORKERS.length ? compareWorkers() : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
