import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../helpers/process.js';

/** The container image, built and run where a container engine answers (the static checks are in `dockerfile.test.ts`). */
/** The container engine here, if one answers; otherwise why not. */
function containerEngine(): { engine?: string; why: string } {
  const reasons: string[] = [];
  for (const engine of ['docker', 'podman']) {
    const r = spawnSync(engine, ['info'], { encoding: 'utf8', timeout: 20_000 });
    if (r.status === 0) return { engine, why: '' };
    reasons.push(
      r.error
        ? `${engine} not installed`
        : `${engine} info failed: ${(r.stderr || r.stdout).trim().split('\n').at(-1)}`,
    );
  }
  return { why: reasons.join('; ') };
}

describe('container image', () => {
  const { engine, why } = containerEngine();
  it.skipIf(!engine)(
    `builds and answers --help${engine ? ` (${engine})` : ` — skipped: no container engine runs here (${why})`}`,
    () => {
      const tag = `eport-gateway-test:${process.pid}`;
      try {
        const build = spawnSync(engine!, ['build', '-t', tag, ROOT], {
          encoding: 'utf8',
          timeout: 20 * 60_000,
        });
        expect(build.status, build.stderr).toBe(0);
        const run = spawnSync(engine!, ['run', '--rm', tag, '--help'], {
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(run.status, run.stderr).toBe(0);
        expect(run.stdout).toMatch(/^Usage: eport /);
        const user = spawnSync(engine!, ['run', '--rm', '--entrypoint', 'id', tag, '-u'], {
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(user.stdout.trim()).toBe('10001');
      } finally {
        spawnSync(engine!, ['rmi', '-f', tag], { timeout: 60_000 });
      }
    },
    25 * 60_000,
  );
});
