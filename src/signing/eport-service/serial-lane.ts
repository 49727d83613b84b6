/**
 * A first-in-first-out lane that runs one task at a time. The operator card is a serial device:
 * the control does not queue for us, and two interleaved requests have been seen to make keys "go
 * dark" (reference §6.3), so every call to the control goes through one lane.
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
    this.tail = result.then(
      () => undefined,
      () => undefined,
    ).finally(() => {
      this.waiting--;
    });
    return result;
  }
}
