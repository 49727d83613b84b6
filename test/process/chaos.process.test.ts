import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/process.js';

/**
 * The chaos harness (npm run chaos) in a reduced run: 500 declarations, 5 SIGKILLs of the gateway,
 * one Redis kill, 20% customs faults. Nothing may be lost, accepted twice, or miss or repeat a
 * receipt. Uses the built CLI (dist/), a managed redis-server, and the sandbox.
 */
describe('chaos run (500 files, 5 kills, spawned gateway and sandbox)', () => {
  it('ends with every count at zero', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join('scripts', 'chaos', 'run.ts'),
        '--files',
        '500',
        '--kills',
        '5',
        '--redis-restarts',
        '1',
        '--fault-rate',
        '0.2',
        '--seed',
        '12',
        '--quiet-timeout-s',
        '600',
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const line = out.trim().split('\n').at(-1) ?? '';
    expect(line, `chaos output:\n${out}\n${err.slice(-4000)}`).toMatch(/^\{/);
    const result = JSON.parse(line) as Record<string, number>;
    expect(result, err.slice(-4000)).toMatchObject({
      files: 500,
      kills: 5,
      lost: 0,
      accepted_twice: 0,
      receipts_missing: 0,
      receipts_duplicated: 0,
      error_receipts: 0,
      receipts_unknown: 0,
      failed_files: 0,
      http_failures: 0,
      names_never_freed: 0,
    });
    expect(code).toBe(0);
  }, 1_500_000);
});
