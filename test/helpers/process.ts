import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';
import { waitFor } from './wait.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'eport.js');

export interface Spawned {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/** Runs `eport ARGS` (the built CLI) as a child process, capturing its output. */
export function spawnEport(args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, output: () => out, exited };
}

/**
 * Starts `eport sandbox --port 0 ARGS` as its own process (added to `procs` for clean-up) and
 * resolves with its base URL once it listens.
 */
export async function spawnSandbox(args: string[], procs: Spawned[], ms = 15_000): Promise<string> {
  const sandbox = spawnEport(['sandbox', '--port', '0', ...args]);
  procs.push(sandbox);
  return (await waitFor(
    'sandbox url',
    () => /listening[^:]*: (http:\/\/\S+)/.exec(sandbox.output())?.[1],
    Boolean,
    ms,
  ))!;
}
