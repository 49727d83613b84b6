/** Counters the sandbox exposes at `GET /stats` and through `stats()`. */
export interface SandboxStats {
  /** Every `POST /dec/submit` received, faults and malformed bodies included. */
  readonly submissions: number;
  /** Imports that succeeded (ResponseCode 0), not counting duplicates. */
  readonly accepted: number;
  /** Repeats answered from memory (same ClientSeqNo already accepted, or a known Idempotency-Key). */
  readonly duplicates: number;
  /** Import failures: ResponseCode ≠ 0, plus bodies refused with 400. */
  readonly rejected: number;
  /** Injected 503 answers. */
  readonly faults: number;
  /** Business receipts placed on the feed so far. */
  readonly receiptsEmitted: number;
  /** Per ClientSeqNo (as read from the message, also for faults): submissions and accepted imports. */
  readonly byClientSeqNo: Readonly<
    Record<string, { readonly submissions: number; readonly accepted: number }>
  >;
}

type Counter =
  'submissions' | 'accepted' | 'duplicates' | 'rejected' | 'faults' | 'receiptsEmitted';

/** Mutable counters; `snapshot()` hands out a copy. */
export class StatsCounter {
  private readonly totals: Record<Counter, number> = {
    submissions: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    faults: 0,
    receiptsEmitted: 0,
  };
  private readonly perClient = new Map<string, { submissions: number; accepted: number }>();

  add(counter: Counter): void {
    this.totals[counter] += 1;
  }

  /** Counts one submission that carried this ClientSeqNo (ignored when empty). */
  addClientSubmission(clientSeqNo: string): void {
    if (clientSeqNo) this.entry(clientSeqNo).submissions += 1;
  }

  addClientAccepted(clientSeqNo: string): void {
    this.entry(clientSeqNo).accepted += 1;
  }

  snapshot(): SandboxStats {
    const byClientSeqNo: Record<string, { submissions: number; accepted: number }> = {};
    for (const [k, v] of this.perClient) byClientSeqNo[k] = { ...v };
    return { ...this.totals, byClientSeqNo };
  }

  private entry(clientSeqNo: string): { submissions: number; accepted: number } {
    let e = this.perClient.get(clientSeqNo);
    if (!e) {
      e = { submissions: 0, accepted: 0 };
      this.perClient.set(clientSeqNo, e);
    }
    return e;
  }
}
