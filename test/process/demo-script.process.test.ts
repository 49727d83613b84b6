import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/process.js';

/**
 * `scripts/demo.sh` on a machine that lacks everything: it must say what it will install and why
 * before the first install command runs. The script runs in a copy of the repository layout with
 * apt-get, sudo, npm, node and id replaced by stubs that only print that they were called.
 */
describe('scripts/demo.sh (spawned with stub installers)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eport-demo-sh-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(uid: number): string {
    const repo = join(dir, `repo-${uid}`);
    const bin = join(dir, `bin-${uid}`);
    mkdirSync(join(repo, 'scripts'), { recursive: true });
    mkdirSync(join(repo, 'src'));
    mkdirSync(bin);
    copyFileSync(join(ROOT, 'scripts', 'demo.sh'), join(repo, 'scripts', 'demo.sh'));
    writeFileSync(join(repo, 'package-lock.json'), '{}');
    const stub = (name: string, body = `echo "CALLED ${name} $*"`) => {
      writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    for (const name of ['apt-get', 'sudo', 'npm', 'node']) stub(name);
    stub('id', `echo ${uid}`);
    for (const tool of ['dirname', 'find', 'env'])
      symlinkSync(
        spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(),
        join(bin, tool),
      );
    const r = spawnSync('/bin/bash', [join(repo, 'scripts', 'demo.sh')], {
      encoding: 'utf8',
      env: { PATH: bin, HOME: dir },
    });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  }

  it.each([
    // libpcsclite-dev only where its headers are missing (CI installs them).
    [
      0,
      [
        'redis-server',
        ...(existsSync('/usr/include/PCSC/winscard.h') ? [] : ['libpcsclite-dev']),
        'npm ci',
      ],
    ],
    [1000, ['redis-server', 'sudo', 'npm ci']],
  ])('as uid %i: names each install and its reason before running any', (uid, mentions) => {
    const out = run(uid);
    const firstCall = out.indexOf('CALLED ');
    expect(firstCall).toBeGreaterThan(0);
    const plan = out.slice(0, firstCall);
    expect(plan).toContain('Before the demo starts, this script will');
    for (const m of mentions) expect(plan).toContain(m);
    expect(plan).toMatch(/redis-server .*: the gateway keeps its queues/);
    if (uid === 0 && mentions.includes('libpcsclite-dev'))
      expect(plan).toMatch(/libpcsclite-dev .*: the PC\/SC headers .*works without it/);
    else expect(plan).not.toContain('libpcsclite-dev');
    expect(out).toMatch(/CALLED node bin\/eport\.js demo --dir \.\/demo --seed/);
  });
});
