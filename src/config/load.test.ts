import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from './load.js';

const VALID = `
dataDir: ./data
signers:
  - name: k1
    type: soft-key
    key: ./keys/k.pem
    passphrase: { env: EPORT_TEST_PASS }
transports:
  - name: customs
    type: http
    url: http://127.0.0.1:9/submit
channels:
  - name: declaration
    dir: ./declaration
    signer: k1
    transport: customs
`;

describe('config loading', () => {
  it('resolves paths against the config file, fills defaults, reads secrets and freezes', () => {
    const { config, problems } = parseConfigText(VALID, '/etc/eport/gw.yaml', {
      EPORT_TEST_PASS: 's3cret',
    });
    expect(problems).toEqual([]);
    expect(config!.dataDir).toBe('/etc/eport/data');
    const ch = config!.channels[0]!;
    expect(ch.intake[0]).toMatchObject({ type: 'folder', path: '/etc/eport/declaration/inbox' });
    expect(ch.outbox).toBe('/etc/eport/declaration/outbox');
    expect(ch.intake[0]!.stableMs).toBe(1000);
    expect((config!.signers[0] as { passphrase?: string }).passphrase).toBe('s3cret');
    expect(config!.retry.delaysMs).toEqual([
      30_000, 120_000, 600_000, 600_000, 600_000, 3_600_000, 3_600_000, 3_600_000, 3_600_000,
      3_600_000, 3_600_000,
    ]);
    expect(Object.isFrozen(config!.channels[0])).toBe(true);
  });

  it('lists every problem at once, each with its path', () => {
    const bad = `
dataDir: 5
bogus: true
signers:
  - name: K1
    type: soft-key
transports:
  - name: customs
    type: http
    url: not-a-url
channels:
  - name: declaration
    dir: ./d
    signer: k1
    transport: customs
    signature: { algorithm: md5 }
`;
    const { config, problems } = parseConfigText(bad, '/x/gw.yaml', {});
    expect(config).toBeUndefined();
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'dataDir',
        'bogus',
        'signers[0].name',
        'signers[0].key',
        'transports[0].url',
        'channels[0].signature.algorithm',
        'channels[0].signer',
      ]),
    );
    expect(problems.find((p) => p.path === 'bogus')!.message).toContain('unknown key "bogus"');
    expect(problems.find((p) => p.path === 'channels[0].signature.algorithm')!.fix).toContain(
      'rsa-sha256',
    );
  });

  it('reports unknown references and shared folders', () => {
    const text =
      VALID.replace('signer: k1', 'signer: nope') +
      `
  - name: manifest
    dir: ./declaration
    signer: k1
    transport: customs
`;
    const { problems } = parseConfigText(text, '/x/gw.yaml', { EPORT_TEST_PASS: 'p' });
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['channels[0].signer', 'channels[1].intake']),
    );
  });

  it('expands ${ENV} and says which variable is missing', () => {
    const text = VALID.replace('http://127.0.0.1:9/submit', '${CUSTOMS_URL}');
    expect(
      (
        parseConfigText(text, '/x/gw.yaml', {
          EPORT_TEST_PASS: 'p',
          CUSTOMS_URL: 'http://127.0.0.1:7/x',
        }).config!.transports[0] as { url: string }
      ).url,
    ).toBe('http://127.0.0.1:7/x');
    const { problems } = parseConfigText(text, '/x/gw.yaml', { EPORT_TEST_PASS: 'p' });
    expect(problems[0]!.message).toContain('CUSTOMS_URL');
  });

  it('reads a passphrase from a file and reports a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eport-cfg-'));
    writeFileSync(join(dir, 'pass.txt'), 'from-file\n');
    const text = VALID.replace('{ env: EPORT_TEST_PASS }', '{ file: ./pass.txt }');
    expect(
      (
        parseConfigText(text, join(dir, 'gw.yaml'), {}).config!.signers[0] as {
          passphrase?: string;
        }
      ).passphrase,
    ).toBe('from-file');
    const missing = parseConfigText(text, join(dir, 'sub', 'gw.yaml'), {});
    expect(missing.problems[0]!.path).toBe('signers[0].passphrase');
  });

  it('reports YAML syntax errors with a line', () => {
    const { problems } = parseConfigText('channels: [\n  - a\n', '/x.yaml', {});
    expect(problems[0]!.path).toMatch(/^line \d+/);
  });
});

describe('the shipped example configuration', () => {
  it('is valid once its environment variables are set', async () => {
    const { readFileSync } = await import('node:fs');
    const file = new URL('../../config/example.yaml', import.meta.url).pathname;
    const env = {
      EPORT_KEY_FILE: '/etc/eport/keys/operator.p12',
      EPORT_KEY_PASS: 'x',
      CUSTOMS_SUBMIT_URL: 'https://customs.example/submit',
      CUSTOMS_RECEIPT_URL: 'https://customs.example/receipts',
    };
    const { problems, config } = parseConfigText(readFileSync(file, 'utf8'), file, env);
    expect(problems).toEqual([]);
    expect(config!.channels[0]!.name).toBe('declaration');
  });

  it('says "quote it" when a value that must be text is a number, and names a missing variable once', () => {
    const { problems } = parseConfigText(
      VALID.replace('http://127.0.0.1:9/submit', '${NOPE}') +
        'http: { tokens: [{ name: a, sha256: 123 }] }\n',
      '/x.yaml',
      { EPORT_TEST_PASS: 'p' },
    );
    expect(problems.filter((p) => p.path === 'transports[0].url')).toHaveLength(1);
    expect(problems.find((p) => p.path === 'http.tokens[0].sha256')!.fix).toMatch(/quote it/);
  });
});

describe('card signers in the config', () => {
  it('reads card PINs from the environment and never keeps them in the file', () => {
    const text = VALID.replace(
      /signers:[\s\S]*?transports:/,
      `signers:
  - name: k1
    type: pcsc-card
    reader: Virtual PCD
    profile: openpgp
    pin: { env: CARD_PIN }
  - name: k2
    type: eport-service
    pin: { env: CARD_PIN }
transports:`,
    );
    const { config, problems } = parseConfigText(text, '/x/gw.yaml', { CARD_PIN: '123456' });
    expect(problems).toEqual([]);
    expect(config!.signers).toMatchObject([
      { type: 'pcsc-card', reader: 'Virtual PCD', profile: 'openpgp', pin: '123456' },
      { type: 'eport-service', url: 'ws://127.0.0.1:61232', pin: '123456', timeoutMs: 10_000 },
    ]);
    expect(parseConfigText(text, '/x/gw.yaml', {}).problems.map((p) => p.path)).toEqual([
      'signers[0].pin',
      'signers[1].pin',
    ]);
  });
});

describe('secrets through NAME_FILE', () => {
  it('reads a secret from the file that NAME_FILE names when NAME is not set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eport-cfg-'));
    writeFileSync(join(dir, 'secret'), 'from-env-file\n');
    const { config } = parseConfigText(VALID, '/x/gw.yaml', {
      EPORT_TEST_PASS_FILE: join(dir, 'secret'),
    });
    expect((config!.signers[0] as { passphrase?: string }).passphrase).toBe('from-env-file');
  });
});
