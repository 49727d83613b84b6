import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BIN, ROOT } from '../helpers/process.js';
import { toGatewayError } from '../../src/core/errors.js';
import { intakeRefusals } from '../../src/gateway/intake-refusals.js';
import { createTranslator } from '../../src/translators/factory.js';
import { translateAll } from '../../src/translators/translator.js';
import { formatError } from '../../src/cli/format-error.js';

const eport = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });

/** What the daemon reports for a file dropped into a dec-xml channel (the default translator). */
async function daemonSays(file: string): Promise<string> {
  const bytes = readFileSync(file);
  if (bytes.length === 0) return formatError(intakeRefusals.empty(basename(file), 'folder'));
  try {
    await translateAll(createTranslator('dec-xml'), bytes, {
      channel: 'declaration',
      fileName: basename(file),
    });
  } catch (err) {
    return formatError(toGatewayError(err));
  }
  throw new Error(`${file} was accepted`);
}

/**
 * The CLI says what the daemon would say for the same file: the same codes and the same bilingual
 * text, never a mapping hint for a broken XML file, a raw ENOENT or a crash of the formatter.
 */
describe('CLI errors (spawned)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eport-cli-errors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sample = readFileSync(join(ROOT, 'samples', 'declaration', 'dec-04-import-food-gbk.xml'));
  writeFileSync(
    join(dir, 'gbk-declared-utf8.xml'),
    Buffer.from(sample.toString('latin1').replace('encoding="GBK"', 'encoding="UTF-8"'), 'latin1'),
  );
  writeFileSync(join(dir, 'empty.xml'), '');
  writeFileSync(
    join(dir, 'wrong-root.xml'),
    '<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:example:invoice"><No>1</No></Invoice>\n',
  );

  it.each([
    ['gbk-declared-utf8.xml', 'GW_ERR_XML_ENCODING'],
    ['empty.xml', 'GW_ERR_INTAKE_EMPTY'],
    ['wrong-root.xml', 'GW_ERR_TRANSLATE_ROOT'],
  ])('`validate %s` reports %s exactly as the daemon does', async (name, code) => {
    const file = join(dir, name);
    const expected = await daemonSays(file);
    expect(expected.startsWith(`${code}: `)).toBe(true);
    const r = eport('validate', file);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(expected);
    expect(r.stdout).not.toContain('--mapping');
    const t = eport('translate', file);
    expect(t.status).toBe(1);
    expect(t.stderr.trim()).toBe(expected);
  });

  it('a missing file is reported with a code, in both languages, and the other files are still checked', () => {
    const missing = join(dir, 'no-such-file.xml');
    const r = eport(
      'validate',
      missing,
      join(ROOT, 'samples', 'declaration', 'dec-01-import-components-utf8.xml'),
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /GW_ERR_INPUT_MISSING: 文件不存在或无法读取 \/ file does not exist or cannot be read/,
    );
    expect(r.stdout).toMatch(/1 通过 passed, 1 未通过 failed/);
    const t = eport('translate', missing);
    expect(t.status).toBe(1);
    expect(t.stderr).toMatch(/^GW_ERR_INPUT_MISSING: /);
    expect(t.stderr).toContain('no-such-file.xml');
  });

  it.each([
    ['translate', 'FILE', '--config', 'CONFIG', '--channel', 'declaration'],
    ['validate', 'FILE', '--config', 'CONFIG', '--channel', 'declaration'],
    ['status', '--config', 'CONFIG'],
    ['doctor', '--config', 'CONFIG'],
    ['retry', 'x.xml', '--config', 'CONFIG'],
    ['start', '--config', 'CONFIG'],
  ])(
    '`%s` with a bad configuration lists its problems like `config check`, without a stack trace',
    (...args) => {
      const config = join(dir, 'bad.yaml');
      writeFileSync(join(dir, 'k.pem'), 'not read: the configuration is refused first');
      writeFileSync(
        config,
        'signers: [{ name: k, type: soft-key, key: ./k.pem }]\ntransports: [{ name: t, type: http, url: "http://127.0.0.1:1/x" }]\nchannels: [{ name: declaration, dir: ./d, signer: nobody, transport: t }]\n',
      );
      const argv = args.map((a) =>
        a === 'CONFIG' ? config : a === 'FILE' ? join(dir, 'empty.xml') : a,
      );
      const r = eport(...argv);
      const check = eport('config', 'check', config);
      expect(check.status).toBe(1);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('GW_ERR_CONFIG: 配置错误 / configuration error');
      expect(r.stderr).toContain(check.stderr.trim());
      expect(r.stderr).not.toMatch(/toJSON is not a function|\n\s+at /);
    },
  );

  it.each([
    ['status', '--config', 'CONFIG'],
    ['status', 'some-message', '--config', 'CONFIG'],
    ['receipts', 'tail', '--config', 'CONFIG'],
    ['hold', 'some-message', '--config', 'CONFIG'],
  ])(
    '`%s %s` with Redis unreachable says so within seconds instead of waiting for ever',
    (...args) => {
      const config = join(dir, 'no-redis.yaml');
      writeFileSync(join(dir, 'k.pem'), 'not read by these commands');
      // Port 1 on loopback: nothing listens, every connection is refused at once.
      writeFileSync(
        config,
        'redis: { url: "redis://127.0.0.1:1" }\nsigners: [{ name: k, type: soft-key, key: ./k.pem }]\ntransports: [{ name: t, type: http, url: "http://127.0.0.1:1/x" }]\nchannels: [{ name: declaration, dir: ./d, signer: k, transport: t }]\n',
      );
      const r = spawnSync(
        process.execPath,
        [BIN, ...args.map((a) => (a === 'CONFIG' ? config : a))],
        { cwd: dir, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 25_000 },
      );
      expect(r.signal).toBeNull(); // not killed by the timeout
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('GW_ERR_REDIS_UNAVAILABLE');
      expect(r.stderr).toContain('is the gateway running?');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );
});
