import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterEach, describe, expect, it } from 'vitest';
import { isGatewayError, type GatewayError } from '../../core/errors.js';
import { buildClientPackage, checkClientPackage } from './client-package.js';
import { SwClientTransport } from './sw-client-transport.js';

const pdf = (s: string): Buffer => Buffer.from(`%PDF-1.4\n% ${s}\n%%EOF\n`);
const edoc = (copId: string): string =>
  `<EdocRealation><EdocID>X</EdocID><EdocCode>00000001</EdocCode><EdocCopId>${copId}</EdocCopId></EdocRealation>`;
const dec = (...copIds: string[]): Buffer =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<DecMessage xmlns="http://www.chinaport.gov.cn/dec"><DecSign><ClientSeqNo>K1</ClientSeqNo></DecSign>${copIds.map(edoc).join('')}<EdocRealation><EdocID>000220260000001234</EdocID><EdocCode>10000001</EdocCode><EdocCopId/></EdocRealation></DecMessage>\n`,
  );

async function refused(p: Promise<unknown>): Promise<GatewayError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isGatewayError(err)) throw new Error(`expected a GatewayError, got ${String(err)}`);
  return err;
}

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

describe('Single Window client package (随附单据 zip)', () => {
  it('holds <stem>.xml and every file an EdocCopId names: file count = attachments + 1; the same input gives the same bytes', async () => {
    const files = [
      { name: 'b.pdf', bytes: pdf('b') },
      { name: 'a.pdf', bytes: pdf('a') },
      { name: 'marks.png', bytes: Buffer.from('png') },
    ];
    const zip = await buildClientPackage('K1', dec('a.pdf', 'b.pdf'), files);
    const entries = Object.keys((await JSZip.loadAsync(zip)).files).sort();
    expect(entries).toEqual(['K1.xml', 'a.pdf', 'b.pdf']);
    expect(
      (await buildClientPackage('K1', dec('a.pdf', 'b.pdf'), [...files].reverse())).equals(zip),
    ).toBe(true);
    await expect(checkClientPackage('K1.zip', zip, 2)).resolves.toBeUndefined();
  });

  it('refuses every inconsistency before writing, naming the file and the rule', async () => {
    const err = await refused(
      buildClientPackage(
        'K1',
        dec('a.pdf', 'A.PDF', 'gone.pdf', 'note.pdf', 'big.pdf'),
        [
          { name: 'a.pdf', bytes: pdf('a') },
          { name: 'A.PDF', bytes: pdf('A') },
          { name: 'note.pdf', bytes: Buffer.from('plain text') },
          { name: 'big.pdf', bytes: Buffer.concat([pdf('big'), Buffer.alloc(100)]) },
        ],
        { maxAttachmentBytes: 100 },
      ),
    );
    expect(err.code).toBe('GW_ERR_EDOC_PACKAGE');
    expect(err.details.map((d) => [d.where, d.rule])).toEqual([
      ['K1.zip → A.PDF', 'package-duplicate-name'],
      ['K1.zip → gone.pdf', 'package-file-missing'],
      ['K1.zip → note.pdf', 'package-not-pdf'],
      ['K1.zip → big.pdf', 'package-too-large'],
    ]);
    expect(err.details[3]!.en).toBe("the file has 121 bytes, more than the client's limit of 100");
    expect(err.details[1]!.zh).toBe('EdocCopId 指向的文件不在随附文件中');
  });

  it('a zip whose XML is not named like it, or whose file count is off, breaks the client rules', async () => {
    const z = new JSZip();
    z.file('other.xml', '<x/>');
    z.file('a.pdf', pdf('a'));
    const bytes = await z.generateAsync({ type: 'nodebuffer' });
    const err = await refused(checkClientPackage('K1.zip', bytes, 2));
    expect(err.details.map((d) => d.rule)).toEqual(['package-xml', 'package-count']);
    expect(err.details[1]!.en).toBe('2 files, but must be the 2 attachments + 1');
  });

  it('the sw-client transport writes <stem>.zip into OutBox once; a resend finds it handed over', async () => {
    const root = await mkdtemp(join(tmpdir(), 'eport-imppath-'));
    roots.push(root);
    for (const box of ['OutBox', 'InBox', 'SentBox', 'FailBox'])
      await mkdir(join(root, 'Deccus001', box), { recursive: true });
    const t = new SwClientTransport({ name: 'c', impPath: root });
    const msg = {
      messageId: 'm1',
      businessKey: 'EPGW20260120000111',
      messageType: 'DecMessage',
      fileName: 'd.xml',
      bytes: dec('a.pdf'),
      attachments: [{ name: 'a.pdf', bytes: pdf('a') }],
    };
    const ack = await t.send(msg, { idempotencyKey: 'k' });
    expect(ack.reference).toBe('DECCUS001/OutBox/EPGW20260120000111.zip');
    const again = await t.send(msg, { idempotencyKey: 'k' });
    expect(again.reference).toContain('already handed over');
    expect(await readdir(join(root, 'Deccus001', 'OutBox'))).toEqual(['EPGW20260120000111.zip']);
    const inside = await JSZip.loadAsync(
      await readFile(join(root, 'Deccus001', 'OutBox', 'EPGW20260120000111.zip')),
    );
    expect(Object.keys(inside.files).sort()).toEqual(['EPGW20260120000111.xml', 'a.pdf']);
    const bad = await refused(
      t.send(
        {
          ...msg,
          messageId: 'm2',
          businessKey: 'K2',
          attachments: [{ name: 'b.pdf', bytes: pdf('b') }],
        },
        { idempotencyKey: 'k2' },
      ),
    );
    expect(bad.code).toBe('GW_ERR_EDOC_PACKAGE');
    expect(await readdir(join(root, 'Deccus001', 'OutBox'))).toEqual(['EPGW20260120000111.zip']);
  });
});
