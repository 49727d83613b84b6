/**
 * Bytes-in-flight accounting for a stage: work enters while the estimated memory of everything in
 * flight fits the budget, and waits (first come, first served) otherwise. A piece larger than the
 * whole budget enters alone, so it is slow rather than stuck. The estimate is coarse on purpose:
 * it keeps four 19 MB documents from being parsed at once, not a byte-exact account.
 */
export class MemoryBudget {
  private used = 0;
  private readonly waiting: { cost: number; enter: () => void }[] = [];

  constructor(readonly capacity: number) {}

  get inFlight(): number {
    return this.used;
  }

  /** Resolves once `cost` fits; call the returned function (once or more) when done. */
  acquire(cost: number): Promise<() => void> {
    return new Promise((resolve) => {
      const enter = (): void => {
        this.used += cost;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.used -= cost;
          this.admit();
        });
      };
      this.waiting.push({ cost, enter });
      this.admit();
    });
  }

  private admit(): void {
    while (this.waiting.length > 0) {
      const next = this.waiting[0]!;
      if (this.used > 0 && this.used + next.cost > this.capacity) return;
      this.waiting.shift();
      next.enter();
    }
  }
}

/**
 * What parsing an input may cost in memory: parsers build objects many times the size of the
 * text, and an .xlsx also unpacks (its sheets are several times its size before exceljs builds a
 * cell object per cell). Measured roughly on the samples and the hostile corpus.
 */
export function parseCostOf(bytes: Uint8Array): number {
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  return bytes.length * (zip ? 64 : 16);
}
