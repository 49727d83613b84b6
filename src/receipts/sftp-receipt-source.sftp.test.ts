import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { pino } from 'pino';
import { startSshd, sshdUnavailable, type TestSshd } from '../../test/helpers/sshd.js';
import { skipWithout } from '../../test/helpers/tools.js';
import type { InboundReceipt } from './receipt-source.js';
import { SftpReceiptSource, type SftpReceiptSourceOptions } from './sftp-receipt-source.js';
import { sleep, waitUntil } from '../../test/helpers/wait.js';

const log = pino({ level: 'silent' });

const skip = skipWithout('SFTP receipt source tests', sshdUnavailable());

describe.skipIf(skip)('SftpReceiptSource (OpenSSH sshd on loopback)', () => {
  let sshd: TestSshd | undefined;
  let n = 0;
  let root: string;
  let inDir: string;
  let source: SftpReceiptSource | undefined;

  beforeEach(async () => {
    sshd ??= await startSshd();
    root = join(sshd.dataDir, `case-${++n}`);
    inDir = join(root, 'receipts');
    await mkdir(inDir, { recursive: true });
  });
  afterEach(async () => {
    await source?.close();
    source = undefined;
  });
  afterAll(async () => sshd?.dispose());

  const start = async (
    onReceipt: (r: InboundReceipt) => Promise<void>,
    over: Partial<SftpReceiptSourceOptions> = {},
  ) => {
    const s = sshd!;
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
        doneDir: join(root, 'done'),
        ...over,
      },
      log,
    );
    // This source hands each file over alone.
    await source.start(async (rs) => {
      for (const r of rs) await onReceipt(r);
    });
  };

  it('delivers each file once (GBK bytes unchanged) and moves it to doneDir only after onReceipt resolved', async () => {
    const gbk = iconv.encode(
      '<DEC_RESULT><CHANNEL>L</CHANNEL><NOTE>申报成功</NOTE></DEC_RESULT>',
      'gbk',
    );
    await writeFile(join(inDir, 'Receipt_1.xml'), gbk);
    await writeFile(join(inDir, 'Receipt_2.xml'), '<DEC_RESULT/>');
    await writeFile(join(inDir, '.Receipt_3.xml.part'), '<half');
    const got: InboundReceipt[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await start(async (r) => {
      got.push(r);
      await gate;
    });
    await waitUntil(() => got.length === 1);
    await sleep(100); // onReceipt is still pending: a wrong order would move the file in this time
    // onReceipt has not resolved: nothing moved, nothing offered twice.
    expect((await readdir(inDir)).sort()).toEqual([
      '.Receipt_3.xml.part',
      'Receipt_1.xml',
      'Receipt_2.xml',
    ]);
    expect(got).toHaveLength(1);
    release();
    await waitUntil(() => got.length === 2);
    await waitUntil(dirHasCount(join(root, 'done'), 2));
    // A sentinel that must be taken: once it is, later polls have passed the others by.
    await writeFile(join(inDir, 'Receipt_9.xml'), '<s/>');
    await waitUntil(dirHasCount(join(root, 'done'), 3));
    expect(got.map((r) => r.fileName).sort()).toEqual([
      'Receipt_1.xml',
      'Receipt_2.xml',
      'Receipt_9.xml',
    ]);
    expect(got.find((r) => r.fileName === 'Receipt_1.xml')!.bytes.equals(gbk)).toBe(true);
    expect(got[0]!.source).toBe(`sftp://127.0.0.1:${sshd!.port}${inDir}`);
    expect(await readdir(inDir)).toEqual(['.Receipt_3.xml.part']);
    expect((await readFile(join(root, 'done', 'Receipt_1.xml'))).equals(gbk)).toBe(true);
  });

  it('does not move a file when onReceipt throws, and offers it again later', async () => {
    await writeFile(join(inDir, 'r.xml'), '<r/>');
    let calls = 0;
    await start(async () => {
      calls++;
      if (calls <= 2) throw new Error('spool full');
    });
    await waitUntil(() => calls >= 2);
    expect(await readdir(inDir)).toEqual(['r.xml']);
    await waitUntil(() => calls === 3);
    await waitUntil(dirHasCount(join(root, 'done'), 1));
    await writeFile(join(inDir, 'sentinel.xml'), '<s/>'); // must be taken, after r.xml is gone
    await waitUntil(dirHasCount(join(root, 'done'), 2));
    expect(calls).toBe(4);
    expect(await readdir(inDir)).toEqual([]);
  });

  it('without doneDir deletes the file after onReceipt; waits for a growing file to settle', async () => {
    const path = join(inDir, 'grow.xml');
    await writeFile(path, '<a>');
    const got: string[] = [];
    await start(async (r) => void got.push(r.bytes.toString()), {
      doneDir: undefined,
      stableMs: 250,
    });
    for (let i = 0; i < 5; i++) {
      await sleep(80);
      await appendFile(path, 'x');
    }
    expect(got).toEqual([]);
    await waitUntil(() => got.length === 1);
    expect(got).toEqual(['<a>xxxxx']);
    await waitUntil(dirHasCount(inDir, 0));
  });
});

/** A sync condition for `until` backed by a cached async directory count. */
function dirHasCount(dir: string, count: number): () => boolean {
  let seen = -1;
  let busy = false;
  return () => {
    if (!busy) {
      busy = true;
      void readdir(dir)
        .then(
          (names) => (seen = names.length),
          () => (seen = -1),
        )
        .finally(() => (busy = false));
    }
    return seen === count;
  };
}
