import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDecImportResponse, buildDecResult } from '../../src/sandbox/receipts.js';
import { decMessage } from '../helpers/dec-message.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The Single Window client route against a plain folder that this test manipulates the way the
 * client does: it takes files from OutBox into SentBox or FailBox, and writes Successed_/Failed_
 * responses and DEC_RESULT receipts into InBox.
 */
let t: TestGateway | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const BOXES = ['OutBox', 'InBox', 'SentBox', 'FailBox'];

async function start(
  label: string,
  channelFields = 'signer: k',
  transportFields = '',
): Promise<{ imp: string; box: (b: string) => string }> {
  t = await startTestGateway(
    label,
    `  - { name: dec, dir: ./dec, intake: [{ type: folder, pattern: "*.xml", stableMs: 0, pollMs: 30ms }], ${channelFields}, transport: t, module: DECCUS001 }`,
    {
      transports: `[{ name: t, type: sw-client, impPath: ./imppath, pollMs: 50ms, stableMs: 0ms${transportFields} }]`,
      receiptSources: '[]',
    },
  );
  const imp = join(t.dir, 'imppath');
  for (const b of BOXES) await mkdir(join(imp, 'Deccus001', b), { recursive: true });
  return { imp, box: (b: string) => join(imp, 'Deccus001', b) };
}

// Like the client, ignore dot-prefixed temp files.
const list = (dir: string): Promise<string[]> =>
  readdir(dir).then(
    (n) => n.filter((x) => !x.startsWith('.')).sort(),
    () => [],
  );

async function messageIdOf(key: string): Promise<string> {
  const id = await t!.gateway.deps.ledger.findByKey('business-key', key);
  if (!id) throw new Error(`no message for ${key}`);
  return id;
}

