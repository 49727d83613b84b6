import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Spool } from '../../src/core/spool.js';
import { ReceiptFeed } from '../../src/queues/receipt-feed.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';
import { spawnEport } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';

/** `eport receipts tail` follows the receipt feed live: only new receipts, only its channel. */
describe('eport receipts tail (spawned, real Redis)', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('tail');
  const dir = mkdtempSync(join(tmpdir(), 'eport-tail-'));
  const config = join(dir, 'eport.yaml');
  const feed = new ReceiptFeed(redis, prefix);
  const spool = new Spool(join(dir, 'data', 'spool'));

  beforeAll(() => {
    const id = generateSelfSignedIdentity({ commonName: 'tail', days: 5 });
    writeFileSync(join(dir, 'k.pem'), id.keyPem + id.certPem);
    writeFileSync(
      config,
      `dataDir: ./data
redis: { url: "${TEST_REDIS_URL}", prefix: ${prefix} }
signers: [{ name: k, type: soft-key, key: ./k.pem }]
transports: [{ name: t, type: http, url: "http://127.0.0.1:1/submit" }]
channels:
  - { name: declaration, dir: ./declaration, signer: k, transport: t }
  - { name: manifest, dir: ./manifest, signer: k, transport: t }
`,
    );
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints each new receipt of the channel with what customs said, then exits after --count', async () => {
    const old = await spool.put('<DEC_RESULT><CHANNEL>7</CHANNEL></DEC_RESULT>');
    await feed.append('declaration', {
      messageId: 'm-old',
      fileName: 'old.dec-result.01.xml',
      kind: 'dec-result',
      receiptRef: old,
    });
    const tail = spawnEport([
      'receipts',
      'tail',
      '--config',
      config,
      '--channel',
      'declaration',
      '--count',
      '1',
    ]);
    await waitFor(
      'tail ready',
      () => tail.output(),
      (o) => o.includes('following receipts'),
      90_000,
    );
    const other = await spool.put('<Manifest/>');
    await feed.append('manifest', {
      messageId: 'm-man',
      fileName: 'man.mt9999.01.xml',
      kind: 'mt9999',
      receiptRef: other,
    });
    const bytes = await spool.put(
      '<?xml version="1.0" encoding="UTF-8"?><DecImportResponse><ResponseCode>0</ResponseCode><ErrorMessage>导入成功</ErrorMessage><ClientSeqNo>TAIL0001</ClientSeqNo><SeqNo>530120261000000009</SeqNo></DecImportResponse>',
    );
    await feed.append('declaration', {
      messageId: 'm-new',
      fileName: 'new.import-response.01.xml',
      kind: 'import-response',
      receiptRef: bytes,
    });
    expect(await tail.exited).toBe(0);
    const lines = tail
      .output()
      .split('\n')
      .filter((l) => /^\d{4}-/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /declaration\s+import-response\s+new\.import-response\.01\.xml\s+m-new\s+0 imported 导入成功/,
    );
  }, 150_000);

  it('refuses an unknown channel and names the ones there are', async () => {
    const t = spawnEport(['receipts', 'tail', '--config', config, '--channel', 'nope']);
    expect(await t.exited).toBe(2);
    expect(t.output()).toContain('channels: declaration, manifest');
  }, 90_000);
});
