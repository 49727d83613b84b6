import type { Lease } from '../../src/core/lease.js';

/** Leases of one in-memory "cluster": at most one owner per key; `expire` plays a dead holder. */
export class MemoryLeases {
  private readonly owners = new Map<string, string>();
  released = 0;

  lease(key: string, owner: string): Lease {
    return {
      holds: async () => {
        const cur = this.owners.get(key);
        if (cur === undefined) this.owners.set(key, owner);
        return (cur ?? owner) === owner;
      },
      release: async () => {
        if (this.owners.get(key) === owner) {
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
    return this.owners.get(key);
  }
}
