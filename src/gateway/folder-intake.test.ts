import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, symlinkSync, readdirSync, existsSync, mkdirSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { FolderIntake, CLAIM_DIR } from './folder-intake.js';
import { RecordingHandler, until } from '../../test/helpers/recording-intake.js';
import type { ResolvedFolderIntake } from '../config/resolve.js';

const log = pino({ level: 'silent' });
const waitUntil = (cond: () => boolean, ms = 3000): Promise<void> => until(cond, ms);

describe('FolderIntake', () => {
  let root: string;
  let inbox: string;
  let intake: FolderIntake;
  let handler: RecordingHandler;
  const cfg = (over: Partial<ResolvedFolderIntake> = {}): ResolvedFolderIntake => ({
    type: 'folder', path: inbox, pattern: '*.xml', stableMs: 150, pollMs: 30, doneMarker: false, maxBytes: 1000, ...over,
  });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'eport-intake-'));
    inbox = join(root, 'inbox');
    mkdirSync(inbox);
    handler = new RecordingHandler();
  });
  afterEach(async () => intake?.close());

  const start = async (over: Partial<ResolvedFolderIntake> = {}) => {
    intake = new FolderIntake('declaration', cfg(over), join(root, 'sent'), join(root, 'failed'), log);
    await intake.start(handler);
  };

  it('takes a complete file, hands its bytes over, then moves it to sent', async () => {
    writeFileSync(join(inbox, 'a.xml'), '<a/>');
    await start();
    await waitUntil(() => handler.archivedPaths.length === 1);
    expect(handler.accepted[0]).toMatchObject({ channel: 'declaration', name: 'a.xml' });
    expect(handler.accepted[0]!.bytes.toString()).toBe('<a/>');
    expect(readdirSync(join(root, 'sent'))).toEqual(['a.xml']);
    expect(readdirSync(inbox)).toEqual([CLAIM_DIR]);
  });

  it('waits while a file is still growing', async () => {
    await start({ stableMs: 300 });
    const f = join(inbox, 'growing.xml');
    writeFileSync(f, '<a>');
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 100));
      appendFileSync(f, 'x');
    }
    expect(handler.accepted).toHaveLength(0);
    appendFileSync(f, '</a>');
    await waitUntil(() => handler.accepted.length === 1);
    expect(handler.accepted[0]!.bytes.toString()).toBe('<a>xxxxx</a>');
  });

  it('ignores temp, hidden and non-matching files', async () => {
    for (const n of ['.hidden.xml', 'b.xml.tmp', 'c.xml.part', '~lock.xml', 'notes.txt']) writeFileSync(join(inbox, n), 'x');
    await start();
    await new Promise((r) => setTimeout(r, 400));
    expect(handler.accepted).toHaveLength(0);
    expect(handler.refused).toHaveLength(0);
  });

  it('refuses empty files, oversized files and symlinks into failed', async () => {
    writeFileSync(join(inbox, 'empty.xml'), '');
    writeFileSync(join(inbox, 'big.xml'), 'x'.repeat(2000));
    writeFileSync(join(root, 'target.xml'), '<secret/>');
    symlinkSync(join(root, 'target.xml'), join(inbox, 'link.xml'));
    await start();
    await waitUntil(() => handler.refused.length === 3);
    expect(handler.refused.map((r) => r.code).sort()).toEqual(['GW_ERR_INTAKE_EMPTY', 'GW_ERR_INTAKE_TOO_LARGE', 'GW_ERR_INTAKE_UNSAFE_NAME']);
    expect(handler.refused.every((r) => !r.doc.bytes.toString().includes('secret'))).toBe(true);
    await waitUntil(() => readdirSync(join(root, 'failed')).length === 3);
    expect(existsSync(join(root, 'target.xml'))).toBe(true);
  });

  it('with doneMarker, takes a file only once its marker exists and removes the marker', async () => {
    writeFileSync(join(inbox, 'd.xml'), '<d/>');
    await start({ doneMarker: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(handler.accepted).toHaveLength(0);
    writeFileSync(join(inbox, 'd.xml.done'), '');
    await waitUntil(() => handler.archivedPaths.length === 1);
    expect(readdirSync(inbox)).toEqual([CLAIM_DIR]);
  });

  it('finishes files claimed before a crash first', async () => {
    mkdirSync(join(inbox, CLAIM_DIR));
    writeFileSync(join(inbox, CLAIM_DIR, 'left.xml'), '<left/>');
    await start();
    await waitUntil(() => handler.archivedPaths.length === 1);
    expect(handler.accepted[0]!.name).toBe('left.xml');
  });

  it('never overwrites an archived file of the same name', async () => {
    await start();
    writeFileSync(join(inbox, 'same.xml'), '<one/>');
    await waitUntil(() => handler.archivedPaths.length === 1);
    writeFileSync(join(inbox, 'same.xml'), '<two/>');
    await waitUntil(() => handler.archivedPaths.length === 2);
    expect(readdirSync(join(root, 'sent')).sort()).toEqual(['same.1.xml', 'same.xml']);
  });
});
