/**
 * CLI start time: wall time from spawning `eport …` to its exit, for the commands a new user runs
 * first, next to a bare `node -e 0` (the floor no CLI can beat). Median of RUNS spawns each, after
 * one warm-up spawn (disk cache). Needs dist/ (npm run build); `status` talks to the Redis at
 * REDIS_URL or 127.0.0.1:6379 with a key prefix of its own. Merged into bench/results.json as
 * `cli.start`. Run: node --import tsx bench/cli-start.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeResults } from './results-file.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'eport.js');
const RUNS = 9;

const dir = mkdtempSync(join(tmpdir(), 'cli-start-bench-'));
const config = join(dir, 'gw.yaml');
writeFileSync(
  config,
  `redis: { url: "${process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'}", prefix: cli-start-bench }\nsigners: [{ name: k, type: soft-key, key: ./k.pem }]\ntransports: [{ name: t, type: http, url: "http://127.0.0.1:1/x" }]\nchannels: [{ name: d, dir: ./d, signer: k, transport: t }]\n`,
);

const commands: Record<string, string[]> = {
  node_floor: ['-e', '0'],
  help: [BIN, '--help'],
  status: [BIN, 'status', 'dec-01.xml', '--config', config],
  validate: [
    BIN,
    'validate',
    join(ROOT, 'samples', 'declaration', 'dec-01-import-components-utf8.xml'),
  ],
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const load = loadavg()[0]!;
const entry: Record<string, unknown> = {};
for (const [name, args] of Object.entries(commands)) {
  spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  entry[`${name}_ms`] = Math.round(median(times));
  console.log(
    `${name.padEnd(10)} ${Math.round(median(times))} ms (min ${Math.round(Math.min(...times))}, max ${Math.round(Math.max(...times))})`,
  );
}
entry.machine = {
  date: new Date().toISOString(),
  node: process.version,
  loadavg1m: Math.round(load * 10) / 10,
  loadavg1mAfter: Math.round(loadavg()[0]! * 10) / 10,
};
entry.method = `median wall time of ${RUNS} spawns after one warm-up; status looks up one file in Redis; load average shows how busy the shared machine was`;
rmSync(dir, { recursive: true, force: true });

mergeResults({ 'cli.start': entry });
