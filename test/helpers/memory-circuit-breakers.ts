import { DEFAULT_BREAKER, type ResolvedBreaker } from '../../src/config/resolve-breaker.js';
import type { BreakerSnapshot } from '../../src/queues/circuit-breaker.js';
import type {
  Admission,
  BreakerState,
  CircuitBreakerPort,
} from '../../src/queues/circuit-breaker-port.js';

interface BreakerRow {
  state: BreakerState;
  failures: number;
  since?: number;
  openUntil?: number;
  probeUntil?: number;
  lastError?: string;
}

/**
 * The circuit breakers in memory, for unit tests of the deliver stage: the Lua scripts of
 * `circuit-breaker.ts` written out (open at the threshold, one probe at a time once the open
 * period is up, closed by any answer). `test/contract/circuit-breaker.contract.ts` holds it to the
 * Redis adapter's behaviour.
 */
export class MemoryCircuitBreakers implements CircuitBreakerPort {
  private readonly rows = new Map<string, BreakerRow>();

  constructor(private readonly settings: Readonly<Record<string, ResolvedBreaker>> = {}) {}

  settingsOf(transport: string): ResolvedBreaker {
    return this.settings[transport] ?? DEFAULT_BREAKER;
  }

  async admit(transport: string, now = Date.now()): Promise<Admission> {
    const b = this.rows.get(transport);
    if (!b || b.state === 'closed') return { send: true, probe: false };
    const since = b.since ?? now;
    const { openForMs } = this.settingsOf(transport);
    if (b.state === 'open') {
      const until = b.openUntil ?? 0;
      if (now < until) return { send: false, state: 'open', until, since };
      b.state = 'half-open';
      b.probeUntil = now + openForMs;
      return { send: true, probe: true };
    }
    const probeUntil = b.probeUntil ?? 0;
    if (now >= probeUntil) {
      b.probeUntil = now + openForMs;
      return { send: true, probe: true };
    }
    return { send: false, state: 'half-open', until: probeUntil, since };
  }

  async failure(
    transport: string,
    error: string,
    now = Date.now(),
  ): Promise<{ opened: boolean; failures: number }> {
    let b = this.rows.get(transport);
    if (!b) this.rows.set(transport, (b = { state: 'closed', failures: 0 }));
    const { failures, openForMs } = this.settingsOf(transport);
    b.failures++;
    b.lastError = error.slice(0, 300);
    if (b.state === 'half-open' || (b.state === 'closed' && b.failures >= failures)) {
      if (b.state === 'closed') b.since = now;
      b.state = 'open';
      b.openUntil = now + openForMs;
      delete b.probeUntil;
      return { opened: true, failures: b.failures };
    }
    return { opened: false, failures: b.failures };
  }

  async answered(transport: string): Promise<BreakerState> {
    const b = this.rows.get(transport);
    if (!b) return 'closed';
    const before = b.state;
    b.state = 'closed';
    b.failures = 0;
    delete b.since;
    delete b.openUntil;
    delete b.probeUntil;
    return before;
  }

  async snapshot(transport: string): Promise<BreakerSnapshot> {
    const b = this.rows.get(transport);
    return {
      transport,
      state: b?.state ?? 'closed',
      failures: b?.failures ?? 0,
      ...(b?.since !== undefined ? { since: b.since } : {}),
      ...(b?.state === 'open' && b.openUntil !== undefined ? { openUntil: b.openUntil } : {}),
      ...(b?.lastError !== undefined ? { lastError: b.lastError } : {}),
    };
  }
}
