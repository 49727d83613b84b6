import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ROOT } from '../helpers/process.js';

/**
 * The container packaging, checked without a container engine: the Dockerfile's required
 * properties and its lint (dockerfile-utils), the compose file's Redis settings. The image
 * itself is built in `dockerfile-image.process.test.ts`, where an engine runs.
 */
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
/** Instructions with continuation lines joined and comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => ({ op: l.split(/\s+/)[0]!.toUpperCase(), args: l.slice(l.indexOf(' ') + 1).trim() }));
// Stages from each FROM on (a global ARG may come before the first).
const stages = instructions.reduce<(typeof instructions)[]>(
  (acc, i) => (i.op === 'FROM' ? [...acc, [i]] : (acc.at(-1)?.push(i), acc)),
  [],
);
const runtime = stages.at(-1)!;
const isExecForm = (args: string): boolean => Array.isArray(JSON.parse(args));

describe('Dockerfile', () => {
  it('is multi-stage, on a pinned Debian slim Node.js image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    // an exact release (or a digest), never a moving tag such as node:20 or latest
    expect(base).toMatch(/^node:\d+\.\d+\.\d+-(bookworm|trixie)-slim(@sha256:[0-9a-f]{64})?$/);
    for (const s of stages) expect(s[0]!.args).toMatch(/^\$\{NODE_IMAGE\}( AS \w+)?$/);
    // the runtime stage gets the build output, not the build tools
    expect(
      runtime.filter((i) => i.op === 'COPY').every((i) => i.args.startsWith('--from=build')),
    ).toBe(true);
    expect(runtime.find((i) => i.op === 'RUN')!.args).not.toMatch(/g\+\+|make|python3|-dev\b/);
  });

  it('runs as a non-root user with an exec-form entrypoint, so SIGTERM reaches node', () => {
    const user = runtime.filter((i) => i.op === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
    for (const op of ['ENTRYPOINT', 'CMD']) {
      const i = runtime.find((x) => x.op === op);
      expect(i, op).toBeDefined();
      expect(isExecForm(i!.args), `${op} in exec form`).toBe(true);
    }
    expect(JSON.parse(runtime.find((i) => i.op === 'ENTRYPOINT')!.args)).toEqual([
      '/usr/bin/tini',
      '--',
      'node',
      '/opt/eport/bin/eport.js',
    ]);
  });

  it('has a HEALTHCHECK on /readyz and volumes for the data and channel folders', () => {
    const hc = runtime.find((i) => i.op === 'HEALTHCHECK')!;
    expect(hc).toBeDefined();
    expect(isExecForm(hc.args.slice(hc.args.indexOf('CMD ') + 4))).toBe(true);
    expect(hc.args).toContain('EPORT_HEALTH_URL');
    expect(dockerfile).toMatch(/EPORT_HEALTH_URL=http:\/\/127\.0\.0\.1:8470\/readyz/);
    expect(JSON.parse(runtime.find((i) => i.op === 'VOLUME')!.args)).toEqual([
      '/var/lib/eport',
      '/srv/eport',
    ]);
    expect(dockerfile).toContain('/run/pcscd:/run/pcscd');
  });

  it('passes the Dockerfile linter (dockerfile-utils lint) and leaves no apt lists behind', () => {
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'dockerfile-utils', 'bin', 'dockerfile-utils'),
        'lint',
        join(ROOT, 'Dockerfile'),
      ],
      { encoding: 'utf8' },
    );
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const i of instructions.filter(
      (x) => x.op === 'RUN' && x.args.includes('apt-get install'),
    )) {
      expect(i.args).toContain('--no-install-recommends');
      expect(i.args).toContain('rm -rf /var/lib/apt/lists/*');
    }
    expect(instructions.some((i) => i.op === 'ADD')).toBe(false);
  });
});

describe('docker-compose.yml', () => {
  const compose = parseYaml(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<
      string,
      {
        command?: string[];
        profiles?: string[];
        stop_grace_period?: string;
        image?: string;
        build?: string;
      }
    >;
  };

  it('runs Redis with AOF and noeviction, and the trial run under the sandbox profile', () => {
    const redis = compose.services.redis!;
    expect(redis.image).toMatch(/^redis:\d+\.\d+\.\d+/);
    expect(redis.command!.join(' ')).toContain('--appendonly yes');
    expect(redis.command!.join(' ')).toContain('--maxmemory-policy noeviction');
    expect(compose.services.gateway!.build).toBe('.');
    expect(compose.services.trial!.profiles).toEqual(['sandbox']);
    expect(compose.services.trial!.command).toEqual([
      'demo',
      '--dir',
      '/var/lib/eport/demo',
      '--seed',
    ]);
    // longer than the default drain (shutdownMs 20s)
    for (const s of ['gateway', 'trial'])
      expect(Number.parseInt(compose.services[s]!.stop_grace_period!, 10)).toBeGreaterThan(20);
  });
});
