import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { startSshd, sshdUnavailable, type TestSshd } from '../../test/helpers/sshd.js';
import type { InboundReceipt } from './receipt-source.js';
import { SftpReceiptSource, type SftpReceiptSourceOptions } from './sftp-receipt-source.js';
import { skipWithout } from '../../test/helpers/tools.js';
import { waitUntil } from '../../test/helpers/wait.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bilingual = (msg: string): boolean => /[\u4e00-\u9fff]/.test(msg) && /[a-z]{3}/i.test(msg);
const chattr = (flag: string, path: string): boolean => {
  try {
    execFileSync('chattr', [flag, path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const skip = skipWithout('SFTP receipt source hostile-file tests', sshdUnavailable());

/** A receipt file the server will not read, move or delete never stops the others, and is logged once. */
describe.skipIf(skip)(
  'SftpReceiptSource with hostile remote files (OpenSSH sshd on loopback)',
  () => {
    let sshd: TestSshd | undefined;
    let n = 0;
    let root: string;
    let inDir: string;
    let source: SftpReceiptSource | undefined;
    let lines: { level: number; msg: string; file?: string }[];
    let got: InboundReceipt[];
    const immutable: string[] = [];

    beforeEach(async () => {
      sshd ??= await startSshd({ unprivileged: true });
      root = join(sshd.dataDir, `case-${++n}`);
      inDir = join(root, 'receipts');
      await mkdir(inDir, { recursive: true });
      lines = [];
      got = [];
    });
    afterEach(async () => {
      await source?.close();
      source = undefined;
      for (const p of immutable.splice(0)) chattr('-i', p);
      await rm(root, { recursive: true, force: true });
    });
    afterAll(async () => sshd?.dispose());

    const start = async (over: Partial<SftpReceiptSourceOptions> = {}) => {
      const s = sshd!;
      const log = pino(
        { level: 'info' },
        { write: (line: string) => void lines.push(JSON.parse(line)) },
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
          pollMs: 30,
          stableMs: 0,
          doneDir: join(root, 'done'),
          ...over,
        },
        log,
      );
      await source.start(async (rs) => void got.push(...rs));
    };
    const about = (name: string) => lines.filter((l) => l.level >= 40 && l.file === name);
    const pollFailures = () => lines.filter((l) => /poll failed/.test(l.msg));

    it('leaves a receipt the server cannot read with one bilingual line, and delivers the others', async (ctx) => {
      await writeFile(join(inDir, 'a.xml'), '<a/>');
      await writeFile(join(inDir, 'locked.xml'), '<locked/>');
      await writeFile(join(inDir, 'z.xml'), '<z/>');
      await sshd!.own(root);
      await chmod(join(inDir, 'locked.xml'), 0o000);
      if (sshd!.username === 'root') ctx.skip(); // no file permission binds root
      await start();
      await waitUntil(() => got.length === 2, 6000);
      await sleep(300); // ten more polls
      expect(got.map((r) => r.fileName).sort()).toEqual(['a.xml', 'z.xml']);
      expect(about('locked.xml')).toHaveLength(1);
      expect(bilingual(about('locked.xml')[0]!.msg)).toBe(true);
      expect(await readdir(inDir)).toEqual(['locked.xml']);
      expect(pollFailures()).toEqual([]);
    });

    it('a receipt it cannot delete is handed over once, logged once, and does not stop the others', async (ctx) => {
      const locked = join(inDir, 'locked.xml');
      await writeFile(locked, '<locked/>');
      await writeFile(join(inDir, 'a.xml'), '<a/>');
      await writeFile(join(inDir, 'z.xml'), '<z/>');
      await sshd!.own(root);
      if (!chattr('+i', locked)) ctx.skip(); // needs root and a file system with attributes
      immutable.push(locked);
      await start({ doneDir: undefined });
      await waitUntil(() => got.length === 3, 6000);
      await sleep(300);
      expect(got.map((r) => r.fileName).sort()).toEqual(['a.xml', 'locked.xml', 'z.xml']);
      expect(about('locked.xml')).toHaveLength(1);
      expect(bilingual(about('locked.xml')[0]!.msg)).toBe(true);
      expect(existsSync(locked)).toBe(true);
      expect(await readdir(inDir)).toEqual(['locked.xml']);
      expect(pollFailures()).toEqual([]);
    });
  },
);
