import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { startSshd, sshdUnavailable, type TestSshd } from '../../test/helpers/sshd.js';
import { skipWithout } from '../../test/helpers/tools.js';
import { RecordingHandler } from '../../test/helpers/recording-intake.js';
import { waitUntil } from '../../test/helpers/wait.js';
import { SFTP_CLAIM_DIR, SftpIntake, type SftpIntakeOptions } from './sftp-intake.js';
import { isBundle, unpackBundle } from '../core/document-bundle.js';
import { isGatewayError } from '../core/errors.js';
import { createTranslator } from '../translators/factory.js';
import { translateAll } from '../translators/translator.js';

const log = pino({ level: 'silent' });
const pdf = (s: string): string => `%PDF-1.4\n% ${s}\n%%EOF\n`;
const SAMPLE = join(import.meta.dirname, '..', '..', 'samples', 'paperless');
const skip = skipWithout('SFTP intake attachment tests', sshdUnavailable());

describe.skipIf(skip)('SftpIntake with attachments (通关无纸化, OpenSSH sshd on loopback)', () => {
  let sshd: TestSshd | undefined;
  let n = 0;
  let root: string;
  let inbox: string;
  let handler: RecordingHandler;
  let intake: SftpIntake | undefined;
  const sent = (): string => join(root, 'sent');
  const failed = (): string => join(root, 'failed');

  beforeEach(async () => {
    sshd ??= await startSshd();
    root = join(sshd.dataDir, `edoc-${++n}`);
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
        stableMs: 150,
        pollMs: 40,
        archiveDir: sent(),
        failedDir: failed(),
        maxBytes: 100_000,
        attachments: true,
        ...over,
      },
      log,
    );
    await intake.start(handler);
  };

  it('takes the declaration with its <stem>.edoc/ folder as one bundle and archives both side by side on the server', async () => {
    await mkdir(join(inbox, 'dec-01.edoc'));
    await writeFile(join(inbox, 'dec-01.edoc', '00000001_inv.pdf'), pdf('inv'));
    await writeFile(join(inbox, 'dec-01.edoc', 'edoc.json'), '{"attachments":[]}');
    await writeFile(join(inbox, 'dec-01.xml'), '<DecMessage/>');
    await start();
    await waitUntil(() => handler.archivedPaths.length === 1);
    const doc = handler.accepted[0]!;
    expect(doc.name).toBe('dec-01.xml');
    expect(isBundle(doc.bytes)).toBe(true);
    const b = await unpackBundle(doc.bytes);
    expect(b.document.bytes.toString()).toBe('<DecMessage/>');
    expect(b.attachments.map((a) => a.name)).toEqual(['00000001_inv.pdf']);
    expect(b.manifest?.name).toBe('edoc.json');
    expect((await readdir(sent())).sort()).toEqual(['dec-01.edoc', 'dec-01.xml']);
    expect((await readdir(join(sent(), 'dec-01.edoc'))).sort()).toEqual([
      '00000001_inv.pdf',
      'edoc.json',
    ]);
    expect(await readdir(inbox)).toEqual([SFTP_CLAIM_DIR]);
    expect(await readdir(join(inbox, SFTP_CLAIM_DIR))).toEqual([]);
  });

  it('takes the files a <stem>.edoc.json manifest lists from the inbox; a second drop of the same name is archived as dec-02.1.* with its own folder', async () => {
    const manifest = JSON.stringify({ attachments: [{ file: 'BL-1.pdf', code: '00000003' }] });
    await writeFile(join(inbox, 'BL-1.pdf'), pdf('bl'));
    await writeFile(join(inbox, 'dec-02.edoc.json'), manifest);
    await writeFile(join(inbox, 'dec-02.xml'), '<DecMessage>1</DecMessage>');
    await start();
    await waitUntil(() => handler.archivedPaths.length === 1);
    const b = await unpackBundle(handler.accepted[0]!.bytes);
    expect(b.attachments.map((a) => a.name)).toEqual(['BL-1.pdf']);
    expect(b.manifest?.bytes.toString()).toBe(manifest);
    await writeFile(join(inbox, 'BL-1.pdf'), pdf('bl2'));
    await writeFile(join(inbox, 'dec-02.edoc.json'), manifest);
    await writeFile(join(inbox, 'dec-02.xml'), '<DecMessage>2</DecMessage>');
    await waitUntil(() => handler.archivedPaths.length === 2);
    expect((await readdir(sent())).sort()).toEqual([
      'dec-02.1.edoc',
      'dec-02.1.xml',
      'dec-02.edoc',
      'dec-02.xml',
    ]);
    expect(await readFile(join(sent(), 'dec-02.1.edoc', 'BL-1.pdf'), 'utf8')).toBe(pdf('bl2'));
    expect(await readdir(inbox)).toEqual([SFTP_CLAIM_DIR]);
  });

  it('waits while an attachment still has a temporary name, then takes it once renamed', async () => {
    await mkdir(join(inbox, 'dec-03.edoc'));
    await writeFile(join(inbox, 'dec-03.edoc', '00000001_inv.pdf.part'), pdf('half'));
    await writeFile(join(inbox, 'dec-03.xml'), '<DecMessage/>');
    await writeFile(join(inbox, 'plain.xml'), '<DecMessage>plain</DecMessage>');
    await start();
    // plain.xml was taken after its stability window: dec-03.xml's had passed too, yet it waits.
    await waitUntil(() => handler.archivedPaths.length === 1);
    expect(handler.accepted.map((d) => d.name)).toEqual(['plain.xml']);
    expect((await readdir(inbox)).sort()).toEqual([SFTP_CLAIM_DIR, 'dec-03.edoc', 'dec-03.xml']);
    await rename(
      join(inbox, 'dec-03.edoc', '00000001_inv.pdf.part'),
      join(inbox, 'dec-03.edoc', '00000001_inv.pdf'),
    );
    await waitUntil(() => handler.archivedPaths.length === 2);
    const b = await unpackBundle(handler.accepted[1]!.bytes);
    expect(b.attachments.map((a) => a.name)).toEqual(['00000001_inv.pdf']);
  });

  it('an attachment over maxBytes: refused without download, declaration and folder both to failed', async () => {
    await mkdir(join(inbox, 'dec-04.edoc'));
    await writeFile(join(inbox, 'dec-04.edoc', '00000001_big.pdf'), pdf('x'.repeat(2000)));
    await writeFile(join(inbox, 'dec-04.xml'), '<DecMessage/>');
    await start({ maxBytes: 1000 });
    await waitUntil(() => handler.archivedPaths.length === 1);
    expect(handler.accepted).toHaveLength(0);
    expect(handler.refused.map((r) => r.code)).toEqual(['GW_ERR_INTAKE_TOO_LARGE']);
    expect((await readdir(failed())).sort()).toEqual(['dec-04.edoc', 'dec-04.xml']);
  });

  it('finishes a claim a crash left half-way (declaration claimed, manifest and file still in the inbox)', async () => {
    const claim = join(inbox, SFTP_CLAIM_DIR);
    await mkdir(claim);
    await writeFile(join(claim, 'dec-05.xml'), '<DecMessage/>');
    await writeFile(join(inbox, '00000002_pl.pdf'), pdf('pl'));
    await writeFile(
      join(inbox, 'dec-05.edoc.json'),
      JSON.stringify({ attachments: [{ file: '00000002_pl.pdf', code: '装箱单' }] }),
    );
    await start();
    await waitUntil(() => handler.archivedPaths.length === 1);
    const b = await unpackBundle(handler.accepted[0]!.bytes);
    expect(b.attachments.map((a) => a.name)).toEqual(['00000002_pl.pdf']);
    expect(b.manifest?.name).toBe('edoc.json');
    expect(await readdir(inbox)).toEqual([SFTP_CLAIM_DIR]);
    expect((await readdir(join(sent(), 'dec-05.edoc'))).sort()).toEqual([
      '00000002_pl.pdf',
      'edoc.json',
    ]);
  });

  it('the sample declaration and attachments arrive over SFTP and translate; a missing listed file and a non-PDF are errors naming the file and the rule', async () => {
    await cp(join(SAMPLE, 'dec-11-import-paperless.edoc'), join(inbox, 'good.edoc'), {
      recursive: true,
    });
    await cp(join(SAMPLE, 'dec-11-import-paperless.xml'), join(inbox, 'good.xml'));
    await cp(join(SAMPLE, 'dec-11-import-paperless.edoc'), join(inbox, 'bad.edoc'), {
      recursive: true,
    });
    await rename(join(inbox, 'bad.edoc', 'BL-DEMO-0111.pdf'), join(root, 'BL-DEMO-0111.pdf'));
    await writeFile(join(inbox, 'bad.edoc', '00000004_contract.pdf'), 'not a pdf');
    await cp(join(SAMPLE, 'dec-11-import-paperless.xml'), join(inbox, 'bad.xml'));
    await start();
    await waitUntil(() => handler.archivedPaths.length === 2);
    const translator = createTranslator('dec-xml', {});
    const byName = new Map(handler.accepted.map((d) => [d.name, d.bytes]));
    const [good] = await translateAll(translator, byName.get('good.xml')!, {
      channel: 'dec',
      fileName: 'good.xml',
    });
    expect(good!.xml).toContain('<EdocCopId>BL-DEMO-0111.pdf</EdocCopId>');
    expect(good!.xml).toContain('<DecMarkLob>');
    const err = await translateAll(translator, byName.get('bad.xml')!, {
      channel: 'dec',
      fileName: 'bad.xml',
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isGatewayError(err)) throw new Error('expected a GatewayError');
    expect(err.code).toBe('GW_ERR_EDOC_ATTACHMENT');
    expect(err.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ where: 'bad.xml → BL-DEMO-0111.pdf', rule: 'edoc-file-missing' }),
        expect.objectContaining({ where: 'bad.xml → 00000004_contract.pdf', rule: 'edoc-not-pdf' }),
      ]),
    );
  });
});
