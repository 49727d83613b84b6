import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedBreaker } from '../../src/config/resolve-breaker.js';
import type { CircuitBreakerPort } from '../../src/queues/circuit-breaker-port.js';
import type { CircuitBreakers } from '../../src/queues/circuit-breaker.js';

type Breakers = CircuitBreakerPort & Pick<CircuitBreakers, 'snapshot'>;

/** Breakers under test, empty at first: two views of one shared state, as two gateway nodes see it. */
export interface CircuitBreakerHarness {
  readonly nodeA: Breakers;
  readonly nodeB: Breakers;
  close(): Promise<void>;
}

const SETTINGS = { t: { failures: 3, openForMs: 1000 } };

/** The behaviour the Redis breakers and their fake share; every time is given, none read from a clock. */
export function defineCircuitBreakerContractTests(
  name: string,
  make: (settings: Readonly<Record<string, ResolvedBreaker>>) => Promise<CircuitBreakerHarness>,
): void {
  describe(`CircuitBreakers contract: ${name}`, () => {
    let h: CircuitBreakerHarness | undefined;
    const harness = async (): Promise<CircuitBreakerHarness> => (h = await make(SETTINGS));
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('opens after N consecutive transient failures on any node, lets one probe through after openFor, and closes on success', async () => {
      const { nodeA, nodeB } = await harness();
      const t0 = 1_000_000;
      expect(await nodeA.admit('t', t0)).toEqual({ send: true, probe: false });
      expect(await nodeA.failure('t', 'e1', t0)).toEqual({ opened: false, failures: 1 });
      expect(await nodeB.failure('t', 'e2', t0 + 1)).toEqual({ opened: false, failures: 2 });
      expect(await nodeA.failure('t', 'e3', t0 + 2)).toEqual({ opened: true, failures: 3 });
      // Open: both nodes hold their messages back until openFor has passed.
      expect(await nodeB.admit('t', t0 + 500)).toEqual({
        send: false,
        state: 'open',
        until: t0 + 1002,
        since: t0 + 2,
      });
      expect(await nodeB.snapshot('t')).toMatchObject({
        state: 'open',
        failures: 3,
        since: t0 + 2,
        openUntil: t0 + 1002,
        lastError: 'e3',
      });
      // Half-open: exactly one probe, whichever node asks first; the other waits.
      expect(await nodeA.admit('t', t0 + 1002)).toEqual({ send: true, probe: true });
      expect(await nodeB.admit('t', t0 + 1003)).toEqual({
        send: false,
        state: 'half-open',
        until: t0 + 2002,
        since: t0 + 2,
      });
      // The probe fails: open again, the outage keeps its start.
      expect((await nodeA.failure('t', 'e4', t0 + 1100)).opened).toBe(true);
      expect(await nodeB.admit('t', t0 + 1200)).toEqual({
        send: false,
        state: 'open',
        until: t0 + 2100,
        since: t0 + 2,
      });
      // Next probe succeeds: closed, counters reset.
      expect(await nodeB.admit('t', t0 + 2100)).toEqual({ send: true, probe: true });
      expect(await nodeB.answered('t', t0 + 2150)).toBe('half-open');
      expect(await nodeA.snapshot('t')).toEqual({
        transport: 't',
        state: 'closed',
        failures: 0,
        lastError: 'e4',
      });
      expect(await nodeA.admit('t', t0 + 2200)).toEqual({ send: true, probe: false });
    });

    it('a success in between resets the count: only consecutive failures open it', async () => {
      const { nodeA } = await harness();
      await nodeA.failure('t', 'x', 1);
      await nodeA.failure('t', 'x', 2);
      expect(await nodeA.answered('t', 3)).toBe('closed');
      expect((await nodeA.failure('t', 'x', 4)).opened).toBe(false);
      expect((await nodeA.failure('t', 'x', 5)).opened).toBe(false);
      expect((await nodeA.snapshot('t')).failures).toBe(2);
      expect((await nodeA.failure('t', 'x', 6)).opened).toBe(true);
    });

    it('a probe whose node died is replaced once its lease (openFor) has run out', async () => {
      const { nodeA, nodeB } = await harness();
      for (let i = 0; i < 3; i++) await nodeA.failure('t', 'x', 10_000);
      expect((await nodeA.admit('t', 11_000)).send).toBe(true); // probe taken, never reported
      expect((await nodeB.admit('t', 11_500)).send).toBe(false);
      expect(await nodeB.admit('t', 12_000)).toEqual({ send: true, probe: true });
    });

    it('an answer while closed leaves it closed and says so', async () => {
      const { nodeA } = await harness();
      expect(await nodeA.answered('t', 1)).toBe('closed');
      expect(await nodeA.snapshot('t')).toEqual({ transport: 't', state: 'closed', failures: 0 });
    });

    it('unconfigured transports get the defaults and read as closed', async () => {
      const { nodeA } = await harness();
      expect(nodeA.settingsOf('other')).toEqual({ failures: 5, openForMs: 30_000 });
      expect(nodeA.settingsOf('t')).toEqual(SETTINGS.t);
      expect(await nodeA.snapshot('other')).toEqual({
        transport: 'other',
        state: 'closed',
        failures: 0,
      });
    });
  });
}
