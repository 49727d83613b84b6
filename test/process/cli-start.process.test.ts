import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/process.js';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.js';

const RECORDER = join(ROOT, 'test', 'helpers', 'record-imports.mjs');
const dir = mkdtempSync(join(tmpdir(), 'eport-cli-start-'));

/** Runs the CLI and returns the npm packages it loaded (by name). */
function packagesLoadedBy(...args: string[]): {
  status: number | null;
  packages: Set<string>;
  out: string;
} {
  const log = join(dir, `imports-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', RECORDER, BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, EPORT_RECORD_IMPORTS: log, FORCE_COLOR: '0' },
  });
  const packages = new Set(
    [...readFileSync(log, 'utf8').matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map(
      (m) => m[1]!,
    ),
  );
  return { status: r.status, packages, out: r.stdout + r.stderr };
}

/** What only the daemon, the sandbox or a card needs: no quick command may load it. */
const DAEMON_ONLY = [
  'bullmq',
  'fastify',
  'exceljs',
  'undici',
  'ssh2-sftp-client',
  'ssh2',
  'prom-client',
  'ws',
  'node-forge',
  'xml-crypto',
  'sm-crypto-v2',
  'pcsclite',
];

/**
 * Start-up: each command loads what it needs when it runs (the start time itself is measured by
 * `npm run bench`, not asserted here), and a command line that names no command fails.
 */
describe('CLI start (spawned)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('`eport --help` loads nothing but the command-line parser', () => {
    const r = packagesLoadedBy('--help');
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^Usage: eport /);
    expect([...r.packages]).toEqual(['commander']);
  });

  it('`eport validate FILE` loads the translators, not the daemon', () => {
    const r = packagesLoadedBy(
      'validate',
      join(ROOT, 'samples', 'declaration', 'dec-01-import-components-utf8.xml'),
    );
    expect(r.status).toBe(0);
    for (const p of [...DAEMON_ONLY, 'ioredis', 'pino']) expect(r.packages.has(p), p).toBe(false);
  });

  it('`eport status FILE` loads Redis and the configuration, not the queues or the daemon', () => {
    const config = join(dir, 'gw.yaml');
    writeFileSync(
      config,
      `redis: { url: "${TEST_REDIS_URL}", prefix: ${uniquePrefix('start')} }\nsigners: [{ name: k, type: soft-key, key: ./k.pem }]\ntransports: [{ name: t, type: http, url: "http://127.0.0.1:1/x" }]\nchannels: [{ name: d, dir: ./d, signer: k, transport: t }]\n`,
    );
    const r = packagesLoadedBy('status', 'nothing-here.xml', '--config', config);
    expect(r.out).toContain('no message found for "nothing-here.xml"');
    expect(r.packages.has('ioredis')).toBe(true);
    for (const p of DAEMON_ONLY) expect(r.packages.has(p), p).toBe(false);
  });

  it.each([['nope'], ['nope', '--help'], ['statsu', '--config', 'x.yaml']])(
    '`eport %s` is an unknown command and exits 1',
    (...args) => {
      const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`unknown command '${args[0]}'`);
    },
  );
});