describe('sw-client route against a folder the test drives like the client', () => {
  it('delivers into OutBox signed; SentBox, Successed_ response and DEC_RESULT come back to the outbox', async () => {
    const { box } = await start('swc-ok');
    await writeFile(join(t!.dir, 'dec', 'inbox', 'export.xml'), decMessage('SWC0000000000001'));
    const [name] = await waitFor(
      'file in OutBox',
      () => list(box('OutBox')),
      (n) => n.length === 1,
    );
    expect(name).toBe('SWC0000000000001.xml');
    expect(
      (await readFile(join(box('OutBox'), name!), 'utf8')).includes('<ds:SignatureValue>'),
    ).toBe(true);

    // A receipt may come before the client moved the file: it still correlates.
    await writeFile(
      join(box('InBox'), 'Successed_SWC0000000000001_202611301200000000001.xml'),
      buildDecImportResponse({
        responseCode: 0,
        errorMessage: '导入成功',
        clientSeqNo: 'SWC0000000000001',
        seqNo: 'I20260000000000001',
      }),
    );
    await rename(join(box('OutBox'), name!), join(box('SentBox'), name!));
    await writeFile(
      join(box('InBox'), 'Receipt_DEC_1.xml'),
      buildDecResult({
        cusCiqNo: 'I20260000000000001',
        entryId: '220120261000000001',
        noticeDate: new Date(),
        channel: 'L',
        note: '入库成功',
        customMaster: '2200',
        ieDate: '20261130',
        dDate: '20261130',
        clientSeqNo: 'SWC0000000000001',
      }),
    );
    const out = join(t!.dir, 'dec', 'outbox');
    await waitFor(
      'both receipts in the outbox',
      () => list(out),
      (n) => n.length === 2,
    );
    // Numbered in the order the receipt stage took them: either may be first.
    expect((await list(out)).map((n) => n.replace(/\.0[12]\./, '.NN.'))).toEqual([
      'export.dec-result.NN.xml',
      'export.import-response.NN.xml',
    ]);
    const id = await messageIdOf('SWC0000000000001');
    await waitFor(
      'taken event',
      () => t!.gateway.deps.ledger.events(id),
      (ev) => ev.some((e) => e.code === 'TAKEN'),
    );
    expect((await t!.gateway.deps.ledger.get(id))?.status).toBe('accepted');
    // Stored receipts leave InBox for the module's HDNBox, and the message was written once.
    await waitFor(
      'InBox emptied',
      () => list(box('InBox')),
      (n) => n.length === 0,
    );
    expect(await list(join(box('InBox'), '..', 'HDNBox'))).toHaveLength(2);
    expect(await list(box('SentBox'))).toEqual(['SWC0000000000001.xml']);
  });

  it("signer client: the message goes unsigned; a refusal in FailBox becomes a negative receipt with the client's reason", async () => {
    const { box } = await start('swc-fail', 'signer: client');
    await writeFile(join(t!.dir, 'dec', 'inbox', 'bad.xml'), decMessage('SWC0000000000002'));
    const [name] = await waitFor(
      'file in OutBox',
      () => list(box('OutBox')),
      (n) => n.length === 1,
    );
    expect((await readFile(join(box('OutBox'), name!), 'utf8')).includes('Signature')).toBe(false);
    await rename(join(box('OutBox'), name!), join(box('FailBox'), name!));
    await writeFile(join(box('FailBox'), `${name}.reason.txt`), '报文缺少必填项 / missing field');
    const out = join(t!.dir, 'dec', 'outbox');
    const [receipt] = await waitFor(
      'refusal receipt',
      () => list(out),
      (n) => n.length === 1,
    );
    expect(receipt).toBe('bad.client-refused.01.xml');
    expect(await readFile(join(out, receipt!), 'utf8')).toContain('missing field');
    await waitFor(
      'source moved to failed/',
      () => list(join(t!.dir, 'dec', 'failed')),
      (n) => n.includes('bad.xml'),
    );
    expect((await t!.gateway.deps.ledger.get(await messageIdOf('SWC0000000000002')))?.status).toBe(
      'rejected',
    );
  });

  it('alerts once when the client does not take a file in time, and never writes it twice', async () => {
    const { box } = await start('swc-late', 'signer: k', ', pickupTimeout: 300ms');
    await writeFile(join(t!.dir, 'dec', 'inbox', 'late.xml'), decMessage('SWC0000000000003'));
    await waitFor(
      'file in OutBox',
      () => list(box('OutBox')),
      (n) => n.length === 1,
    );
    const id = await messageIdOf('SWC0000000000003');
    const events = await waitFor(
      'overdue event',
      () => t!.gateway.deps.ledger.events(id),
      (ev) => ev.some((e) => e.code === 'OVERDUE'),
    );
    expect(events.filter((e) => e.code === 'OVERDUE')).toHaveLength(1);
    expect(await list(box('OutBox'))).toEqual(['SWC0000000000003.xml']);
    expect(await list(join(t!.dir, 'dec', 'outbox'))).toEqual([]);
  });

  it('keeps a receipt that matches no message in orphans/ and on the orphans feed', async () => {
    const { box } = await start('swc-orphan');
    const xml = buildDecResult({
      cusCiqNo: 'I20269999999999999',
      entryId: '',
      noticeDate: new Date(),
      channel: 'L',
      note: '入库成功',
      customMaster: '2200',
      ieDate: '',
      dDate: '',
      clientSeqNo: 'WEBUI000000000001',
    });
    await mkdir(join(box('InBox'), '..', '..', 'Decsub', 'InBox'), { recursive: true });
    await writeFile(join(box('InBox'), '..', '..', 'Decsub', 'InBox', 'Receipt_sub.xml'), xml);
    const orphans = join(t!.dir, 'data', 'orphans');
    const [file] = await waitFor(
      'orphan kept',
      () => list(orphans),
      (n) => n.length === 1,
      30_000,
    );
    expect(file).toMatch(/-Receipt_sub\.xml$/);
    // The file is written before the feed entry is appended: wait for the entry too.
    const feed = await waitFor(
      'orphan on the feed',
      () => t!.gateway.deps.receiptFeed.read('orphans', '0', 10),
      (entries) => entries.length > 0,
      10_000,
    );
    expect(feed.map((e) => e.fileName)).toEqual([file]);
  });
});
