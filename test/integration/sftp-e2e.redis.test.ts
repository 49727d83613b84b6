import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { parseConfigText } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../../src/app.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';
import { verifyEnveloped } from '../../src/signing/xmldsig.js';
import { buildDecImportResponse, buildDecResult } from '../../src/sandbox/receipts.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';
import { decMessage } from '../helpers/dec-message.js';
import { startSshd, sshdUnavailable, type TestSshd } from '../helpers/sshd.js';
import { skipWithout } from '../helpers/tools.js';

const ls = (d: string) =>
  readdirSync(d)
    .filter((f) => !f.startsWith('.'))
    .sort();
const skip = skipWithout('SFTP end to end', sshdUnavailable());

/**
 * An SFTP-only route, as with a relay client on another host: the enterprise drops files on an
 * SFTP server, the gateway uploads signed messages to the relay's SFTP folder and picks the
 * relay's receipts up from there (real OpenSSH sshd on loopback, real Redis).
 */
describe.skipIf(skip)('SFTP end to end', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('sftp');
  let sshd: TestSshd;
  let gateway: RunningGateway;
  let remote: (p: string) => string;
  let local: string;

  beforeAll(async () => {
    sshd = await startSshd();
    remote = (p: string) => join(sshd.dataDir, p);
    for (const d of ['erp/inbox', 'relay/out', 'relay/in'])
      mkdirSync(remote(d), { recursive: true });
    local = join(sshd.dataDir, 'gw');
    mkdirSync(local);
    const id = generateSelfSignedIdentity({ commonName: 'sftp', days: 30 });
    writeFileSync(join(local, 'k.pem'), id.keyPem + id.certPem);
    writeFileSync(join(local, 'ssh.key'), sshd.privateKey);
    const endpoint = `host: 127.0.0.1, port: ${sshd.port}, username: ${sshd.username}, privateKey: { file: ./ssh.key }, knownHostKey: "${sshd.hostKeyFingerprint}"`;
    const yaml = `dataDir: ./data
redis: { url: "${TEST_REDIS_URL}", prefix: ${prefix} }
http: { enabled: false }
signers: [{ name: k, type: soft-key, key: ./k.pem }]
transports: [{ name: relay, type: sftp, ${endpoint}, remoteDir: "${remote('relay/out')}" }]
receiptSources: [{ name: relay-in, type: sftp, ${endpoint}, remoteDir: "${remote('relay/in')}", doneDir: "${remote('relay/done')}", intervalMs: 100ms }]
channels:
  - name: declaration
    dir: ./declaration
    intake: [{ type: sftp, ${endpoint}, remoteDir: "${remote('erp/inbox')}", sentDir: "${remote('erp/sent')}", failedDir: "${remote('erp/failed')}", stableMs: 200ms, pollMs: 100ms }]
    signer: k
    transport: relay
`;
    const { config, problems } = parseConfigText(yaml, join(local, 'gw.yaml'), {});
    expect(problems).toEqual([]);
    gateway = await startGateway(config!, pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await gateway?.close();
    await sshd?.dispose();
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('takes a file from the SFTP inbox, uploads the signed message, and brings the relay receipts back', async () => {
    writeFileSync(remote('erp/inbox/dec-sftp.xml'), decMessage('SFTPE2E0001'));
    const uploaded = await waitFor(
      'upload on the relay',
      () => ls(remote('relay/out')),
      (f) => f.length === 1,
      20_000,
    );
    expect(uploaded[0]).toContain('SFTPE2E0001');
    expect(verifyEnveloped(readFileSync(remote(`relay/out/${uploaded[0]}`), 'utf8')).ok).toBe(true);
    await waitFor(
      'source archived on the SFTP server',
      () => ls(remote('erp/sent')),
      (f) => f.includes('dec-sftp.xml'),
      10_000,
    );
    expect(ls(remote('erp/inbox'))).toEqual([]);

    // The relay client answers through its own folder.
    writeFileSync(
      remote('relay/in/Successed_dec-sftp_20261127.xml'),
      buildDecImportResponse({
        responseCode: 0,
        errorMessage: '导入成功',
        clientSeqNo: 'SFTPE2E0001',
        seqNo: '220120261000000001',
      }),
    );
    writeFileSync(
      remote('relay/in/Receipt_1.xml'),
      buildDecResult({
        cusCiqNo: '220120261000000001',
        entryId: '220120261000000001',
        noticeDate: new Date(),
        channel: 'L',
        note: '入库成功',
      }),
    );
    const outbox = join(local, 'declaration', 'outbox');
    await waitFor(
      'receipts in the outbox',
      () => ls(outbox),
      (f) => f.length === 2,
      20_000,
    );
    expect(ls(outbox).map((f) => f.replace(/\.\d{2}\.xml$/, ''))).toEqual([
      'dec-sftp.dec-result',
      'dec-sftp.import-response',
    ]);
    await waitFor(
      'relay receipts moved to done',
      () => ls(remote('relay/in')),
      (f) => f.length === 0,
      10_000,
    );
    const rec = (await gateway.deps.ledger.get(
      (await gateway.deps.ledger.findBySource('declaration', 'dec-sftp.xml'))!,
    ))!;
    expect(rec.status).toBe('accepted');
    expect(rec.seqNo).toBe('220120261000000001');
  }, 40_000);
});
