import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  mkdtempSync,
  writeFileSync,
  symlinkSync,
  readdirSync,
  existsSync,
  mkdirSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { FolderIntake, CLAIM_DIR } from './folder-intake.js';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import { RecordingHandler } from '../../test/helpers/recording-intake.js';
import { waitUntil } from '../../test/helpers/wait.js';
import type { ResolvedFolderIntake } from '../config/resolve.js';

const log = pino({ level: 'silent' });

describe('FolderIntake', () => {
  let root: string;
  let inbox: string;
  let intake: FolderIntake;
  let handler: RecordingHandler;
  const cfg = (over: Partial<ResolvedFolderIntake> = {}): ResolvedFolderIntake => ({
    type: 'folder',
    path: inbox,
    pattern: '*.xml',
    stableMs: 150,
    pollMs: 30,
    doneMarker: false,
    maxBytes: 1000,
    ...over,
  });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'eport-intake-'));
    inbox = join(root, 'inbox');
    mkdirSync(inbox);
    handler = new RecordingHandler();
  });
  afterEach(async () => intake?.close());

  const start = async (over: Partial<ResolvedFolderIntake> = {}, clock?: FakeClock) => {
    intake = new FolderIntake(
      'declaration',
      cfg(over),
      join(root, 'sent'),
      join(root, 'failed'),
      log,
      undefined,
      clock?.now,
    );
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

  it('waits while a file is still growing, and takes it once it held still for stableMs (fake clock)', async () => {
    // The clock moves only here, 100 ms after each append, so no size is ever seen twice 300 ms
    // apart while the file grows, however slow the machine is. The last size is first seen at
    // the time of its append, so it is taken exactly stableMs later.
    const clock = new FakeClock();
    await start({ stableMs: 300 }, clock);
    const f = join(inbox, 'growing.xml');
    writeFileSync(f, '<a>');
    for (let i = 0; i < 5; i++) {
      await clock.nextPolls(2);
      appendFileSync(f, 'x');
      clock.advance(100);
    }
    appendFileSync(f, '</a>');
    await clock.nextPolls(2); // a whole scan saw the last size, at this very fake time
    expect(handler.accepted).toHaveLength(0);
    clock.advance(299);
    await clock.nextPolls(2);
    expect(handler.accepted).toHaveLength(0);
    clock.advance(1);
    await waitUntil(() => handler.accepted.length === 1);
    expect(handler.accepted[0]!.bytes.toString()).toBe('<a>xxxxx</a>');
  });

  it('ignores temp, hidden and non-matching files', async () => {
    for (const n of ['.hidden.xml', 'b.xml.tmp', 'c.xml.part', '~lock.xml', 'notes.txt'])
      writeFileSync(join(inbox, n), 'x');
    writeFileSync(join(inbox, 'sentinel.xml'), '<s/>'); // must be taken, by the same scans that pass the others by
    await start();
    await waitUntil(() => handler.archivedPaths.length === 1);
    expect(handler.accepted.map((d) => d.name)).toEqual(['sentinel.xml']);
    expect(handler.refused).toHaveLength(0);
  });

  it('refuses empty files, oversized files and symlinks into failed', async () => {
    writeFileSync(join(inbox, 'empty.xml'), '');
    writeFileSync(join(inbox, 'big.xml'), 'x'.repeat(2000));
    writeFileSync(join(root, 'target.xml'), '<secret/>');
    symlinkSync(join(root, 'target.xml'), join(inbox, 'link.xml'));
    await start();
    await waitUntil(() => handler.refused.length === 3);
    expect(handler.refused.map((r) => r.code).sort()).toEqual([
      'GW_ERR_INTAKE_EMPTY',
      'GW_ERR_INTAKE_TOO_LARGE',
      'GW_ERR_INTAKE_UNSAFE_NAME',
    ]);
    expect(handler.refused.every((r) => !r.doc.bytes.toString().includes('secret'))).toBe(true);
    await waitUntil(() => readdirSync(join(root, 'failed')).length === 3);
    expect(existsSync(join(root, 'target.xml'))).toBe(true);
  });

  it('with doneMarker, takes a file only once its marker exists and removes the marker', async () => {
    writeFileSync(join(inbox, 'd.xml'), '<d/>');
    writeFileSync(join(inbox, 'sentinel.xml'), '<s/>'); // with its marker: must be taken
    writeFileSync(join(inbox, 'sentinel.xml.done'), '');
    await start({ doneMarker: true });
    await waitUntil(() => handler.archivedPaths.length === 1);
    expect(handler.accepted.map((d) => d.name)).toEqual(['sentinel.xml']);
    writeFileSync(join(inbox, 'd.xml.done'), '');
    await waitUntil(() => handler.archivedPaths.length === 2);
    expect(handler.accepted.map((d) => d.name)).toEqual(['sentinel.xml', 'd.xml']);
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
