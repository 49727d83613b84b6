import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryControlPort } from '../../src/queues/delivery-control-port.js';
import type { DeliveryControl } from '../../src/queues/delivery-control.js';
import type { LedgerPort } from '../../src/queues/ledger-port.js';

/**
 * Delivery control under test, on an empty ledger of its own kind: the deliver stage's claim, and
 * the operator's holds and releases whose effect on the claim the contract covers.
 */
export interface DeliveryControlHarness {
  readonly control: DeliveryControlPort &
    Pick<DeliveryControl, 'hold' | 'release' | 'holdChannel' | 'releaseChannel' | 'parkedCount'>;
  readonly ledger: LedgerPort;
  close(): Promise<void>;
}

const base = {
  channel: 'dec',
  sourceName: 'a.xml',
  docRef: `sha256:${'a'.repeat(64)}` as const,
  createdAt: 1_000,
};

/** The behaviour the Redis delivery control and its fake share. */
export function defineDeliveryControlContractTests(
  name: string,
  make: () => Promise<DeliveryControlHarness>,
): void {
  describe(`DeliveryControl contract: ${name}`, () => {
    let h: DeliveryControlHarness | undefined;
    const harness = async (): Promise<DeliveryControlHarness> => (h = await make());
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('claims a free message (marking the send under way); a message with no record is missing', async () => {
      const { control, ledger } = await harness();
      await ledger.create({ ...base, id: 'f1' });
      expect(await control.claim('f1', 'dec', 'deliver-f1')).toBe('ok');
      // Under way: an operator can neither cancel nor hold it until the attempt ends.
      expect(await ledger.cancel('f1', 'by ops')).toBe('sending');
      expect(await control.hold('f1', 'ops')).toBe('sending');
      await ledger.endSend('f1');
      expect(await control.hold('f1', 'ops')).toBe('held');
      expect(await control.claim('nope', 'dec', 'j')).toBe('missing');
      expect(await control.isHeld('nope', 'dec')).toBe(false);
    });

    it('a held message parks once per hold (one timeline event) and its release hands back the parked job', async () => {
      const { control, ledger } = await harness();
      await ledger.create({ ...base, id: 'h1' });
      expect(await control.isHeld('h1', 'dec')).toBe(false);
      expect(await control.hold('h1', 'ops', 'check the invoice')).toBe('held');
      expect(await control.hold('h1', 'ops')).toBe('already');
      expect(await control.isHeld('h1', 'dec')).toBe(true);
      expect(await control.claim('h1', 'dec', 'deliver-h1')).toBe('held');
      expect(await control.claim('h1', 'dec', 'deliver-h1')).toBe('held');
      expect(await control.parkedCount('dec')).toBe(1);
      expect((await ledger.get('h1'))!).toMatchObject({ heldBy: 'ops' });
      expect(await control.release('h1', 'dec', 'ops')).toEqual({
        result: 'released',
        jobId: 'deliver-h1',
      });
      expect(await control.isHeld('h1', 'dec')).toBe(false);
      expect(await control.parkedCount('dec')).toBe(0);
      expect(await control.release('h1', 'dec', 'ops')).toEqual({ result: 'not-held' });
      expect(await control.release('nope', 'dec', 'ops')).toEqual({ result: 'missing' });
      expect(await control.claim('h1', 'dec', 'deliver-h1')).toBe('ok');
      const texts = (await ledger.events('h1')).map((e) => `${e.stage}: ${e.text}`);
      expect(texts.filter((t) => t.startsWith('deliver: not sent while on hold'))).toEqual([
        'deliver: not sent while on hold (ops) / 报文暂停发送',
      ]);
      expect(texts).toEqual(
        expect.arrayContaining([
          'operator: held by ops: check the invoice / 操作员暂停发送',
          'operator: released by ops / 操作员恢复发送',
        ]),
      );
    });

    it('a hold is refused while a send is under way, after delivery and after the end, like a cancel', async () => {
      const { control, ledger } = await harness();
      await ledger.create({ ...base, id: 'h2', sourceName: 'b.xml' });
      expect(await control.claim('h2', 'dec', 'j')).toBe('ok');
      expect(await control.hold('h2', 'ops')).toBe('sending');
      await ledger.endSend('h2');
      await ledger.set('h2', { deliveredAt: 5 });
      expect(await control.hold('h2', 'ops')).toBe('sent');
      await ledger.create({ ...base, id: 'h3', sourceName: 'c.xml' });
      await ledger.advance('h3', 'failed', { stage: 'translate', text: 'bad' });
      expect(await control.hold('h3', 'ops')).toBe('ended');
      expect(await control.hold('nope', 'ops')).toBe('missing');
    });

    it('a channel hold parks every message of the channel; its release wakes those not held on their own', async () => {
      const { control, ledger } = await harness();
      for (const id of ['c1', 'c2', 'c3'])
        await ledger.create({ ...base, id, sourceName: `${id}.xml` });
      expect(await control.holdChannel('dec', 'ops', 'customs maintenance')).toBe(true);
      expect(await control.holdChannel('dec', 'ops')).toBe(false);
      expect(await control.isHeld('c1', 'dec')).toBe(true);
      expect(await control.isHeld('c1', 'other')).toBe(false);
      for (const id of ['c1', 'c2', 'c3'])
        expect(await control.claim(id, 'dec', `deliver-${id}`)).toBe('held');
      expect((await ledger.events('c1')).map((e) => e.text)).toContain(
        'not sent while channel dec is on hold (ops) / 通道暂停发送，报文等待',
      );
      expect(await control.hold('c3', 'ops')).toBe('held');
      expect(await control.release('c3', 'dec', 'ops')).toEqual({ result: 'channel-held' });
      await control.hold('c3', 'ops');
      expect(await control.parkedCount('dec')).toBe(3);
      const { wasHeld, parked } = await control.releaseChannel('dec', 'ops');
      expect(wasHeld).toBe(true);
      expect([...parked.entries()].sort()).toEqual([
        ['c1', 'deliver-c1'],
        ['c2', 'deliver-c2'],
      ]);
      expect(await control.parkedCount('dec')).toBe(1);
      expect(await control.claim('c1', 'dec', 'deliver-c1')).toBe('ok');
      expect(await control.claim('c3', 'dec', 'deliver-c3')).toBe('held');
      expect((await ledger.events('c1')).map((e) => e.text)).toEqual(
        expect.arrayContaining(['channel dec released by ops / 通道恢复发送']),
      );
      expect((await control.releaseChannel('dec', 'ops')).wasHeld).toBe(false);
    });

    it('a cancel wins over a parked job: the claim ends it and forgets the parked job', async () => {
      const { control, ledger } = await harness();
      await ledger.create({ ...base, id: 'x1', sourceName: 'x1.xml' });
      await control.hold('x1', 'ops');
      expect(await control.claim('x1', 'dec', 'j')).toBe('held');
      expect(await ledger.cancel('x1', 'cancelled by ops')).toBe('cancelled');
      expect(await control.claim('x1', 'dec', 'j')).toBe('cancelled');
      expect(await control.parkedCount('dec')).toBe(0);
    });
  });
}
