import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/process.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';

const eport = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', ...env },
  });

/** A configuration with one problem of every kind: environment, schema, references and files. */
const EVERYTHING_WRONG = `dataDir: ./data
retry:
  schedule: "30 seconds, then 2m"
signers:
  - name: company-key
    type: soft-key
    key: ./keys/missing.pem
    passphrase: { file: ./secrets/missing-pass.txt }
  - name: card
    type: pcsc-card
    reader: ACS
    profile: gpg
    pin: { env: EPORT_TEST_PIN }
transports:
  - name: customs
    type: http
    url: \${EPORT_TEST_UNSET_URL}
channels:
  - name: declaration
    dir: ./declaration
    translator: enterprise
    translation: { mapping: ./mappings/missing.yaml, codesDir: ./codes-missing }
    intake:
      - type: folder
        stabelMs: 2s
    signer: company-kee
    transport: customs
`;

describe('eport config check (spawned)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eport-config-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'gw.yaml');
  writeFileSync(file, EVERYTHING_WRONG);

  it('reports every problem at once, each with its path, line, Chinese and English text and a fix', () => {
    const r = eport(['config', 'check', file], { EPORT_TEST_PIN: '1234' });
    expect(r.status).toBe(1);
    const out = r.stderr;
    expect(out).toMatch(
      /^GW_ERR_CONFIG: 配置错误 \/ configuration error — .*gw\.yaml: 9 problem\(s\) \/ 9 处错误/,
    );
    const expected: [string, number, RegExp][] = [
      [
        'retry.schedule',
        3,
        /wrong format \/ 格式不正确\n\s+修正 \/ fix: write it like "30s, 2m, 10m\*3, 1h\*6"/,
      ],
      ['signers[0].key', 7, /file not found: .*missing\.pem \/ 文件不存在/],
      ['signers[0].passphrase.file', 8, /file not found: .*missing-pass\.txt \/ 文件不存在/],
      [
        'signers[1].profile',
        12,
        /"gpg" is not allowed here \/ 取值无效\n\s+修正 \/ fix: use one of: openpgp, piv/,
      ],
      [
        'transports[0].url',
        17,
        /environment variable EPORT_TEST_UNSET_URL is not set \/ 环境变量 EPORT_TEST_UNSET_URL 未设置\n\s+修正 \/ fix: export EPORT_TEST_UNSET_URL=/,
      ],
      ['channels[0].translation.mapping', 22, /file not found: .*missing\.yaml \/ 文件不存在/],
      ['channels[0].translation.codesDir', 22, /folder not found: .*codes-missing \/ 文件夹不存在/],
      [
        'channels[0].intake[0].stabelMs',
        25,
        /unknown key "stabelMs" \/ 未知字段 "stabelMs"\n\s+修正 \/ fix: did you mean "stableMs"\? \/ 是否应为 "stableMs"？/,
      ],
      [
        'channels[0].signer',
        26,
        /no signer named "company-kee" \/ 找不到签名器 "company-kee"\n\s+修正 \/ fix: did you mean "company-key"\?/,
      ],
    ];
    for (const [path, line, text] of expected) {
      const at = out.indexOf(`  ✗ ${path} (line ${line}): `);
      expect(at, `${path} reported at line ${line}`).toBeGreaterThan(0);
      expect(
        out
          .slice(at)
          .split('\n  ✗ ')[0]!
          .replace(/^ {2}✗ /, ''),
        path,
      ).toMatch(text);
    }
    // Every problem has a fix, and in file order.
    expect(out.match(/ {2}✗ /g)).toHaveLength(9);
    expect(out.match(/ {6}修正 \/ fix: /g)).toHaveLength(9);
    const lines = [...out.matchAll(/\(line (\d+)\)/g)].map((m) => Number(m[1]));
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('takes --config FILE like every other command, and the positional FILE too', () => {
    const a = eport(['config', 'check', '--config', file]);
    const b = eport(['config', 'check', file]);
    expect(a.status).toBe(1);
    expect(a.stderr).toBe(b.stderr);
    expect(eport(['config', 'check']).status).toBe(2);
  });

  it('loads the mappings a valid configuration names, as start would', () => {
    const id = generateSelfSignedIdentity({ commonName: 'check', days: 30 });
    writeFileSync(join(dir, 'k.pem'), id.keyPem + id.certPem);
    writeFileSync(
      join(dir, 'broken-mapping.yaml'),
      'input: { format: csv }\nblocks: { DecHead: { from: head, fields: { IEFlag: { colum: x } } } }\n',
    );
    const good = join(dir, 'mapping.yaml');
    writeFileSync(
      good,
      `signers: [{ name: k, type: soft-key, key: ./k.pem }]\ntransports: [{ name: t, type: http, url: "http://127.0.0.1:1/x" }]\nchannels: [{ name: erp, dir: ./erp, translator: enterprise, translation: { mapping: ./broken-mapping.yaml }, signer: k, transport: t }]\n`,
    );
    const r = eport(['config', 'check', good]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /✗ channels\[0\]\.translation\.mapping \(line 3\): GW_ERR_MAPPING_CONFIG/,
    );
  });

  it('`doctor` reports the missing files and folders, and creates nothing', () => {
    const id = generateSelfSignedIdentity({ commonName: 'doctor', days: 30 });
    const d = join(dir, 'doctor');
    mkdirSync(d);
    writeFileSync(join(d, 'k.pem'), id.keyPem + id.certPem);
    writeFileSync(
      join(d, 'gw.yaml'),
      `redis: { url: "redis://127.0.0.1:1" }\nsigners: [{ name: k, type: soft-key, key: ./k.pem }]\ntransports: [{ name: t, type: http, url: "http://127.0.0.1:1/x" }]\nchannels: [{ name: erp, dir: ./erp, translator: enterprise, translation: { mapping: ./nope.yaml, codesDir: ./codes }, signer: k, transport: t }]\n`,
    );
    const r = eport(['doctor', '--config', join(d, 'gw.yaml')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /✗ channels\[0\]\.translation\.mapping\s+file not found: .*nope\.yaml/,
    );
    expect(r.stdout).toMatch(/✗ channels\[0\]\.translation\.codesDir\s+folder not found: .*codes/);
    expect(r.stdout).toMatch(/! erp inbox\s+.*erp\/inbox does not exist yet/);
    expect(existsSync(join(d, 'erp'))).toBe(false);
    expect(existsSync(join(d, 'data'))).toBe(false);
  });

  it('stops at a YAML syntax error with its line', () => {
    writeFileSync(join(dir, 'syntax.yaml'), 'signers:\n  - name: k\n   type: soft-key\n');
    const r = eport(['config', 'check', join(dir, 'syntax.yaml')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /✗ line 3: YAML syntax error \/ YAML 语法错误: .+\n\s+修正 \/ fix: fix the YAML syntax/,
    );
  });
});
