import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { Ledger } from './ledger.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';

describe('Ledger (real Redis)', () => {
  const prefix = uniquePrefix('ledger');
  let redis: Redis;
  let ledger: Ledger;
  const base = {
    channel: 'declaration',
    sourceName: 'a.xml',
    docRef: `sha256:${'a'.repeat(64)}` as const,
    createdAt: 1_000,
  };

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    ledger = new Ledger(redis, prefix);
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('creates a record once; a second create changes nothing', async () => {
    expect(await ledger.create({ ...base, id: 'm1' })).toBe(true);
    await ledger.set('m1', { businessKey: 'K1' });
    expect(await ledger.create({ ...base, id: 'm1', sourceName: 'other.xml' })).toBe(false);
    const rec = await ledger.get('m1');
    expect(rec).toMatchObject({
      id: 'm1',
      sourceName: 'a.xml',
      status: 'received',
      businessKey: 'K1',
      createdAt: 1000,
    });
    expect(await ledger.findBySource('declaration', 'a.xml')).toBe('m1');
  });

  it('reads a record through its schema: a damaged hash is GW_ERR_LEDGER_RECORD, not a record with a bad status', async () => {
    await ledger.create({ ...base, id: 'm-damaged' });
    await redis.hset(`${prefix}:ledger:msg:m-damaged`, 'status', 'lost-in-transit');
    await expect(ledger.get('m-damaged')).rejects.toMatchObject({ code: 'GW_ERR_LEDGER_RECORD' });
    expect(await ledger.get('no-such-message')).toBeUndefined();
  });

  it('never moves a status backwards, even under concurrent receipts', async () => {
    await ledger.create({ ...base, id: 'm2' });
    const order = ['sent', 'released', 'declared', 'accepted', 'imported', 'audited'] as const;
    await Promise.all(order.map((s) => ledger.advance('m2', s, { stage: 'receipt', text: s })));
    expect((await ledger.get('m2'))!.status).toBe('released');
    await ledger.advance('m2', 'closed', { stage: 'receipt', text: 'R' });
    await ledger.advance('m2', 'accepted', { stage: 'receipt', text: 'late L' });
    expect((await ledger.get('m2'))!.status).toBe('closed');
    const events = await ledger.events('m2');
    expect(events.map((e) => e.text)).toEqual(expect.arrayContaining(['late L', 'R']));
    expect(events).toHaveLength(1 + order.length + 2);
  });

  it('gives each distinct receipt one stable sequence number', async () => {
    await ledger.create({ ...base, id: 'm3' });
    const a = await ledger.receiptSeq('m3', 'hashA');
    const b = await ledger.receiptSeq('m3', 'hashB');
    const again = await ledger.receiptSeq('m3', 'hashA');
    expect([a, b, again]).toEqual([
      { seq: 1, isNew: true },
      { seq: 2, isNew: true },
      { seq: 1, isNew: false },
    ]);
    const many = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ledger.receiptSeq('m3', `h${i % 5}`)),
    );
    expect(new Set(many.map((m) => m.seq)).size).toBe(5);
  });

  it('binds a correlation key to one message only', async () => {
    expect(await ledger.bindKey('declaration:clientSeqNo', 'C1', 'm1')).toBeUndefined();
    expect(await ledger.bindKey('declaration:clientSeqNo', 'C1', 'm1')).toBeUndefined();
    expect(await ledger.bindKey('declaration:clientSeqNo', 'C1', 'm9')).toBe('m1');
    expect(await ledger.findByKey('declaration:clientSeqNo', 'C1')).toBe('m1');
  });

  it('lets an operator cancel only before a send has started or finished', async () => {
    await ledger.create({ ...base, id: 'c1' });
    expect(await ledger.beginSend('c1')).toBe(true);
    expect(await ledger.cancel('c1', 'op')).toBe('sending');
    await ledger.endSend('c1');
    expect(await ledger.cancel('c1', 'op')).toBe('cancelled');
    expect((await ledger.get('c1'))!.status).toBe('cancelled');
    expect(await ledger.beginSend('c1')).toBe(false); // the deliver stage will not send it now
    expect(await ledger.cancel('c1', 'op')).toBe('ended');
    await ledger.create({ ...base, id: 'c2' });
    await ledger.set('c2', { deliveredAt: 5 });
    expect(await ledger.cancel('c2', 'op')).toBe('sent');
    expect(await ledger.cancel('nope', 'op')).toBe('missing');
  });

  it('still lets a send start after customs answered: a crash-interrupted send must run again to fetch its import response', async () => {
    await ledger.create({ ...base, id: 'c3' });
    await ledger.advance('c3', 'closed', {
      stage: 'receipt',
      text: 'R 结关 arrived before the re-run send',
    });
    expect(await ledger.beginSend('c3')).toBe(true);
    await ledger.create({ ...base, id: 'c4' });
    await ledger.advance('c4', 'rejected', { stage: 'receipt', text: 'E 退单' });
    expect(await ledger.beginSend('c4')).toBe(true);
  });
});
