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

  it('its commented 通关无纸化 channel (attachments, translation.paperless, translation.decRules) is valid once uncommented', () => {
    const start = text.indexOf('  # - name: paperless');
    const end = text.indexOf('  # The transport for it, under transports:');
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const channel = text
      .slice(start, end)
      .split('\n')
      .filter((l) => !/^\s*#\s+#/.test(l)) // the nested SFTP alternative stays a comment
      .map((l) => l.replace(/^ {2}# /, '  '))
      .join('\n');
    const transport = /^ {2}# (- \{ name: sw-client.*)$/m.exec(text)![1]!;
    const variant = `${text.slice(0, start)}${channel}`.replace(
      '\ntransports:\n',
      `\ntransports:\n  ${transport.replace('D:/ImpPath', dir)}\n`,
    );
    const file = join(dir, 'paperless.yaml');
    writeFileSync(file, variant);
    const cfg = loadConfig(file, { ...clean, ...env });
    const ch = cfg.channels.find((c) => c.name === 'paperless')!;
    expect(ch.intake[0]).toMatchObject({ type: 'folder', attachments: true });
    expect(ch.translation?.paperless).toEqual({
      maxAttachmentBytes: 4194304,
      maxMarkBytes: 1048576,
      maxAttachments: 100,
      splitAttachments: 'every',
    });
    expect(ch.translation?.decRules).toMatchObject({ transit: { specDeclFlagPosition: 7 } });
    expect(ch.transport).toBe('sw-client');
  });

  it('lets nobody into the HTTP API: no token hash until the user adds one', () => {
    expect(text).not.toMatch(/^[^#\n]*\b[0-9a-f]{64}\b/m);
    expect(loadConfig(EXAMPLE, { ...clean, ...env }).http.tokens).toEqual([]);
  });
});
