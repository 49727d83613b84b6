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

/**
 * Closes components in the reverse of their start order, each bounded by what is left of the
 * deadline; a failing or hanging step is logged and skipped so the rest still close.
 */
export class ShutdownManager {
  private readonly steps: ShutdownStep[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly onStepError: (name: string, err: unknown) => void = () => {}) {}

  add(name: string, close: () => Promise<void>): void {
    this.steps.push({ name, close });
  }

  shutdown(deadlineMs: number): Promise<void> {
    this.running ??= this.run(deadlineMs);
    return this.running;
  }

  private async run(deadlineMs: number): Promise<void> {
    const end = Date.now() + deadlineMs;
    for (const step of [...this.steps].reverse()) {
      const left = Math.max(100, end - Date.now());
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          step.close(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${step.name} did not close within ${left} ms`)), left);
            timer.unref();
          }),
        ]);
      } catch (err) {
        this.onStepError(step.name, err);
      } finally {
        if (timer) clearTimeout(timer);
      }
    }
  }
}
