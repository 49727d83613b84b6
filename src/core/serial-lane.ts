/**
 * A first-in-first-out lane that runs one task at a time; a failed task does not stop the next.
 * An operator card is a serial device: a VERIFY must be followed by its own signature command with
 * nothing from another job in between, and two interleaved requests to the E-Port client control
 * have been seen to make keys "go dark". The card signer and the E-Port service signer both put
 * every card operation through one lane.
 */
export class SerialLane {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  /** Tasks queued or running. */
  get size(): number {
    return this.waiting;
  }

  /**
   * Runs `task` after every task queued before it has finished (fulfilled or not). The lane is
   * held until the task's promise settles; its result is passed through.
   */
  run<T>(task: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(task);
    this.tail = result
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.waiting--;
      });
    return result;
  }
}
