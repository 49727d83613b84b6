import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  mkdtempSync,
  writeFileSync,
  readdirSync,
  mkdirSync,
  existsSync,
  renameSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { FolderIntake, CLAIM_DIR } from './folder-intake.js';
import { RecordingHandler } from '../../test/helpers/recording-intake.js';
import { waitUntil as until } from '../../test/helpers/wait.js';
import type { ResolvedFolderIntake } from '../config/resolve.js';
import { isBundle, unpackBundle } from '../core/document-bundle.js';

const log = pino({ level: 'silent' });
const pdf = (s: string): string => `%PDF-1.4\n% ${s}\n%%EOF\n`;

describe('FolderIntake with attachments (通关无纸化)', () => {
  let root: string;
  let inbox: string;
  let intake: FolderIntake | undefined;
  let handler: RecordingHandler;
  const sent = (): string => join(root, 'sent');

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'eport-intake-edoc-'));
    inbox = join(root, 'inbox');
    mkdirSync(inbox);
    handler = new RecordingHandler();
  });
  afterEach(async () => intake?.close());

  const start = async (over: Partial<ResolvedFolderIntake> = {}) => {
    const cfg: ResolvedFolderIntake = {
      type: 'folder',
      path: inbox,
      pattern: '*',
      stableMs: 0,
      pollMs: 20,
      doneMarker: false,
      maxBytes: 1000,
      attachments: true,
      ...over,
    };
    intake = new FolderIntake('declaration', cfg, sent(), join(root, 'failed'), log);
    await intake.start(handler);
  };

  it('takes the declaration with its <stem>.edoc/ folder as one bundle and archives both side by side', async () => {
    mkdirSync(join(inbox, 'dec-01.edoc'));
    writeFileSync(join(inbox, 'dec-01.edoc', '00000001_inv.pdf'), pdf('inv'));
    writeFileSync(join(inbox, 'dec-01.edoc', 'edoc.json'), '{"attachments":[]}');
    writeFileSync(join(inbox, 'dec-01.xml'), '<DecMessage/>');
    await start();
    await until(() => handler.archivedPaths.length === 1, 3000);
    const doc = handler.accepted[0]!;
    expect(doc.name).toBe('dec-01.xml');
    expect(isBundle(doc.bytes)).toBe(true);
    const b = await unpackBundle(doc.bytes);
    expect(b.document.bytes.toString()).toBe('<DecMessage/>');
    expect(b.attachments.map((a) => a.name)).toEqual(['00000001_inv.pdf']);
    expect(b.manifest?.name).toBe('edoc.json');
    expect(readdirSync(sent()).sort()).toEqual(['dec-01.edoc', 'dec-01.xml']);
    expect(readdirSync(join(sent(), 'dec-01.edoc')).sort()).toEqual([
      '00000001_inv.pdf',
      'edoc.json',
    ]);
    expect(readdirSync(inbox)).toEqual([CLAIM_DIR]);
    expect(readdirSync(join(inbox, CLAIM_DIR))).toEqual([]);
  });

  it('takes the files a <stem>.edoc.json manifest lists from the inbox; a second drop of the same name is archived as dec-02.1.* with its own folder', async () => {
    mkdirSync(sent());
    writeFileSync(join(sent(), 'dec-02.xml'), 'older');
    writeFileSync(join(inbox, 'bl.pdf'), pdf('bl'));
    writeFileSync(
      join(inbox, 'dec-02.edoc.json'),
      JSON.stringify({ attachments: [{ file: 'bl.pdf', code: '00000003' }] }),
    );
    writeFileSync(join(inbox, 'dec-02.xml'), '<DecMessage/>');
    await start({ pattern: '*.xml' });
    await until(() => handler.archivedPaths.length === 1, 3000);
    const b = await unpackBundle(handler.accepted[0]!.bytes);
    expect(b.attachments.map((a) => a.name)).toEqual(['bl.pdf']);
    expect(b.manifest?.bytes.toString()).toContain('00000003');
    expect(readdirSync(sent()).sort()).toEqual(['dec-02.1.edoc', 'dec-02.1.xml', 'dec-02.xml']);
    expect(readdirSync(join(sent(), 'dec-02.1.edoc')).sort()).toEqual(['bl.pdf', 'edoc.json']);
    expect(readdirSync(inbox)).toEqual([CLAIM_DIR]);
  });

  it('a declaration without attachments stays a plain document; the manifest is never taken as a declaration', async () => {
    writeFileSync(join(inbox, 'plain.json'), '{"head":{}}');
    writeFileSync(join(inbox, 'other.edoc.json'), '{"attachments":[]}');
    await start({ pattern: '*.json' });
    await until(() => handler.archivedPaths.length === 1, 3000);
    expect(handler.accepted.map((d) => d.name)).toEqual(['plain.json']);
    expect(handler.accepted[0]!.bytes.toString()).toBe('{"head":{}}');
    expect(readdirSync(inbox).sort()).toEqual([CLAIM_DIR, 'other.edoc.json']);
  });

  it('after a crash between claiming the declaration and its attachments, the restart claims the rest and sends them together', async () => {
    mkdirSync(join(inbox, CLAIM_DIR));
    writeFileSync(join(inbox, CLAIM_DIR, 'dec-03.xml'), '<DecMessage/>');
    mkdirSync(join(inbox, 'dec-03.edoc'));
    writeFileSync(join(inbox, 'dec-03.edoc', '发票_1.pdf'), pdf('1'));
    await start();
    await until(() => handler.archivedPaths.length === 1, 3000);
    const b = await unpackBundle(handler.accepted[0]!.bytes);
    expect(b.attachments.map((a) => a.name)).toEqual(['发票_1.pdf']);
    expect(readdirSync(join(sent(), 'dec-03.edoc'))).toEqual(['发票_1.pdf']);
  });

  it('attachments left claimed after their declaration was archived (crash) go to sent/, never lost', async () => {
    mkdirSync(join(inbox, CLAIM_DIR, 'dec-04.edoc'), { recursive: true });
    writeFileSync(join(inbox, CLAIM_DIR, 'dec-04.edoc', 'a.pdf'), pdf('a'));
    writeFileSync(join(inbox, 'sentinel.xml'), '<x/>');
    await start();
    await until(() => handler.archivedPaths.length === 1, 3000);
    await until(() => existsSync(join(sent(), 'dec-04.edoc')), 3000);
    expect(readdirSync(join(sent(), 'dec-04.edoc'))).toEqual(['a.pdf']);
    expect(readdirSync(join(inbox, CLAIM_DIR))).toEqual([]);
  });

  it('waits while an attachment is still being written (temp name in the folder)', async () => {
    mkdirSync(join(inbox, 'dec-05.edoc'));
    writeFileSync(join(inbox, 'dec-05.edoc', 'a.pdf.part'), pdf('a'));
    writeFileSync(join(inbox, 'dec-05.xml'), '<DecMessage/>');
    writeFileSync(join(inbox, 'sentinel.xml'), '<x/>');
    await start();
    await until(() => handler.accepted.some((d) => d.name === 'sentinel.xml'), 3000);
    expect(handler.accepted.map((d) => d.name)).toEqual(['sentinel.xml']);
    renameSync(
      join(inbox, 'dec-05.edoc', 'a.pdf.part'),
      join(inbox, 'dec-05.edoc', '00000001_a.pdf'),
    );
    await until(() => handler.accepted.length === 2, 3000);
    expect((await unpackBundle(handler.accepted[1]!.bytes)).attachments.map((a) => a.name)).toEqual(
      ['00000001_a.pdf'],
    );
  });

  it('an attachment over the intake limit refuses the declaration, naming the file; both go to failed/', async () => {
    mkdirSync(join(inbox, 'dec-06.edoc'));
    writeFileSync(join(inbox, 'dec-06.edoc', 'huge.pdf'), pdf('x'.repeat(2000)));
    writeFileSync(join(inbox, 'dec-06.xml'), '<DecMessage/>');
    await start();
    await until(() => handler.archivedPaths.length === 1, 3000);
    expect(handler.refused).toEqual([expect.objectContaining({ code: 'GW_ERR_INTAKE_TOO_LARGE' })]);
    expect(readdirSync(join(root, 'failed')).sort()).toEqual(['dec-06.edoc', 'dec-06.xml']);
  });
});
