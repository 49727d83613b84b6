/** The deliver stage's claim on a send: go, wait (held), or end (cancelled, or no record). */
export type ClaimResult = 'ok' | 'held' | 'cancelled' | 'missing';

/**
 * What the deliver stage asks of the operator's delivery control (hold, release, cancel) before
 * each send. Redis in production (`delivery-control.ts`, on the ledger's own records); an
 * in-memory fake on the in-memory ledger for unit tests. Both run
 * `test/contract/delivery-control.contract.ts`.
 */
export interface DeliveryControlPort {
  /**
   * Claims the send for job `jobId`: 'cancelled' or 'missing' ends the job; 'held' parks it (noted
   * once per hold in the timeline, its job id kept so a release can wake it); 'ok' marks the send
   * under way (the ledger's `endSend` ends that mark after a failed attempt).
   */
  claim(id: string, channel: string, jobId: string): Promise<ClaimResult>;
  /** Whether the message may still not be sent (its own hold or its channel's). */
  isHeld(id: string, channel: string): Promise<boolean>;
}
