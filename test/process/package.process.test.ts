import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/process.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout: 8 * 60_000,
    env: { ...process.env, FORCE_COLOR: '0', npm_config_update_notifier: 'false', ...env },
  });
}

/**
 * `npm pack` makes a package that installs and runs on a machine without the source tree: packed
 * from the built tree, installed into an empty folder (dependencies from npm's cache where it has
 * them, else the registry), and run through `npx eport` from there.
 */
describe('npm package (packed, installed elsewhere, run with npx)', () => {
  let work: string;
  let tarball: string;
  let files: string[];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'eport-pack-'));
    // dist/ is already built (npm test builds first); do not build again inside pack.
    const pack = run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
    expect(pack.status, pack.stderr).toBe(0);
    const [info] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
    tarball = join(work, info.filename);
    files = info.files.map((f) => f.path);
    const app = join(work, 'app');
    rmSync(app, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', app]);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'eport-install-check', private: true }),
    );
    // No install scripts: the optional PC/SC module needs headers this check does not; the
    // gateway runs without it (only card signers need it).
    const install = run(
      npm,
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--omit=dev',
        tarball,
      ],
      app,
    );
    expect(install.status, install.stderr).toBe(0);
  }, 10 * 60_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }), 5 * 60_000);

  it('ships the built CLI, config example, samples and code tables, and no sources or test code', () => {
    for (const f of [
      'bin/eport.js',
      'dist/main.js',
      'dist/app.js',
      'dist/records/audit-verify.js',
      'config/example.yaml',
      'README.md',
      'package.json',
    ])
      expect(files, f).toContain(f);
    expect(files.some((f) => f.startsWith('samples/declaration/'))).toBe(true);
    expect(files.some((f) => f.startsWith('src/translators/codes/tables/'))).toBe(true);
    const unwanted = files.filter((f) =>
      /\.test\.|\.map$|(^|\/)fake-[^/]*$|sm2-test-identity|^test\/|^bench\/|^scripts\/|^src\/(?!translators\/codes\/tables\/)|\.ts$/.test(
        f,
      ),
    );
    expect(unwanted).toEqual([]);
  });

  it(
    '`npx eport --help` runs from the installed package',
    () => {
      const r = run('npx', ['--no-install', 'eport', '--help'], join(work, 'app'));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^Usage: eport /);
      for (const cmd of ['start', 'doctor', 'audit', 'archive', 'receipts'])
        expect(r.stdout).toContain(cmd);
    },
    3 * 60_000,
  );

  it(
    '`npx eport config check` accepts the example config shipped in the package',
    () => {
      const app = join(work, 'app');
      const example = join(app, 'node_modules', 'eport-gateway', 'config', 'example.yaml');
      expect(existsSync(example)).toBe(true);
      // The example names its key through EPORT_KEY_FILE, and config check opens every file named.
      const id = generateSelfSignedIdentity({ commonName: 'package test', days: 30 });
      writeFileSync(join(work, 'operator.pem'), id.keyPem + id.certPem);
      const r = run('npx', ['--no-install', 'eport', 'config', 'check', example], app, {
        EPORT_KEY_FILE: join(work, 'operator.pem'),
        CUSTOMS_SUBMIT_URL: 'https://customs.example.invalid/submit',
        CUSTOMS_RECEIPT_URL: 'https://customs.example.invalid/receipts',
        EPORT_KEY_PASS: 'not-used-by-check',
      });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('OK / 配置正确');
      expect(
        readFileSync(join(app, 'node_modules', 'eport-gateway', 'package.json'), 'utf8'),
      ).toContain('"eport": "bin/eport.js"');
    },
    3 * 60_000,
  );
});
