import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { pino } from 'pino';
import { startSshd, sshdUnavailable, type TestSshd } from '../../test/helpers/sshd.js';
import { skipWithout } from '../../test/helpers/tools.js';
import { RecordingHandler } from '../../test/helpers/recording-intake.js';
import { SFTP_CLAIM_DIR, SftpIntake, type SftpIntakeOptions } from './sftp-intake.js';
import { sleep, waitUntil } from '../../test/helpers/wait.js';

const log = pino({ level: 'silent' });

const skip = skipWithout('SFTP intake tests', sshdUnavailable());

describe.skipIf(skip)('SftpIntake (OpenSSH sshd on loopback)', () => {
  let sshd: TestSshd | undefined;
  let n = 0;
  let root: string;
  let inbox: string;
  let handler: RecordingHandler;
  let intake: SftpIntake | undefined;

  beforeEach(async () => {
    sshd ??= await startSshd();
    root = join(sshd.dataDir, `case-${++n}`);
    inbox = join(root, 'inbox');
    await mkdir(inbox, { recursive: true });
    handler = new RecordingHandler();
  });
  afterEach(async () => {
    await intake?.close();
    intake = undefined;
  });
  afterAll(async () => sshd?.dispose());

  const start = async (over: Partial<SftpIntakeOptions> = {}): Promise<void> => {
    const s = sshd!;
    intake = new SftpIntake(
      {
        channel: 'declaration',
        host: s.host,
        port: s.port,
        username: s.username,
        privateKey: s.privateKey,
        knownHostKey: s.hostKeyFingerprint,
        timeoutMs: 3000,
        remoteDir: inbox,
        pattern: '*.xml',
        stableMs: 200,
        pollMs: 40,
        archiveDir: join(root, 'sent'),
        failedDir: join(root, 'failed'),
        maxBytes: 100_000,
        ...over,
      },
      log,
    );
    await intake.start(handler);
  };

  it('takes a complete remote file with its GBK bytes unchanged, then archives it to sent', async () => {
    const gbk = iconv.encode(
      '<DecHead><OwnerName>宁波某某贸易有限公司</OwnerName></DecHead>',
      'gbk',
    );
    await writeFile(join(inbox, '报关单.xml'), gbk);
    await start();
    await waitUntil(() => handler.archivedPaths.length === 1);
    expect(handler.accepted).toHaveLength(1);
    expect(handler.accepted[0]!.name).toBe('报关单.xml');
    expect(handler.accepted[0]!.channel).toBe('declaration');
    expect(handler.accepted[0]!.bytes.equals(gbk)).toBe(true);
    expect(handler.archivedPaths[0]).toBe(`sftp://127.0.0.1${join(root, 'sent', '报关单.xml')}`);
    expect((await readFile(join(root, 'sent', '报关单.xml'))).equals(gbk)).toBe(true);
    expect(await readdir(inbox)).toEqual([SFTP_CLAIM_DIR]);
    expect(await readdir(join(inbox, SFTP_CLAIM_DIR))).toEqual([]);
  });

  it('leaves a growing file alone until it held still for stableMs; skips .part and dot files', async () => {
    const path = join(inbox, 'growing.xml');
    await writeFile(path, '<a>');
    await writeFile(join(inbox, 'upload.xml.part'), '<b/>');
    await writeFile(join(inbox, '.hidden.xml'), '<c/>');
    await start({ stableMs: 300 });
    for (let i = 0; i < 8; i++) {
      await sleep(80);
      await appendFile(path, `<x>${i}</x>`);
    }
    expect(handler.accepted).toHaveLength(0);
    await appendFile(path, '</a>');
    await waitUntil(() => handler.archivedPaths.length === 1);
    expect(handler.accepted[0]!.bytes.toString()).toBe(
      '<a><x>0</x><x>1</x><x>2</x><x>3</x><x>4</x><x>5</x><x>6</x><x>7</x></a>',
    );
    // A sentinel that must be taken: once it is, later scans have passed the others by.
    await writeFile(join(inbox, 'sentinel.xml'), '<s/>');
    await waitUntil(() => handler.archivedPaths.length === 2);
    expect(handler.accepted.map((d) => d.name)).toEqual(['growing.xml', 'sentinel.xml']);
    expect((await readdir(inbox)).sort()).toEqual([
      '.eport-claimed',
      '.hidden.xml',
      'upload.xml.part',
    ]);
  });

  it('moves the remote file only after accept resolved', async () => {
    let open!: () => void;
    handler.gate = new Promise((r) => (open = r));
    await writeFile(join(inbox, 'a.xml'), '<a/>');
    await start({ stableMs: 0 });
    await waitUntil(() => handler.accepted.length === 1);
    await sleep(100); // accept is still pending: a wrong order would move the file in this time
    expect(await readdir(join(inbox, SFTP_CLAIM_DIR))).toEqual(['a.xml']);
    expect(existsSync(join(root, 'sent', 'a.xml'))).toBe(false);
    open();
    await waitUntil(() => handler.archivedPaths.length === 1);
    expect(existsSync(join(root, 'sent', 'a.xml'))).toBe(true);
  });

  it('moves a rejected document to failed and never overwrites an archived file', async () => {
    handler.reject.add('bad.xml');
    await mkdir(join(root, 'sent'), { recursive: true });
    await writeFile(join(root, 'sent', 'ok.xml'), 'older');
    await writeFile(join(inbox, 'bad.xml'), '<bad/>');
    await writeFile(join(inbox, 'ok.xml'), '<ok/>');
    await start({ stableMs: 0 });
    await waitUntil(() => handler.archivedPaths.length === 2);
    expect(await readdir(join(root, 'failed'))).toEqual(['bad.xml']);
    expect((await readdir(join(root, 'sent'))).sort()).toEqual(['ok.1.xml', 'ok.xml']);
    expect(await readFile(join(root, 'sent', 'ok.xml'), 'utf8')).toBe('older');
  });

  it('refuses a symlink: the link goes to failed, its target is never read', async () => {
    const secret = join(root, 'secret.xml');
    await writeFile(secret, '<secret/>');
    await symlink(secret, join(inbox, 'link.xml'));
    await start({ stableMs: 0 });
    await waitUntil(() => handler.archivedPaths.length === 1);
    expect(handler.accepted).toHaveLength(0);
    expect(handler.refused.map((r) => r.code)).toEqual(['GW_ERR_INTAKE_UNSAFE_NAME']);
    expect(await readFile(secret, 'utf8')).toBe('<secret/>');
    const failed = await readdir(join(root, 'failed'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/^link\.xml\.symlink-\d+$/);
  });

  it('refuses an empty file and one over maxBytes without accepting them', async () => {
    await writeFile(join(inbox, 'empty.xml'), '');
    await writeFile(join(inbox, 'huge.xml'), Buffer.alloc(2000, 0x20));
    await start({ stableMs: 0, maxBytes: 1000 });
    await waitUntil(() => handler.archivedPaths.length === 2);
    expect(handler.accepted).toHaveLength(0);
    expect(handler.refused.map((r) => r.code).sort()).toEqual([
      'GW_ERR_INTAKE_EMPTY',
      'GW_ERR_INTAKE_TOO_LARGE',
    ]);
    expect((await readdir(join(root, 'failed'))).sort()).toEqual(['empty.xml', 'huge.xml']);
  });

  it('after a crash between claim and archive, finishes the claimed file on the next start', async () => {
    // The state a kill -9 leaves: the file renamed into the claim folder, nothing archived.
    await mkdir(join(inbox, SFTP_CLAIM_DIR));
    await writeFile(join(inbox, SFTP_CLAIM_DIR, 'crashed.xml'), '<crashed/>');
    await start();
    await waitUntil(() => handler.archivedPaths.length === 1);
    expect(handler.accepted.map((d) => d.name)).toEqual(['crashed.xml']);
    expect(await readdir(join(inbox, SFTP_CLAIM_DIR))).toEqual([]);
    expect(await readFile(join(root, 'sent', 'crashed.xml'), 'utf8')).toBe('<crashed/>');
  });

  it('keeps polling through an sshd outage and picks up files once it is back', async () => {
    await start({ stableMs: 0 });
    await waitUntil(() => existsSync(join(root, 'sent')));
    await sshd!.stop();
    try {
      await writeFile(join(inbox, 'later.xml'), '<later/>');
      await sleep(150);
      expect(handler.accepted).toHaveLength(0);
    } finally {
      await sshd!.start();
    }
    await waitUntil(() => handler.archivedPaths.length === 1);
    expect(handler.accepted.map((d) => d.name)).toEqual(['later.xml']);
  });
});
