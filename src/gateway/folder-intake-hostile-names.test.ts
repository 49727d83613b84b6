import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { FolderIntake, CLAIM_DIR } from './folder-intake.js';
import { RecordingHandler } from '../../test/helpers/recording-intake.js';
import type { ResolvedFolderIntake } from '../config/resolve.js';
import { waitUntil } from '../../test/helpers/wait.js';

const LONG = `${'长'.repeat(80)}${'x'.repeat(11)}.xml`; // 80×3 + 11 + 4 = 255 bytes, the ext4 maximum
const chattr = (flag: string, path: string): boolean => {
  try {
    execFileSync('chattr', [flag, path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Issue 12, blocked intake 1: no file name can stop a channel; each file left alone says why, once. */
describe('FolderIntake with hostile file names (real file system)', () => {
  let root: string;
  let inbox: string;
  let intake: FolderIntake | undefined;
  let handler: RecordingHandler;
  let lines: { level: number; msg: string; file?: string }[];
  const immutable: string[] = [];
  const cfg = (): ResolvedFolderIntake => ({
    type: 'folder',
    path: inbox,
    pattern: '*',
    stableMs: 0,
    pollMs: 20,
    doneMarker: false,
    maxBytes: 10_000,
  });
  const start = async () => {
    const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
    intake = new FolderIntake('declaration', cfg(), join(root, 'sent'), join(root, 'failed'), log);
    await intake.start(handler);
  };
  const names = (d: string) => (existsSync(d) ? readdirSync(d) : []);

  beforeEach(() => {
    expect(Buffer.byteLength(LONG)).toBe(255);
    root = mkdtempSync(join(tmpdir(), 'eport-hostile-'));
    inbox = join(root, 'inbox');
    mkdirSync(inbox);
    handler = new RecordingHandler();
    lines = [];
  });
  afterEach(async () => {
    await intake?.close();
    intake = undefined;
    for (const p of immutable.splice(0)) chattr('-i', p);
    rmSync(root, { recursive: true, force: true });
  });

  it('archives a second file with the same 255-byte name under a shortened name with a hash', async () => {
    await start();
    writeFileSync(join(inbox, LONG), '<a>1</a>');
    await waitUntil(() => handler.archivedPaths.length === 1);
    writeFileSync(join(inbox, LONG), '<a>2</a>');
    writeFileSync(join(inbox, 'after.xml'), '<a>3</a>');
    await waitUntil(() => handler.archivedPaths.length === 3);
    const sent = names(join(root, 'sent'));
    expect(sent).toHaveLength(3);
    expect(sent).toContain(LONG);
    for (const n of sent) expect(Buffer.byteLength(n)).toBeLessThanOrEqual(255);
    expect(names(join(inbox, CLAIM_DIR))).toEqual([]);
  });

  it('recovers claimed files after a restart even when one cannot be archived under its own name', async () => {
    mkdirSync(join(inbox, CLAIM_DIR));
    mkdirSync(join(root, 'sent'));
    writeFileSync(join(root, 'sent', LONG), '<a>old</a>');
    writeFileSync(join(inbox, CLAIM_DIR, LONG), '<a>claimed</a>');
    writeFileSync(join(inbox, 'new.xml'), '<a>new</a>');
    await start();
    await waitUntil(() => handler.archivedPaths.length === 2);
    expect(names(join(inbox, CLAIM_DIR))).toEqual([]);
    expect(handler.accepted.map((d) => d.name).sort()).toEqual([LONG, 'new.xml'].sort());
  });

  it('refuses a symbolic link with a 255-byte name without aborting the scan', async () => {
    writeFileSync(join(root, 'target.xml'), '<a/>');
    symlinkSync(join(root, 'target.xml'), join(inbox, LONG));
    writeFileSync(join(inbox, 'plain.xml'), '<a>plain</a>');
    await start();
    await waitUntil(() => handler.accepted.length === 1 && handler.refused.length === 1);
    expect(handler.refused[0]!.code).toBe('GW_ERR_INTAKE_UNSAFE_NAME');
    expect(names(inbox)).toEqual([CLAIM_DIR]);
    for (const n of names(join(root, 'failed')))
      expect(Buffer.byteLength(n)).toBeLessThanOrEqual(255);
  });

  it('takes a file whose name holds a newline', async () => {
    writeFileSync(join(inbox, 'line\nbreak.xml'), '<a>nl</a>');
    await start();
    await waitUntil(() => handler.accepted.length === 1);
    expect(handler.accepted[0]!.name).toBe('line\nbreak.xml');
  });

  it('takes a file whose name is not valid UTF-8, under a safe name, with one log line', async () => {
    const raw = Buffer.concat([
      Buffer.from(`${inbox}/bad-`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('.xml'),
    ]);
    writeFileSync(raw, '<a>bytes</a>');
    await start();
    await waitUntil(() => handler.accepted.length === 1);
    const taken = handler.accepted[0]!.name;
    expect(Buffer.from(taken, 'utf8').toString('utf8')).toBe(taken);
    expect(taken).toMatch(/^bad-.*\.xml$/);
    expect(handler.accepted[0]!.bytes.toString()).toBe('<a>bytes</a>');
    expect(lines.filter((l) => /UTF-8/.test(l.msg))).toHaveLength(1);
  });

  it('leaves an immutable file alone with one log line and an error receipt, and takes the others', async (ctx) => {
    const locked = join(inbox, 'locked.xml');
    writeFileSync(locked, '<a>locked</a>');
    if (!chattr('+i', locked)) ctx.skip(); // needs root and a file system with attributes
    immutable.push(locked);
    await start();
    writeFileSync(join(inbox, 'free.xml'), '<a>free</a>');
    await waitUntil(() => handler.accepted.some((d) => d.name === 'free.xml'));
    await new Promise((r) => setTimeout(r, 300)); // a dozen more scans
    expect(existsSync(locked)).toBe(true);
    expect(handler.refused.map((r) => [r.doc.name, r.code])).toEqual([
      ['locked.xml', 'GW_ERR_INTAKE_BLOCKED'],
    ]);
    expect(lines.filter((l) => l.level >= 40 && l.file === 'locked.xml')).toHaveLength(1);
  });
});
