import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/process.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';
import { loadConfig } from '../../src/config/load.js';

const EXAMPLE = join(ROOT, 'config', 'example.yaml');
const text = readFileSync(EXAMPLE, 'utf8');
/** Variables the header tells the user to export. */
const listed = [...text.matchAll(/^#\s+export ([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
/** Variables the configuration reads: ${NAME} and { env: NAME }. */
const used = [
  ...text.matchAll(/^[^#\n]*(?:\$\{([A-Z_][A-Z0-9_]*)\}|env: ([A-Z_][A-Z0-9_]*))/gm),
].map((m) => m[1] ?? m[2]!);

describe('config/example.yaml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eport-example-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const id = generateSelfSignedIdentity({ commonName: 'example', days: 30 });
  writeFileSync(join(dir, 'operator.pem'), id.keyPem + id.certPem);
  const env = {
    EPORT_KEY_FILE: join(dir, 'operator.pem'),
    EPORT_KEY_PASS: 'x',
    CUSTOMS_SUBMIT_URL: 'https://customs.example/submit',
    CUSTOMS_RECEIPT_URL: 'https://customs.example/receipts',
  };
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in env)));
  const check = (vars: Record<string, string>) =>
    spawnSync(process.execPath, [BIN, 'config', 'check', '--config', EXAMPLE], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...clean, ...vars },
    });

  it('lists in its header every environment variable it reads', () => {
    expect(used.length).toBeGreaterThan(0);
    expect([...new Set(used)].sort()).toEqual([...new Set(listed)].sort());
    expect(Object.keys(env).sort()).toEqual([...new Set(listed)].sort());
  });

  it('passes the check its header suggests once those variables are set, and names each one that is not', () => {
    const ok = check(env);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const bare = check({});
    expect(bare.status).toBe(1);
    for (const name of listed) expect(bare.stderr).toContain(name);
  });

  it('lets nobody into the HTTP API: no token hash until the user adds one', () => {
    expect(text).not.toMatch(/^[^#\n]*\b[0-9a-f]{64}\b/m);
    expect(loadConfig(EXAMPLE, { ...clean, ...env }).http.tokens).toEqual([]);
  });
});
