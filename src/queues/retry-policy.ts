/**
 * Delay before the next delivery attempt: the configured schedule entry for this attempt, varied
 * by up to ±jitter so that a burst of failures does not retry in lockstep, and never shorter than
 * what the remote side asked for (Retry-After).
 */
export function retryDelay(
  delaysMs: readonly number[],
  jitter: number,
  attemptsMade: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const base = delaysMs[Math.min(Math.max(attemptsMade - 1, 0), delaysMs.length - 1)] ?? 0;
  const varied = Math.round(base * (1 + jitter * (2 * random() - 1)));
  return Math.max(varied, retryAfterMs ?? 0);
}

/** Whether another attempt is allowed after `attemptsMade` failed ones. */
export function mayRetry(
  delaysMs: readonly number[],
  attemptsMade: number,
  ageMs: number,
  maxAgeMs: number,
): boolean {
  return attemptsMade <= delaysMs.length && ageMs < maxAgeMs;
}
