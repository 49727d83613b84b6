import { afterEach, describe, expect, it } from 'vitest';
import type { Lease } from '../../src/core/lease.js';

/** Leases of one "cluster" under test: `lease` makes one node's lease on a key. */
export interface LeaseHarness {
  lease(key: string, owner: string, ttlMs: number): Lease;
  /** Lets `ms` pass for the leases: real time for Redis, a clock tick for a fake. */
  pass(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Long enough that a renewal and the check after it fit in it on a loaded machine. */
const TTL = 1_000;

/** What every Lease adapter and its fake must share: what the leased pollers rely on. */
export function defineLeaseContractTests(name: string, make: () => Promise<LeaseHarness>): void {
  describe(`Lease contract: ${name}`, () => {
    let h: LeaseHarness | undefined;
    const harness = async (): Promise<LeaseHarness> => (h = await make());
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('has one holder at a time; the holder keeps it by asking again', async () => {
      const l = await harness();
      const a = l.lease('inbox', 'node-a', TTL);
      const b = l.lease('inbox', 'node-b', TTL);
      expect(await a.holds()).toBe(true);
      expect(await b.holds()).toBe(false);
      expect(await a.holds()).toBe(true);
      expect(await b.holds()).toBe(false);
    });

    it('hands over on release; a release by a node that does not hold it changes nothing', async () => {
      const l = await harness();
      const a = l.lease('inbox', 'node-a', TTL);
      const b = l.lease('inbox', 'node-b', TTL);
      expect(await a.holds()).toBe(true);
      await b.release();
      expect(await b.holds()).toBe(false);
      await a.release();
      await a.release(); // twice, as a shutdown after a failed stop may do
      expect(await b.holds()).toBe(true);
      expect(await a.holds()).toBe(false);
    });

    it('lapses when the holder stops renewing (a dead node), and another node takes it', async () => {
      const l = await harness();
      const a = l.lease('feed', 'node-a', TTL);
      const b = l.lease('feed', 'node-b', TTL);
      expect(await a.holds()).toBe(true);
      await l.pass(TTL * 1.5);
      expect(await b.holds()).toBe(true);
      expect(await a.holds()).toBe(false);
    });

    it('is extended by each renewal: a holder that keeps asking is not overtaken', async () => {
      const l = await harness();
      const a = l.lease('feed', 'node-a', TTL);
      const b = l.lease('feed', 'node-b', TTL);
      expect(await a.holds()).toBe(true);
      await l.pass(TTL * 0.6);
      expect(await a.holds()).toBe(true);
      await l.pass(TTL * 0.6); // 1.2 TTL after the first take, 0.6 after the renewal
      expect(await b.holds()).toBe(false);
      expect(await a.holds()).toBe(true);
    });

    it('keeps leases on different keys apart', async () => {
      const l = await harness();
      expect(await l.lease('inbox:a', 'node-a', TTL).holds()).toBe(true);
      expect(await l.lease('inbox:b', 'node-b', TTL).holds()).toBe(true);
      expect(await l.lease('inbox:a', 'node-b', TTL).holds()).toBe(false);
    });
  });
}
