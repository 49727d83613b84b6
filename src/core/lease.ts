/**
 * One holder at a time across gateway nodes: which node polls an inbox or a receipt feed, or
 * moves a file. The composition root binds it (a Redis lease); tests use an in-memory one.
 */
export interface Lease {
  /** True when this node holds the lease now, taking it when free or renewing it when its own. */
  holds(): Promise<boolean>;
  /** Gives the lease up if it is still this node's, so another need not wait for it to expire. */
  release(): Promise<void>;
}
