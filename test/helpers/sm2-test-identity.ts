/**
 * An SM2 key and self-signed SM3withSM2 certificate for simulating an SM2 operator card in tests.
 * node:crypto cannot generate SM2 keys, so OpenSSL makes them; without an `openssl` binary the
 * answer is undefined and SM2 tests skip.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool, missingTool, runTool } from './tools.js';
import type { SelfSignedIdentity } from '../../src/signing/self-signed.js';
import { SM2_DEFAULT_ID } from '../../src/signing/sm2.js';

let cached: SelfSignedIdentity | null | undefined;

/**
 * One SM2 identity per process (16-hex-digit serial, like SM2 card numbers), or undefined when
 * OpenSSL is not installed or has no SM2.
 */
export function sm2TestIdentity(): SelfSignedIdentity | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  if (!findTool('openssl')) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'fake-sm2-card-'));
  try {
    const run = (args: string[]) => {
      const r = runTool('openssl', args, { cwd: dir });
      if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
    };
    run(['genpkey', '-algorithm', 'SM2', '-out', 'key.pem']);
    run([
      'req',
      '-x509',
      '-new',
      '-key',
      'key.pem',
      '-sm3',
      '-sigopt',
      `distid:${SM2_DEFAULT_ID}`,
      '-utf8',
      '-subj',
      '/CN=测试SM2操作员卡 Fake SM2 Card/O=示例报关有限公司',
      '-days',
      '3650',
      '-set_serial',
      '0x03000000000cde6f',
      '-out',
      'cert.pem',
    ]);
    cached = {
      keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
      certPem: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } catch {
    cached = null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return cached ?? undefined;
}

/** Why `sm2TestIdentity()` has no identity to give (for `skipWithout`), or undefined when it has one. */
export function sm2Unavailable(): string | undefined {
  return sm2TestIdentity()
    ? undefined
    : (missingTool('openssl') ?? 'this openssl cannot make SM2 keys');
}
