import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../core/logger.js';
import { Spool } from '../core/spool.js';
import { Ledger } from './ledger.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';
import { AuditWriter } from './audit-writer.js';
import { verifyAuditDir } from '../records/audit-verify.js';
import { ArchiveStore } from '../records/archive-store.js';
import { recordOperatorAction } from '../records/audit-trail.js';

describe('audit writer and archive (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let dataDir: string;
  let spool: Spool;
  let ledger: Ledger;
  const log = createLogger({ level: 'silent', pretty: false });
  const writer = (node: string, archive = true): AuditWriter =>
    new AuditWriter({
      redis,
      prefix,
      dataDir,
      spool,
      ledger,
      log,
      archive,
      archiveRetentionMs: 365 * 86_400_000,
      node,
    });

  beforeAll(() => void (redis = new Redis(TEST_REDIS_URL)));
  afterAll(() => redis.disconnect());
  beforeEach(async () => {
    prefix = uniquePrefix('audit');
    dataDir = await mkdtemp(join(tmpdir(), 'eport-audit-'));
    spool = new Spool(join(dataDir, 'spool'));
    ledger = new Ledger(redis, prefix);
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A message's life as the stages record it: received, translated, signed, sent, two receipts written. */
  async function walk(id: string, clientSeqNo: string, seqNo: string): Promise<void> {
    const docRef = await spool.put(`<DecMessage>${clientSeqNo}</DecMessage>`);
    await ledger.create({
      id,
      channel: 'declaration',
      sourceName: `${clientSeqNo}.xml`,
      docRef,
      createdAt: Date.now(),
    });
    const signed = await spool.put(`<DecMessage>${clientSeqNo}<Signature/></DecMessage>`);
    await ledger.set(id, { businessKey: clientSeqNo, signedRef: signed, deliverRef: signed });
    await ledger.advance(id, 'signed', {
      stage: 'sign',
      text: 'signed',
      refs: { signed, delivered: signed },
    });
    await ledger.event(id, {
      at: Date.now(),
      stage: 'deliver',
      text: 'attempt 1 failed',
      code: 'GW_ERR_DELIVER_NETWORK',
      refs: { delivered: signed },
    });
    await ledger.set(id, { deliveredAt: Date.now() });
    await ledger.advance(id, 'sent', {
      stage: 'deliver',
      text: 'attempt 2 delivered',
      refs: { delivered: signed },
    });
    const r1 = await spool.put(`<DecImportResponse><SeqNo>${seqNo}</SeqNo></DecImportResponse>`);
    await ledger.set(id, { seqNo });
    await ledger.advance(id, 'imported', {
      stage: 'receipt',
      text: 'import-response 0',
      refs: { receipt: r1 },
    });
    await ledger.event(id, {
      at: Date.now(),
      stage: 'writeback',
      text: `wrote ${clientSeqNo}.import-response.01.xml`,
      refs: { receipt: r1 },
    });
    const r2 = await spool.put(
      `<DEC_RESULT><SEQ_NO>${seqNo}</SEQ_NO><CHANNEL>P</CHANNEL></DEC_RESULT>`,
    );
    await ledger.event(id, {
      at: Date.now(),
      stage: 'writeback',
      text: `wrote ${clientSeqNo}.dec-result.02.xml`,
      refs: { receipt: r2 },
    });
  }

  it('writes every ledger event and operator action into a verified chain, with content hashes', async () => {
    await walk('m1', 'CSN0001', '530120261000000001');
    await ledger.cancel('m1', 'cancelled by test'); // refused (already sent): no event
    await recordOperatorAction(redis, prefix, {
      action: 'hold',
      who: 'eport hold (ops)',
      target: 'declaration',
    });
    const w = writer('node-a');
    expect(await w.drain()).toBe(8);
    await w.close();
    const dir = join(dataDir, 'audit');
    expect(await verifyAuditDir(dir)).toMatchObject({ entries: 8, lastSeq: 8 });
    const lines = (await readFile(join(dir, (await readdir(dir))[0]!), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.body.stage ?? l.body.action)).toEqual([
      'intake',
      'sign',
      'deliver',
      'deliver',
      'receipt',
      'writeback',
      'writeback',
      'hold',
    ]);
    expect(lines[0].body.refs.original).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(lines[7].body).toMatchObject({
      type: 'operator',
      who: 'eport hold (ops)',
      target: 'declaration',
    });
    // drained entries leave the stream
    expect(await redis.xlen(`${prefix}:audit:stream`)).toBeLessThanOrEqual(1);
  });

  it('finds the archived original, signed message and receipts by ClientSeqNo or 统一编号 after Redis forgot the message', async () => {
    await walk('m1', 'CSN0001', '530120261000000001');
    await walk('m2', 'CSN0002', '530120261000000002');
    await writer('node-a').drain();
    await dropPrefix(redis, prefix); // the ledger expired
    const store = new ArchiveStore(join(dataDir, 'archive'));
    const bySeqNo = await store.find('530120261000000001');
    expect(bySeqNo.map((r) => `${r.kind}:${r.name}`)).toEqual([
      'original:CSN0001.xml',
      'signed:CSN0001.xml',
      'receipt:CSN0001.import-response.01.xml',
      'receipt:CSN0001.dec-result.02.xml',
    ]);
    expect(Buffer.from(bySeqNo[0]!.data, 'base64').toString()).toBe(
      '<DecMessage>CSN0001</DecMessage>',
    );
    expect((await store.find('CSN0002')).every((r) => r.messageId === 'm2')).toBe(true);
    expect(await store.find('nothing')).toEqual([]);
  });

  it('after a crash mid-batch, repeats it without a second copy of any line and repairs a torn last line', async () => {
    await walk('m1', 'CSN0001', '530120261000000001');
    await writer('node-a').drain();
    const dir = join(dataDir, 'audit');
    const file = join(dir, (await readdir(dir))[0]!);
    // crash after the file was written but before the head was stored and the stream trimmed,
    // with half a line of the next batch on disk
    await redis.del(`${prefix}:audit:head`, `${prefix}:lease:audit-writer`); // and its lease expired
    await walk('m2', 'CSN0002', '530120261000000002');
    await appendFile(file, '{"body":{"messageId":"m2","sta');
    await writer('node-a').drain();
    const r = await verifyAuditDir(dir);
    expect(r).toMatchObject({ entries: 14, lastSeq: 14 });
    expect(r.firstBroken).toBeUndefined();
  });

  it('one writer at a time; a writer on another node continues the same chain', async () => {
    await walk('m1', 'CSN0001', '530120261000000001');
    const a = writer('node-a');
    const b = writer('node-b');
    expect(await a.drain()).toBe(7);
    await walk('m2', 'CSN0002', '530120261000000002');
    expect(await b.drain()).toBe(0); // node-a holds the lease
    await a.close(); // writes what is left (m2), gives the lease up
    await walk('m3', 'CSN0003', '530120261000000003');
    expect(await b.drain()).toBe(7);
    await b.close();
    const dir = join(dataDir, 'audit');
    expect((await readdir(dir)).map((n) => n.split('.')[1]).sort()).toEqual(['node-a', 'node-b']);
    expect(await verifyAuditDir(dir)).toMatchObject({ entries: 21, lastSeq: 21 });
  });
});
