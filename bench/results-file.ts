import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { fileURLToPath } from 'node:url';

/** bench/results.json: every bench merges its own keys into it and leaves the others alone. */
export const RESULTS_FILE = fileURLToPath(new URL('./results.json', import.meta.url));

/** Merges `entries` into bench/results.json (written whole, then renamed into place). */
export function mergeResults(entries: Record<string, unknown>): void {
  const current = existsSync(RESULTS_FILE)
    ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>)
    : {};
  writeFileSync(`${RESULTS_FILE}.tmp`, `${JSON.stringify({ ...current, ...entries }, null, 2)}\n`);
  renameSync(`${RESULTS_FILE}.tmp`, RESULTS_FILE);
}

/** The machine a figure was measured on: what every entry of results.json carries. */
export function machineInfo(): Record<string, string | number> {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    node: process.version,
    loadavg1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}
