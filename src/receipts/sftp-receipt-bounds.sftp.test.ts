import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { startSshd, sshdUnavailable, type TestSshd } from '../../test/helpers/sshd.js';
import { skipWithout } from '../../test/helpers/tools.js';
import type { InboundReceipt } from './receipt-source.js';
import { SftpReceiptSource, type SftpReceiptSourceOptions } from './sftp-receipt-source.js';
import { waitUntil } from '../../test/helpers/wait.js';

const skip = skipWithout('SFTP receipt bounds tests', sshdUnavailable());

interface Line {
  level: number;
  msg: string;
  file?: string;
  err?: { code?: string };
}

describe.skipIf(skip)('SftpReceiptSource bounds (OpenSSH sshd on loopback)', () => {
  let sshd: TestSshd | undefined;
  let n = 0;
  let inDir: string;
  let source: SftpReceiptSource | undefined;
  let lines: Line[];

  beforeEach(async () => {
    sshd ??= await startSshd();
    inDir = join(sshd.dataDir, `bounds-${++n}`, 'receipts');
    await mkdir(inDir, { recursive: true });
    lines = [];
  });
  afterEach(async () => {
    await source?.close();
    source = undefined;
  });
  afterAll(async () => sshd?.dispose());

  const start = async (
    onReceipt: (r: InboundReceipt) => Promise<void>,
    over: Partial<SftpReceiptSourceOptions>,
  ) => {
    const s = sshd!;
    const log = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line) as Line) },
    );
    source = new SftpReceiptSource(
      {
        host: s.host,
        port: s.port,
        username: s.username,
        privateKey: s.privateKey,
        knownHostKey: s.hostKeyFingerprint,
        timeoutMs: 3000,
        remoteDir: inDir,
        pollMs: 40,
        stableMs: 0,
        ...over,
      },
      log,
    );
    // This source hands each file over alone.
    await source.start(async (rs) => {
      for (const r of rs) await onReceipt(r);
    });
  };

  it('leaves a receipt file over maxBytes on the server with one warning, and takes the others', async () => {
    await writeFile(join(inDir, 'huge.xml'), Buffer.alloc(2 * 1024 * 1024, 0x20));
    await writeFile(join(inDir, 'ok.xml'), '<DEC_RESULT/>');
    const got: string[] = [];
    await start(async (r) => void got.push(r.fileName), { maxBytes: 1024 * 1024 });
    await waitUntil(() => got.length === 1, 5000);
    await writeFile(join(inDir, 'later.xml'), '<DEC_RESULT/>'); // a sentinel: taken by a later poll
    await waitUntil(() => got.length === 2, 5000);
    expect(got).toEqual(['ok.xml', 'later.xml']);
    // A receipt is removed from the server after it is handed over and stored: wait for that.
    await waitUntil(async () => (await readdir(inDir)).join() === 'huge.xml', 5000);
    expect(await readdir(inDir)).toEqual(['huge.xml']);
    const warnings = lines.filter((l) => l.level === 40 && l.file === 'huge.xml');
    expect(warnings).toHaveLength(1);
  });

  it('ends a poll that outlives pollTimeoutMs with a logged timeout', async () => {
    await writeFile(join(inDir, 'r.xml'), '<DEC_RESULT/>');
    await start(async () => {}, { pollTimeoutMs: 1 });
    await waitUntil(() => lines.some((l) => l.level === 40), 5000);
    expect(lines.find((l) => l.level === 40)!.err?.code).toBe('GW_ERR_FEED_TIMEOUT');
  });
});
