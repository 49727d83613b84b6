/** Anything that holds resources and must be released in order at shutdown. */
export interface Closable {
  close(): Promise<void>;
}

/** Makes close() idempotent: the first call's promise is returned to every later caller. */
export function onceClose(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}

export interface ShutdownStep {
  readonly name: string;
  readonly close: () => Promise<void>;
}

/** After hurry(): each step still to close gets at most this long (Redis quit, lock release). */
export const HURRIED_STEP_MS = 1_000;

/**
 * Closes components in the reverse of their start order, each bounded by what is left of the
 * deadline; a failing or hanging step is logged and skipped so the rest still close. hurry() (an
 * operator's second signal) gives up the step in progress and bounds each later one by
 * HURRIED_STEP_MS: drains are cut short, yet the lock, Redis and its managed server still close.
 */
export class ShutdownManager {
  private readonly steps: ShutdownStep[] = [];
  private running: Promise<void> | undefined;
  private hurried = false;
  private giveUpCurrent: (() => void) | undefined;

  constructor(private readonly onStepError: (name: string, err: unknown) => void = () => {}) {}

  add(name: string, close: () => Promise<void>): void {
    this.steps.push({ name, close });
  }

  shutdown(deadlineMs: number): Promise<void> {
    this.running ??= this.run(deadlineMs);
    return this.running;
  }

  /** Cuts the shutdown short: the step in progress is given up, later steps get HURRIED_STEP_MS. */
  hurry(): void {
    this.hurried = true;
    this.giveUpCurrent?.();
  }

  private async run(deadlineMs: number): Promise<void> {
    const end = Date.now() + deadlineMs;
    for (const step of [...this.steps].reverse()) {
      const left = Math.max(100, end - Date.now());
      const bound = this.hurried ? Math.min(left, HURRIED_STEP_MS) : left;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          step.close(),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`${step.name} did not close within ${bound} ms`)),
              bound,
            );
            timer.unref();
            this.giveUpCurrent = () =>
              reject(new Error(`${step.name}: shutdown hurried, not waiting for it`));
          }),
        ]);
      } catch (err) {
        this.onStepError(step.name, err);
      } finally {
        this.giveUpCurrent = undefined;
        if (timer) clearTimeout(timer);
      }
    }
  }
}
