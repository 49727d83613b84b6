import type { Lease } from '../../src/core/lease.js';

/**
 * Leases of one in-memory "cluster": at most one owner per key. A lease lapses `ttlMs` after its
 * last renewal on the given clock (none: it never lapses by itself); `expire` plays a dead holder
 * at once.
 */
export class MemoryLeases {
  private readonly owners = new Map<string, { owner: string; until: number }>();
  released = 0;

  constructor(private readonly now: () => number = Date.now) {}

  lease(key: string, owner: string, ttlMs = Infinity): Lease {
    return {
      ttlMs,
      holds: async () => {
        const cur = this.owners.get(key);
        if (cur && cur.owner !== owner && cur.until > this.now()) return false;
        this.owners.set(key, { owner, until: this.now() + ttlMs });
        return true;
      },
      release: async () => {
        const cur = this.owners.get(key);
        if (cur?.owner === owner && cur.until > this.now()) {
          this.owners.delete(key);
          this.released++;
        }
      },
    };
  }

  /** The holder died and its lease ran out. */
  expire(key: string): void {
    this.owners.delete(key);
  }

  holder(key: string): string | undefined {
    const cur = this.owners.get(key);
    return cur && cur.until > this.now() ? cur.owner : undefined;
  }
}
