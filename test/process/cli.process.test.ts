import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/process.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';

const eport = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });

/** The command line as an operator meets it: help, config check, doctor, sign and verify. */
describe('eport CLI (spawned)', () => {
  it.each(['start', 'config check', 'status', 'sandbox', 'demo', 'sign', 'verify', 'doctor'])(
    '`eport %s --help` explains the command',
    (cmd) => {
      const r = eport(...cmd.split(' '), '--help');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^Usage: eport /);
    },
  );

  it('`config check` lists every problem with its path and a fix, and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eport-cli-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      'signers: []\ntransports: [{ name: t, type: http, url: nope }]\nchannels: [{ name: Bad_Name, signer: k, transport: t }]\nextra: 1\n',
    );
    const r = eport('config', 'check', join(dir, 'bad.yaml'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/problem\(s\)/);
    for (const path of [
      'transports[0].url',
      'channels[0].name',
      'channels[0]',
      'channels[0].signer',
      'extra',
    ])
      expect(r.stderr).toMatch(
        new RegExp(`✗ ${path.replace(/[[\].]/g, '\\$&')} \\(line \\d+\\): `),
      );
    expect(r.stderr.match(/ {2}✗ /g)).toHaveLength(r.stderr.match(/ {6}修正 \/ fix: /g)!.length); // every problem has a fix
  });

  it('`doctor` checks Redis, the key and certificate, and the folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eport-cli-'));
    const id = generateSelfSignedIdentity({ commonName: '自检', days: 5 });
    writeFileSync(join(dir, 'k.pem'), id.keyPem + id.certPem);
    writeFileSync(
      join(dir, 'gw.yaml'),
      `redis: { url: "${TEST_REDIS_URL}" }\nsigners: [{ name: k, type: soft-key, key: ./k.pem }]\ntransports: [{ name: t, type: http, url: "http://127.0.0.1:1/x" }]\nchannels: [{ name: d, dir: ./d, signer: k, transport: t }]\n`,
    );
    const r = eport('doctor', '--config', join(dir, 'gw.yaml'));
    expect(r.stdout).toMatch(/✓ redis\s/);
    expect(r.stdout).toMatch(/! signer k .*\(4 days/); // inside the 7-day warning window
    expect(r.stdout).toMatch(/! d inbox .* does not exist yet/); // reported, not created: start creates it
    expect(r.stdout).toMatch(/! transport t/);
    expect(r.status).toBe(0);
  });

  it.each([
    ['ceb/ceb311-order.json', 'ceb/ceb311-order.yaml', 'ceb/expected/ceb311-order.xml'],
    ['ceb/ceb621-inventory.csv', 'ceb/ceb621-inventory.yaml', 'ceb/expected/ceb621-inventory.xml'],
    ['manifest/mt1101-sea.csv', 'manifest/mt1101-sea.yaml', 'manifest/expected/mt1101-sea.xml'],
    [
      'enterprise/ent-04-import-food-gbk.csv',
      'enterprise/mapping-zh.yaml',
      'enterprise/expected/ent-04-import-food-gbk.xml',
    ],
  ])(
    '`translate %s` picks the translator from the mapping and writes the expected message',
    (input, mapping, expected) => {
      const s = join(ROOT, 'samples');
      const r = eport('translate', join(s, input), '--mapping', join(s, mapping));
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(readFileSync(join(s, expected), 'utf8'));
    },
  );

  it('`sign` keeps the GBK encoding of a file and `verify` accepts it, then rejects a tampered copy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eport-cli-'));
    const id = generateSelfSignedIdentity({ commonName: '签名', days: 30 });
    writeFileSync(join(dir, 'k.pem'), id.keyPem + id.certPem);
    writeFileSync(join(dir, 'cert.pem'), id.certPem);
    const sample = join(ROOT, 'samples', 'declaration', 'dec-04-import-food-gbk.xml');
    const signed = spawnSync(
      process.execPath,
      [BIN, 'sign', sample, '--key', join(dir, 'k.pem'), '--alg', 'rsa-sha256'],
      { cwd: ROOT },
    );
    expect(signed.status).toBe(0);
    const out: Buffer = signed.stdout;
    expect(out.subarray(0, 60).toString('latin1')).toMatch(/encoding="GBK"/);
    expect(out.includes(Buffer.from('<ds:Signature'))).toBe(true);
    // The unsigned part is byte-identical: only the signature was added.
    const original = readFileSync(sample);
    const cut = original.lastIndexOf(Buffer.from('</DecMessage>'));
    expect(out.subarray(0, cut).equals(original.subarray(0, cut))).toBe(true);
    writeFileSync(join(dir, 'signed.xml'), out);
    const ok = eport('verify', join(dir, 'signed.xml'), '--cert', join(dir, 'cert.pem'));
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^OK/);
    const tampered = Buffer.from(out);
    const at = tampered.indexOf(Buffer.from('<GQty>')) + 6;
    tampered[at] = tampered[at] === 0x31 ? 0x32 : 0x31;
    writeFileSync(join(dir, 'tampered.xml'), tampered);
    const bad = eport('verify', join(dir, 'tampered.xml'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/INVALID/);
  });
});
