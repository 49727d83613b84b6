/**
 * A cluster lease: one node at a time does a given job (polls an inbox, polls a receipt feed,
 * watches a client folder). The holder renews it on every poll; when the holder dies, the lease
 * expires and another node takes over. Redis in production (`queues/lease.ts`), bound in app.ts.
 */
export interface Lease {
  /** True when this node holds the lease (taking or renewing it). */
  holds(): Promise<boolean>;
  /** Gives the lease up at shutdown so another node need not wait for it to expire. */
  release(): Promise<void>;
  /** How long the lease lasts after a renewal; a holder busy for longer renews it meanwhile. */
  readonly ttlMs?: number;
}

/** Makes the lease for one job, named like `inbox:/data/in`; it lapses `ttlMs` after the last renewal. */
export type LeaseFactory = (name: string, ttlMs: number) => Lease;
