/**
 * The independent command-line verifiers (xmlsec1, xmllint, openssl) and the other programs some
 * tests need (sshd, pcscd, chromium): finding them, running them, and deciding what a test does
 * when one is missing. Nothing in the gateway depends on them; the benchmark uses them too.
 *
 * A missing tool skips its tests on a developer machine (with a warning naming the package to
 * install) and fails them under `CI=true`: CI installs every tool, so a skip there would let the
 * run pass without the independent checks the design promises.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of an executable on PATH, or undefined when it is not installed. */
export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface ToolResult {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs a tool synchronously (no shell) and returns exit status and output. */
export function runTool(
  name: string,
  args: readonly string[],
  options: { input?: string | Buffer; cwd?: string } = {},
): ToolResult {
  const r = spawnSync(name, args, {
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** Debian packages for the tools tests look for, for the "install it" hint. */
const PACKAGES: Readonly<Record<string, string>> = {
  xmlsec1: 'xmlsec1',
  xmllint: 'libxml2-utils',
  openssl: 'openssl',
  sshd: 'openssh-server',
  pcscd: 'pcscd',
  chromium: 'chromium',
};

/** Why `name` cannot be used (not on PATH, with the package that has it), or undefined when it is there. */
export function missingTool(name: string): string | undefined {
  if (findTool(name)) return undefined;
  return `${name} is not installed${PACKAGES[name] ? ` (apt-get install ${PACKAGES[name]})` : ''}`;
}

/** True when the tests run in CI (`CI=true`, as CI services and `.ci/run` set it). */
export const inCi = (): boolean => ['true', '1'].includes((process.env.CI ?? '').toLowerCase());

/**
 * The one rule for a test whose tool is missing. `missing` is undefined when everything is there,
 * otherwise the reason. Returns true when the tests must be skipped (use with `describe.skipIf` or
 * `it.skipIf`); under `CI=true` it throws instead, so the test file fails and names the reason.
 */
export function skipWithout(what: string, missing: string | undefined): boolean {
  if (missing === undefined) return false;
  if (inCi())
    throw new Error(
      `${what} cannot run: ${missing}. Under CI=true a missing tool is a failure, not a skip.`,
    );
  console.warn(`${what} skipped: ${missing}`);
  return true;
}
