import type { ResolvedBreaker } from '../config/resolve-breaker.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** The breaker's answer to "may this message be sent now?". */
export type Admission =
  | { readonly send: true; readonly probe: boolean }
  | {
      readonly send: false;
      readonly state: 'open' | 'half-open';
      readonly until: number;
      readonly since: number;
    };

/**
 * The circuit breakers around `Transport.send`, one per transport, as the deliver stage uses
 * them. Redis in production (`circuit-breaker.ts`, shared by every node); an in-memory fake for
 * unit tests. Both run `test/contract/circuit-breaker.contract.ts`.
 */
export interface CircuitBreakerPort {
  /** The transport's threshold and open period (the defaults for one not configured). */
  settingsOf(transport: string): ResolvedBreaker;
  /** Whether a send may go now: closed, or the one probe of a half-open breaker. */
  admit(transport: string, now?: number): Promise<Admission>;
  /** Records a transient failure; `opened` is true when this failure opened the breaker. */
  failure(
    transport: string,
    error: string,
    now?: number,
  ): Promise<{ opened: boolean; failures: number }>;
  /** Records an answer from the endpoint; returns the state before (not 'closed' = it just closed). */
  answered(transport: string, now?: number): Promise<BreakerState>;
}
