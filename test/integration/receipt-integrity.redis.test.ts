import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../helpers/wait.js';
import { decMessage } from '../helpers/dec-message.js';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';
import { queueReceipt } from '../../src/queues/queue-receipt.js';
import { REJECT_MARKER } from '../../src/sandbox/scenario.js';

const ls = (d: string) =>
  existsSync(d)
    ? readdirSync(d)
        .filter((f) => !f.startsWith('.'))
        .sort()
    : [];

/** Issue 12, data loss 1, 7 and 8: receipts and archives of one message never land on another's. */
describe('receipts and archived files stay with their own message (real Redis, sandbox)', () => {
  let t: TestGateway;
  const folder = (s: string) => join(t.dir, 'declaration', s);
  const idOf = async (file: string) =>
    (await t.gateway.deps.ledger.findBySource('declaration', file))!;

  beforeAll(async () => {
    t = await startTestGateway('integrity', testChannel('declaration'), { sandbox: { stepMs: 5 } });
  });
  afterAll(async () => t?.close());

  it('gives a second export.xml receipts of its own and leaves the first one’s six untouched', async () => {
    writeFileSync(folder('inbox/export.xml'), decMessage('REUSE000001'));
    await waitFor(
      'first six receipts',
      () => ls(folder('outbox')).filter((f) => f.startsWith('export.')).length,
      (n) => n === 6,
      20_000,
    );
    const first = new Map(
      ls(folder('outbox')).map((f) => [f, readFileSync(join(folder('outbox'), f), 'utf8')]),
    );
    writeFileSync(folder('inbox/export.xml'), decMessage('REUSE000002'));
    await waitFor(
      'twelve receipts',
      () => ls(folder('outbox')).filter((f) => f.startsWith('export.')).length,
      (n) => n === 12,
      20_000,
    );
    for (const [f, text] of first)
      expect(readFileSync(join(folder('outbox'), f), 'utf8'), f).toBe(text);
    expect(ls(folder('sent'))).toEqual(['export.1.xml', 'export.xml']);
    const second = ls(folder('outbox')).filter((f) => !first.has(f));
    // The rule: receipts follow the name the source was archived under.
    expect(second.every((f) => f.startsWith('export.1.'))).toBe(true);
    expect(
      second.every(
        (f) =>
          readFileSync(join(folder('outbox'), f), 'utf8').includes('REUSE000002') ||
          !readFileSync(join(folder('outbox'), f), 'utf8').includes('REUSE000001'),
      ),
    ).toBe(true);
  }, 45_000);

  it('never replaces a receipt file of another message that is already in the outbox', async () => {
    const foreign = '<foreign>kept</foreign>';
    writeFileSync(folder('outbox/taken.import-response.01.xml'), foreign);
    writeFileSync(folder('inbox/taken.xml'), decMessage('TAKEN000001'));
    await waitFor(
      'closed',
      async () => (await t.gateway.deps.ledger.get(await idOf('taken.xml')))?.status,
      (s) => s === 'closed',
      20_000,
    );
    await waitFor(
      'six receipts of its own',
      () =>
        ls(folder('outbox')).filter(
          (f) => f.startsWith('taken.') && f !== 'taken.import-response.01.xml',
        ).length,
      (n) => n === 6,
      10_000,
    );
    expect(readFileSync(folder('outbox/taken.import-response.01.xml'), 'utf8')).toBe(foreign);
  }, 30_000);

  it('moves the original to failed/ on 退单 when the same bytes came again under another name', async () => {
    const xml = decMessage('DUPREJ00001', { note: REJECT_MARKER });
    writeFileSync(folder('inbox/orig.xml'), xml);
    await waitFor(
      'original archived',
      () => ls(folder('sent')),
      (f) => f.includes('orig.xml'),
      10_000,
    );
    writeFileSync(folder('inbox/copy.xml'), xml);
    await waitFor(
      'duplicate receipt',
      () => ls(folder('outbox')),
      (f) => f.some((n) => n.startsWith('copy.duplicate.')),
      10_000,
    );
    const id = await idOf('orig.xml');
    await waitFor(
      'rejected',
      async () => (await t.gateway.deps.ledger.get(id))?.status,
      (s) => s === 'rejected',
      20_000,
    );
    await waitFor(
      'original in failed/',
      () => ls(folder('failed')),
      (f) => f.includes('orig.xml'),
      10_000,
    );
    expect(ls(folder('failed'))).not.toContain('copy.xml');
    expect(ls(folder('sent'))).not.toContain('orig.xml');
    expect((await t.gateway.deps.ledger.get(id))!.archivedAs).toBe(folder('failed/orig.xml'));
  }, 40_000);

  it('flags a receipt whose ClientSeqNo names one message and whose 统一编号 names another, and applies nothing', async () => {
    writeFileSync(folder('inbox/ka.xml'), decMessage('KEYCONFA001'));
    writeFileSync(folder('inbox/kb.xml'), decMessage('KEYCONFB001'));
    const [a, b] = [
      await waitFor(
        'a',
        () => t.gateway.deps.ledger.findBySource('declaration', 'ka.xml'),
        Boolean,
      ),
      await waitFor(
        'b',
        () => t.gateway.deps.ledger.findBySource('declaration', 'kb.xml'),
        Boolean,
      ),
    ];
    await waitFor(
      'both closed',
      async () => [
        (await t.gateway.deps.ledger.get(a!))?.status,
        (await t.gateway.deps.ledger.get(b!))?.status,
      ],
      (s) => s.every((x) => x === 'closed'),
      20_000,
    );
    const recA = (await t.gateway.deps.ledger.get(a!))!;
    const recB = (await t.gateway.deps.ledger.get(b!))!;
    expect(recA.seqNo).toBeTruthy();
    expect(recB.seqNo).not.toBe(recA.seqNo);
    await waitFor(
      'all twelve receipts written',
      () => ls(folder('outbox')).filter((f) => /^k[ab]\./.test(f)).length,
      (n) => n === 12,
      10_000,
    );
    const outboxBefore = ls(folder('outbox'));
    const mixed = `<?xml version="1.0" encoding="UTF-8"?><DEC_RESULT><CUS_CIQ_NO>${recB.seqNo}</CUS_CIQ_NO><CLIENT_SEQ_NO>KEYCONFA001</CLIENT_SEQ_NO><CHANNEL>C</CHANNEL><NOTE>mixed keys</NOTE><NOTICE_DATE>2026-11-27T10:00:00</NOTICE_DATE></DEC_RESULT>`;
    await queueReceipt(t.gateway.deps, Buffer.from(mixed), 'test', 'mixed.xml');
    const parked = join(t.dir, 'data', 'orphans');
    await waitFor(
      'parked as a conflict',
      () => ls(parked),
      (f) => f.some((n) => n.includes('mixed')),
      10_000,
    );
    expect((await t.gateway.deps.ledger.get(a!))!.seqNo).toBe(recA.seqNo);
    expect(await t.gateway.deps.ledger.findByKey('seqNo', recB.seqNo!)).toBe(b);
    expect(ls(folder('outbox'))).toEqual(outboxBefore);
    const events = [
      ...(await t.gateway.deps.ledger.events(a!)),
      ...(await t.gateway.deps.ledger.events(b!)),
    ];
    expect(events.filter((e) => e.code === 'GW_ERR_RECEIPT_KEY_CONFLICT')).toHaveLength(2);
  }, 40_000);
});
