import { toMs } from './duration.js';
import type { BreakerConfig } from './schema.js';

/** Circuit breaker settings with the defaults of the schema; for any transport type. */
export interface ResolvedBreaker {
  readonly failures: number;
  readonly openForMs: number;
}

export const DEFAULT_BREAKER: ResolvedBreaker = { failures: 5, openForMs: 30_000 };

export function resolveBreaker(b: BreakerConfig | undefined): ResolvedBreaker {
  return b ? { failures: b.failures, openForMs: toMs(b.openFor) } : DEFAULT_BREAKER;
}
