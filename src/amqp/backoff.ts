/**
 * Exponential backoff with jitter for reconnecting to a broker: 0.5 s, 1 s, 2 s … up to 30 s,
 * each delay varied by up to ±20 % so that several clients do not reconnect in step.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly firstMs = 500,
    private readonly maxMs = 30_000,
    private readonly random: () => number = Math.random,
  ) {}

  /** Records a failure and returns how long to wait before the next attempt. */
  next(): number {
    const base = Math.min(this.maxMs, this.firstMs * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    return Math.round(base * (0.8 + 0.4 * this.random()));
  }

  /** A success: the next failure starts from the first delay again. */
  reset(): void {
    this.failures = 0;
  }

  get failureCount(): number {
    return this.failures;
  }
}
