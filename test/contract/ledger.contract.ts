import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerPort } from '../../src/queues/ledger-port.js';

/** A ledger under test, empty, and how to let go of it. */
export interface LedgerHarness {
  readonly ledger: LedgerPort;
  close(): Promise<void>;
}

const base = {
  channel: 'declaration',
  sourceName: 'a.xml',
  docRef: `sha256:${'a'.repeat(64)}` as const,
  createdAt: 1_000,
};

/** The behaviour every Ledger adapter and its fake must share: what the stages can observe. */
export function defineLedgerContractTests(name: string, make: () => Promise<LedgerHarness>): void {
  describe(`Ledger contract: ${name}`, () => {
    let h: LedgerHarness | undefined;
    const ledger = async (): Promise<LedgerPort> => (h = await make()).ledger;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('creates a record once, as received, indexed by its source; a second create changes nothing', async () => {
      const l = await ledger();
      expect(await l.create({ ...base, id: 'm1' })).toBe(true);
      await l.set('m1', { businessKey: 'K1' });
      expect(await l.create({ ...base, id: 'm1', sourceName: 'other.xml' })).toBe(false);
      expect(await l.get('m1')).toMatchObject({
        id: 'm1',
        channel: 'declaration',
        sourceName: 'a.xml',
        docRef: base.docRef,
        status: 'received',
        businessKey: 'K1',
        createdAt: 1000,
      });
      expect(await l.findBySource('declaration', 'a.xml')).toBe('m1');
      expect(await l.findBySource('declaration', 'other.xml')).toBeNull();
      expect(await l.events('m1')).toEqual([
        {
          at: 1000,
          stage: 'intake',
          text: 'received a.xml',
          status: 'received',
          refs: { original: base.docRef },
        },
      ]);
      expect(await l.get('no-such-message')).toBeUndefined();
    });

    it('keeps the part of a split document out of the source index, and reads its part number back', async () => {
      const l = await ledger();
      await l.create({ ...base, id: 'doc' });
      await l.create({ ...base, id: 'doc-1', partOf: 'doc', part: 1, createdAt: 2000 });
      expect(await l.findBySource('declaration', 'a.xml')).toBe('doc');
      expect(await l.get('doc-1')).toMatchObject({ partOf: 'doc', part: 1, status: 'received' });
    });

    it('sets fields and reads them back typed; undefined fields are left alone', async () => {
      const l = await ledger();
      await l.create({ ...base, id: 'm1' });
      await l.set('m1', { deliveredAt: 5, generation: 2, seqNo: 'S1', messageType: undefined });
      await l.set('m1', { seqNo: undefined });
      const rec = await l.get('m1');
      expect(rec).toMatchObject({ deliveredAt: 5, generation: 2, seqNo: 'S1' });
      expect(rec).not.toHaveProperty('messageType');
      expect(rec!.updatedAt).toBeGreaterThanOrEqual(1000);
      // A set on a message with no record makes none.
      await l.set('ghost', { seqNo: 'S2' });
      expect(await l.get('ghost')).toBeUndefined();
    });

    it('moves the status only forward, logs each event with the incoming status, and returns what it holds', async () => {
      const l = await ledger();
      await l.create({ ...base, id: 'm2' });
      expect(await l.advance('m2', 'translated', { stage: 'translate', text: 't' })).toBe(
        'translated',
      );
      expect(await l.advance('m2', 'closed', { stage: 'receipt', text: 'R', code: 'R' })).toBe(
        'closed',
      );
      expect(await l.advance('m2', 'accepted', { stage: 'receipt', text: 'late L' })).toBe(
        'closed',
      );
      expect((await l.get('m2'))!.status).toBe('closed');
      const events = await l.events('m2');
      expect(events.map((e) => [e.stage, e.status, e.text])).toEqual([
        ['intake', 'received', 'received a.xml'],
        ['translate', 'translated', 't'],
        ['receipt', 'closed', 'R'],
        ['receipt', 'accepted', 'late L'],
      ]);
      expect(events[2]!.code).toBe('R');
      await expect(l.advance('nope', 'sent', { stage: 'deliver', text: 'x' })).rejects.toThrow(
        /no ledger record nope/,
      );
    });

    it('never moves a status backwards under concurrent receipts', async () => {
      const l = await ledger();
      await l.create({ ...base, id: 'm3' });
      const order = ['sent', 'released', 'declared', 'accepted', 'imported', 'audited'] as const;
      await Promise.all(order.map((s) => l.advance('m3', s, { stage: 'receipt', text: s })));
      expect((await l.get('m3'))!.status).toBe('released');
      expect(await l.events('m3')).toHaveLength(1 + order.length);
    });

    it('keeps the first value setOnce stored', async () => {
      const l = await ledger();
      await l.create({ ...base, id: 'm1' });
      expect(await l.setOnce('m1', 'receiptStem', 'a')).toBe('a');
      expect(await l.setOnce('m1', 'receiptStem', 'b')).toBe('a');
      expect((await l.get('m1'))!.receiptStem).toBe('a');
    });

    it('reopens a dead message: a new generation each time, the status given, the error code gone', async () => {
      const l = await ledger();
      await l.create({ ...base, id: 'd1' });
      await l.advance('d1', 'dead', { stage: 'deliver', text: 'gave up' });
      await l.set('d1', { errorCode: 'GW_ERR_DELIVER_EXHAUSTED' });
      expect(await l.reopen('d1', 'signed', 'retry by op')).toBe(1);
      const rec = await l.get('d1');
      expect(rec).toMatchObject({ status: 'signed', generation: 1 });
      expect(rec).not.toHaveProperty('errorCode');
      expect((await l.events('d1')).at(-1)).toMatchObject({
        stage: 'operator',
        text: 'retry by op',
        status: 'signed',
      });
      expect(await l.reopen('d1', 'signed', 'again')).toBe(2);
    });

    it('lets an operator cancel only before a send has started or finished', async () => {
      const l = await ledger();
      await l.create({ ...base, id: 'c1' });
      expect(await l.beginSend('c1')).toBe(true);
      expect(await l.cancel('c1', 'op')).toBe('sending');
      await l.endSend('c1');
      expect(await l.cancel('c1', 'cancelled by op')).toBe('cancelled');
      expect((await l.get('c1'))!.status).toBe('cancelled');
      expect((await l.events('c1')).at(-1)).toMatchObject({
        stage: 'operator',
        text: 'cancelled by op',
        status: 'cancelled',
      });
      expect(await l.beginSend('c1')).toBe(false); // the deliver stage will not send it now
      expect(await l.cancel('c1', 'op')).toBe('ended');
      await l.create({ ...base, id: 'c2' });
      await l.set('c2', { deliveredAt: 5 });
      expect(await l.cancel('c2', 'op')).toBe('sent');
      await l.create({ ...base, id: 'c5' });
      await l.advance('c5', 'failed', { stage: 'translate', text: 'bad' });
      expect(await l.cancel('c5', 'op')).toBe('ended');
      expect(await l.cancel('nope', 'op')).toBe('missing');
      expect(await l.beginSend('nope')).toBe(false);
    });

    it('still lets a send start after customs answered (a crash-interrupted send runs again)', async () => {
      const l = await ledger();
      await l.create({ ...base, id: 'c3' });
      await l.advance('c3', 'closed', { stage: 'receipt', text: 'R 结关' });
      expect(await l.beginSend('c3')).toBe(true);
    });

    it('gives each distinct receipt of a message one stable sequence number', async () => {
      const l = await ledger();
      await l.create({ ...base, id: 'm3' });
      await l.create({ ...base, id: 'm4', sourceName: 'b.xml' });
      expect([
        await l.receiptSeq('m3', 'hashA'),
        await l.receiptSeq('m3', 'hashB'),
        await l.receiptSeq('m3', 'hashA'),
        await l.receiptSeq('m4', 'hashA'),
      ]).toEqual([
        { seq: 1, isNew: true },
        { seq: 2, isNew: true },
        { seq: 1, isNew: false },
        { seq: 1, isNew: true },
      ]);
      const many = await Promise.all(
        Array.from({ length: 20 }, (_, i) => l.receiptSeq('m3', `h${i % 5}`)),
      );
      expect(new Set(many.map((m) => m.seq))).toEqual(new Set([3, 4, 5, 6, 7]));
    });

    it('binds a correlation key to one message only; setKeys lets the latest message win', async () => {
      const l = await ledger();
      expect(await l.bindKey('business-key', 'C1', 'm1')).toBeUndefined();
      expect(await l.bindKey('business-key', 'C1', 'm1')).toBeUndefined();
      expect(await l.bindKey('business-key', 'C1', 'm9')).toBe('m1');
      expect(await l.findByKey('business-key', 'C1')).toBe('m1');
      expect(await l.findByKey('seqNo', 'C1')).toBeNull();
      await l.setKeys('entryId', ['E1', 'E2'], 'm1');
      await l.setKeys('entryId', ['E2'], 'm2');
      expect(await l.findByKey('entryId', 'E1')).toBe('m1');
      expect(await l.findByKey('entryId', 'E2')).toBe('m2');
    });

    it('keeps the timeline in order, with codes and refs as given', async () => {
      const l = await ledger();
      await l.create({ ...base, id: 'm1' });
      const ref = `sha256:${'b'.repeat(64)}` as const;
      await l.event('m1', { at: 5, stage: 'deliver', text: 'one', code: 'GW_ERR_AMQP_CONNECT' });
      await l.event('m1', { at: 6, stage: 'writeback', text: 'two', refs: { receipt: ref } });
      expect((await l.events('m1')).slice(1)).toEqual([
        { at: 5, stage: 'deliver', text: 'one', code: 'GW_ERR_AMQP_CONNECT' },
        { at: 6, stage: 'writeback', text: 'two', refs: { receipt: ref } },
      ]);
      expect(await l.events('no-such-message')).toEqual([]);
    });

    it('records each collection of a receipt by a client once, oldest first, on the timeline', async () => {
      const l = await ledger();
      await l.create({ ...base, id: 'm1' });
      expect(await l.markCollected('m1', 'erp', 'a.r.1.xml', 20)).toBe(true);
      expect(await l.markCollected('m1', 'erp', 'a.r.1.xml', 30)).toBe(false);
      expect(await l.markCollected('m1', 'wms', 'a.r.1.xml', 10)).toBe(true);
      expect(await l.collected('m1')).toEqual([
        { client: 'wms', fileName: 'a.r.1.xml', at: 10 },
        { client: 'erp', fileName: 'a.r.1.xml', at: 20 },
      ]);
      expect((await l.events('m1')).filter((e) => e.stage === 'api')).toHaveLength(2);
      expect(await l.collected('m2')).toEqual([]);
    });

    it('lists the newest messages first and counts them', async () => {
      const l = await ledger();
      expect(await l.count()).toBe(0);
      await l.create({ ...base, id: 'old', createdAt: 1 });
      await l.create({ ...base, id: 'new', sourceName: 'n.xml', createdAt: 3 });
      await l.create({ ...base, id: 'mid', sourceName: 'm.xml', createdAt: 2 });
      expect(await l.recent(2)).toEqual(['new', 'mid']);
      expect(await l.recent(10)).toEqual(['new', 'mid', 'old']);
      expect(await l.count()).toBe(3);
    });
  });
}
