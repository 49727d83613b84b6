import { waitUntil } from './wait.js';

/**
 * A clock that moves only when the test says so, for code that reads the time once per poll (the
 * folder intake's stability window). It counts the reads, so a test can wait for the next poll
 * instead of sleeping.
 */
export class FakeClock {
  private t: number;
  private reads = 0;

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  /** The reading function to hand to the code under test. */
  readonly now = (): number => {
    this.reads++;
    return this.t;
  };

  advance(ms: number): void {
    this.t += ms;
  }

  /** Resolves after `polls` more reads of the clock (each one a poll that started after this call). */
  async nextPolls(polls = 1, ms = 10_000): Promise<void> {
    const target = this.reads + polls;
    await waitUntil(() => this.reads >= target, ms, `${polls} more poll(s) of the clock`);
  }
}
