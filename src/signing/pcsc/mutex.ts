/**
 * A first-in, first-out async mutex: a card can do one thing at a time, and a VERIFY must be
 * followed by its own signature command with nothing from another job in between.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Runs `fn` once every earlier `run` has settled; resolves or rejects with its result. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(() => {
      this.waiting--;
      return fn();
    });
    // A failure of one job must not poison the queue for the next.
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Jobs queued and not yet started. */
  get pending(): number {
    return this.waiting;
  }
}
