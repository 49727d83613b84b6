import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../core/logger.js';
import { Spool } from '../core/spool.js';
import { ArchiveStore } from '../records/archive-store.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';
import { waitFor } from '../../test/helpers/wait.js';
import { AuditWriter } from './audit-writer.js';
import { BUSINESS_KEY_INDEX, ENTRY_ID_INDEX, Ledger } from './ledger.js';
import { ReceiptFeed } from './receipt-feed.js';
import { ReceiptSla } from './receipt-sla.js';
import { Retention } from './retention.js';
import { expiredText, findArchivedMessage } from './expired-lookup.js';

describe('retention of finished messages and receipt feeds (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let dataDir: string;
  let spool: Spool;
  let ledger: Ledger;
  let feed: ReceiptFeed;
  const log = createLogger({ level: 'silent', pretty: false });
  const FINISHED_MS = 60_000;
  const FEED_MS = 60_000;

  beforeAll(() => void (redis = new Redis(TEST_REDIS_URL)));
  afterAll(() => redis.disconnect());
  beforeEach(async () => {
    prefix = uniquePrefix('retention');
    dataDir = await mkdtemp(join(tmpdir(), 'eport-retention-'));
    spool = new Spool(join(dataDir, 'spool'));
    ledger = new Ledger(redis, prefix);
    feed = new ReceiptFeed(redis, prefix);
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    await rm(dataDir, { recursive: true, force: true });
  });

  const retention = (): Retention =>
    new Retention({
      redis,
      prefix,
      channels: ['dec'],
      finishedMs: FINISHED_MS,
      feedMs: FEED_MS,
      log,
    });
  const audit = (): AuditWriter =>
    new AuditWriter({
      redis,
      prefix,
      dataDir,
      spool,
      ledger,
      log,
      archive: true,
      archiveRetentionMs: 365 * 86_400_000,
    });

  /** A message as the stages leave it: indexes, a receipt stem, a written receipt, a feed entry. */
  async function message(id: string, clientSeqNo: string, status: 'closed' | 'sent') {
    const docRef = await spool.put(`<DecMessage>${clientSeqNo}</DecMessage>`);
    await ledger.create({
      id,
      channel: 'dec',
      sourceName: `${clientSeqNo}.xml`,
      docRef,
      createdAt: Date.now(),
    });
    await ledger.bindKey(BUSINESS_KEY_INDEX, clientSeqNo, id);
    await ledger.setKeys(ENTRY_ID_INDEX, [`E${clientSeqNo}`], id);
    await redis.set(`${prefix}:receipt-stem:dec:${clientSeqNo}`, id);
    await ledger.setOnce(id, 'receiptStem', clientSeqNo);
    await new ReceiptSla(redis, prefix, ledger, log).expect(id, Date.now() + 3_600_000);
    const { seq } = await ledger.receiptSeq(id, `sha256:${clientSeqNo}`);
    await feed.append(
      'dec',
      { messageId: id, fileName: `${clientSeqNo}.r.xml`, kind: 'x', receiptRef: docRef },
      seq,
    );
    await ledger.markCollected(id, 'erp', `${clientSeqNo}.r.xml`, Date.now());
    await ledger.advance(id, status, { stage: 'receipt', text: status });
  }

  /** Every key under the prefix, with the string values of plain keys. */
  async function keysNaming(id: string): Promise<string[]> {
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) {
        const type = await redis.type(k);
        const named =
          k.includes(id) ||
          (type === 'string' && (await redis.get(k)) === id) ||
          (type === 'zset' && (await redis.zscore(k, id)) !== null) ||
          (type === 'hash' && (await redis.hexists(k, id)) === 1);
        if (named) out.push(k);
      }
    } while (cursor !== '0');
    return out;
  }

  it('removes every key of a finished message after the retention, keeps it in the archive, never touches unfinished ones', async () => {
    await message('m-open', 'OPEN1', 'sent');
    await message('m-done', 'DONE1', 'closed');
    const writer = audit();
    await writer.drain();
    // Finished after the audit log was written: waits for the writer.
    await message('m-late', 'LATE1', 'closed');
    const lateKeys = await keysNaming('m-late');

    // Not yet due: nothing happens.
    expect((await retention().sweep(Date.now())).expired).toBe(0);
    expect(await ledger.get('m-done')).toBeDefined();

    const later = Date.now() + FINISHED_MS + 1_000;
    expect(await retention().expireFinished(later)).toBe(1);
    expect(await keysNaming('m-done')).toEqual([]);
    expect(await ledger.findByKey(BUSINESS_KEY_INDEX, 'DONE1')).toBeNull();
    expect(await ledger.findBySource('dec', 'DONE1.xml')).toBeNull();

    // Unfinished and not yet audited: untouched.
    expect((await ledger.get('m-open'))?.status).toBe('sent');
    expect(await ledger.findByKey(ENTRY_ID_INDEX, 'EOPEN1')).toBe('m-open');
    expect((await keysNaming('m-open')).length).toBeGreaterThan(5);
    expect(await keysNaming('m-late')).toEqual(lateKeys);

    // Its records still answer from the archive.
    const archived = await new ArchiveStore(join(dataDir, 'archive')).find('m-done');
    expect(archived.map((r) => r.kind)).toContain('original');
    // ...and the CLI and console say so, by id or by file name.
    for (const key of ['m-done', 'DONE1.xml']) {
      const found = await findArchivedMessage(dataDir, key);
      expect(found?.messageId).toBe('m-done');
      expect(expiredText(found!).en).toContain('expired from the live store');
      expect(expiredText(found!).zh).toContain('已从实时库');
    }
    expect(await findArchivedMessage(dataDir, 'never-seen')).toBeUndefined();

    // Once audited, the late one goes too; the open one still stays.
    await writer.drain();
    expect(await retention().expireFinished(Date.now() + FINISHED_MS + 1_000)).toBe(1);
    expect(await keysNaming('m-late')).toEqual([]);
    expect(await ledger.get('m-open')).toBeDefined();
    expect(await ledger.recent(10)).toEqual(['m-open']);
    await writer.close();
  });

  it('trims receipt-feed entries older than the feed retention', async () => {
    const ref = await spool.put('r');
    await feed.append('dec', { messageId: 'a', fileName: 'a.xml', kind: 'x', receiptRef: ref }, 1);
    await feed.append('orphans', { messageId: 'c', fileName: 'c', kind: 'x', receiptRef: ref });
    const between = await waitFor('the clock to move past the first entry', Date.now, () => true);
    await waitFor('a later millisecond', Date.now, (t) => t > between);
    await feed.append('dec', { messageId: 'b', fileName: 'b.xml', kind: 'x', receiptRef: ref }, 1);

    expect(await retention().trimFeeds(between + 1 + FEED_MS)).toBe(2);
    expect((await feed.read('dec', '0', 10)).map((e) => e.messageId)).toEqual(['b']);
    expect(await feed.read('orphans', '0', 10)).toEqual([]);
  });
});
