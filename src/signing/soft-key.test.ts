import {
  createPrivateKey,
  createPublicKey,
  verify as cryptoVerify,
  X509Certificate,
} from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { missingTool, runTool, skipWithout } from '../../test/helpers/tools.js';
import { createFakeSigner } from './fake-signer.js';
import { generateSelfSignedIdentity, type SelfSignedIdentity } from './self-signed.js';
import { loadSoftKeySigner } from './soft-key.js';

const skipOpenssl = skipWithout('PKCS#12 files made by OpenSSL', missingTool('openssl'));
const DAY = 86_400_000;

let dir: string;
let id: SelfSignedIdentity;
let serial: string;

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

function forgePkcs12(identity: SelfSignedIdentity, password: string): Buffer {
  const key = forge.pki.privateKeyFromPem(
    createPrivateKey(identity.keyPem).export({ type: 'pkcs1', format: 'pem' }).toString(),
  );
  const cert = forge.pki.certificateFromPem(identity.certPem);
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], password, {
    algorithm: '3des',
    friendlyName: '签名证书',
  });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'soft-key-'));
  id = generateSelfSignedIdentity({
    commonName: '操作员 张三',
    organization: '浙江示例电子科技股份有限公司',
    days: 365,
    serialNumber: '01691fe9',
  });
  serial = new X509Certificate(id.certPem).serialNumber.toLowerCase();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.useRealTimers();
});

async function expectSigns(path: string, passphrase?: string): Promise<void> {
  const signer = await loadSoftKeySigner({
    name: 't',
    path,
    ...(passphrase !== undefined ? { passphrase } : {}),
  });
  expect(signer.kind).toBe('soft-key');
  expect(signer.algorithms).toEqual(['rsa-sha1', 'rsa-sha256']);
  const data = Buffer.from('<ds:SignedInfo>报关</ds:SignedInfo>');
  for (const [alg, hash] of [
    ['rsa-sha1', 'sha1'],
    ['rsa-sha256', 'sha256'],
  ] as const) {
    const sig = await signer.sign(data, alg);
    expect(cryptoVerify(hash, data, createPublicKey(id.certPem), sig)).toBe(true);
  }
}

describe('loadSoftKeySigner: PEM', () => {
  it('reads key and certificate in either order', async () => {
    await expectSigns(file('key-first.pem', id.keyPem + id.certPem));
    await expectSigns(file('cert-first.pem', `${id.certPem}\n${id.keyPem}`));
  });

  it('reads PKCS#1 keys and picks the certificate that matches the key', async () => {
    const other = generateSelfSignedIdentity({ commonName: 'CA or other', days: 30, bits: 1024 });
    const pkcs1 = createPrivateKey(id.keyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
    await expectSigns(file('pkcs1.pem', other.certPem + pkcs1 + id.certPem));
  });

  it('reports the certificate: serial number in lower-case hex as certNo, unless configured', async () => {
    const path = file('plain.pem', id.keyPem + id.certPem);
    const cert = await (await loadSoftKeySigner({ name: 't', path })).certificate();
    expect(cert).toMatchObject({
      certNo: '01691fe9',
      subject: 'CN=操作员 张三, O=浙江示例电子科技股份有限公司',
    });
    expect(cert.certNo).toBe(serial);
    expect(cert.der.equals(new X509Certificate(id.certPem).raw)).toBe(true);
    const named = await loadSoftKeySigner({ name: 't', path, certNo: '03000000000cde6f' });
    expect((await named.certificate()).certNo).toBe('03000000000cde6f');
  });

  it('decrypts encrypted PKCS#8 and legacy encrypted PKCS#1 with the passphrase', async () => {
    const key = createPrivateKey(id.keyPem);
    const p8 = key
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: '口令 secret' })
      .toString();
    await expectSigns(file('enc8.pem', p8 + id.certPem), '口令 secret');
    const p1 = key
      .export({ type: 'pkcs1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' })
      .toString();
    expect(p1).toContain('Proc-Type: 4,ENCRYPTED');
    await expectSigns(file('enc1.pem', id.certPem + p1), 'pw');
  });

  it('says which file and how to fix a wrong or missing passphrase', async () => {
    const p8 = createPrivateKey(id.keyPem)
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right' })
      .toString();
    const path = file('enc-wrong.pem', p8 + id.certPem);
    const wrong = loadSoftKeySigner({ name: 't', path, passphrase: 'wrong' });
    await expect(wrong).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_KEY',
      details: [
        {
          where: path,
          en: expect.stringContaining('wrong passphrase'),
          zh: expect.stringContaining('口令不正确'),
          fixEn: expect.stringContaining('passphrase'),
        },
      ],
    });
    await expect(loadSoftKeySigner({ name: 't', path })).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_KEY',
      details: [{ en: expect.stringContaining('no passphrase is configured') }],
    });
  });

  it('refuses a missing file, garbage, a key without certificate and a certificate of another key', async () => {
    const other = generateSelfSignedIdentity({ commonName: 'other', days: 30, bits: 1024 });
    const cases: [string, string][] = [
      [join(dir, 'nope.pem'), 'cannot read key file'],
      [file('garbage.bin', Buffer.from([1, 2, 3, 4])), 'neither a PEM nor a PKCS#12'],
      [file('key-only.pem', id.keyPem), 'no certificate in'],
      [file('mismatch.pem', id.keyPem + other.certPem), 'matches the private key'],
      [file('cert-only.pem', id.certPem), 'no private key'],
    ];
    for (const [path, text] of cases) {
      await expect(loadSoftKeySigner({ name: 't', path }), path).rejects.toMatchObject({
        code: 'GW_ERR_SIGN_KEY',
        details: [{ en: expect.stringContaining(text) }],
      });
    }
  });
});

describe('loadSoftKeySigner: certificate validity', () => {
  it('refuses an expired certificate at load with GW_ERR_SIGN_CERT_EXPIRED', async () => {
    const old = generateSelfSignedIdentity({
      commonName: '过期证书',
      days: 10,
      bits: 1024,
      notBefore: new Date(Date.now() - 40 * DAY),
    });
    const path = file('expired.pem', old.keyPem + old.certPem);
    await expect(loadSoftKeySigner({ name: 't', path })).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_CERT_EXPIRED',
      kind: 'permanent',
    });
  });

  it('refuses a certificate that is not valid yet', async () => {
    const future = generateSelfSignedIdentity({
      commonName: 'future',
      days: 10,
      bits: 1024,
      notBefore: new Date(Date.now() + 5 * DAY),
    });
    const path = file('future.pem', future.keyPem + future.certPem);
    await expect(loadSoftKeySigner({ name: 't', path })).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_KEY',
      details: [{ en: expect.stringContaining('not valid before') }],
    });
  });

  it('stops signing once the certificate expires while loaded', async () => {
    const signer = await loadSoftKeySigner({
      name: 't',
      path: file('live.pem', id.keyPem + id.certPem),
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 400 * DAY);
    await expect(signer.sign(Buffer.from('x'), 'rsa-sha1')).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_CERT_EXPIRED',
    });
  });

  it('refuses algorithms the key cannot do', async () => {
    const signer = await loadSoftKeySigner({
      name: 't',
      path: file('alg.pem', id.keyPem + id.certPem),
    });
    await expect(signer.sign(Buffer.from('x'), 'sm2-sm3')).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_ALGORITHM',
    });
  });
});

describe('loadSoftKeySigner: PKCS#12', () => {
  it('reads a PKCS#12 made by node-forge (3DES)', async () => {
    await expectSigns(file('forge.p12', forgePkcs12(id, 'p12 口令')), 'p12 口令');
  });

  it('refuses a wrong PKCS#12 passphrase with GW_ERR_SIGN_KEY', async () => {
    const path = file('forge-wrong.p12', forgePkcs12(id, 'right'));
    await expect(loadSoftKeySigner({ name: 't', path, passphrase: 'wrong' })).rejects.toMatchObject(
      {
        code: 'GW_ERR_SIGN_KEY',
        details: [{ where: path, en: expect.stringContaining('wrong passphrase') }],
      },
    );
  });

  describe.skipIf(skipOpenssl)('made by OpenSSL 3', () => {
    it.each([
      ['default (AES-256-CBC, PBKDF2, HMAC-SHA256 MAC)', []],
      ['legacy (RC2/3DES, SHA-1 MAC)', ['-legacy']],
    ])('%s', async (_name, extra) => {
      const key = file('o.key', id.keyPem);
      const cert = file('o.crt', id.certPem);
      const out = join(dir, `openssl-${extra.length}.p12`);
      const r = runTool('openssl', [
        'pkcs12',
        '-export',
        ...extra,
        '-inkey',
        key,
        '-in',
        cert,
        '-out',
        out,
        '-passout',
        'pass:pw',
      ]);
      expect(r.status, r.stderr).toBe(0);
      await expectSigns(out, 'pw');
    });
  });
});

describe('fake signer', () => {
  it('signs like a soft key and can simulate card failures', async () => {
    const fake = createFakeSigner({ name: 'f', identity: id });
    expect(fake.kind).toBe('fake');
    const data = Buffer.from('abc');
    expect(
      cryptoVerify(
        'sha256',
        data,
        createPublicKey(id.certPem),
        await fake.sign(data, 'rsa-sha256'),
      ),
    ).toBe(true);
    fake.failNext('GW_ERR_SIGN_PIN', 2);
    await expect(fake.sign(data, 'rsa-sha1')).rejects.toMatchObject({ code: 'GW_ERR_SIGN_PIN' });
    await expect(fake.sign(data, 'rsa-sha1')).rejects.toMatchObject({ code: 'GW_ERR_SIGN_PIN' });
    await expect(fake.sign(data, 'rsa-sha1')).resolves.toBeInstanceOf(Buffer);
    expect(fake.signCount).toBe(2);
  });
});
