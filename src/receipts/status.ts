/**
 * The per-message status machine. A message moves forward through the customs lifecycle as
 * receipts arrive; receipts come late, twice and out of order, so the machine only ever keeps the
 * most advanced state it has seen.
 */

/** Forward states, in lifecycle order. Index = rank. */
export const PROGRESS_STATUSES = [
  'received', // the gateway has the legacy file
  'translated',
  'signed',
  'sent', // delivered to the customs side (client folder, DXP node, HTTP gateway)
  'imported', // import response 0 / DealFlag 0 / CEB 1 暂存
  'declared', // CHANNEL 7/2/6, CEB 2/3
  'accepted', // L 入库, CEB 120
  'audited', // J, G, W, CEB 399
  'inspection', // C, S, CEB 500–599
  'tax-due', // T
  'released', // P, I, F, B, K, CEB 800
  'closed', // R, CEB 899 — terminal
] as const;

/** Terminal outcomes that are not progress: customs said no, or the gateway gave up. */
export const NEGATIVE_STATUSES = [
  'rejected', // import failed, 退单 (E/Y/Z/v), CEB 100/4/700, negative returnStatus
  'cancelled', // 删单 (D, A)
  'failed', // gateway side: permanent pipeline error
  'dead', // gateway side: retries exhausted
] as const;

export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];
export type NegativeStatus = (typeof NEGATIVE_STATUSES)[number];
export type GatewayStatus = ProgressStatus | NegativeStatus;

/** Every status, forward states first. */
export const GATEWAY_STATUSES: readonly GatewayStatus[] = [
  ...PROGRESS_STATUSES,
  ...NEGATIVE_STATUSES,
];

/** Rank shared by all negative terminals: an outcome outranks any amount of progress. */
const NEGATIVE_RANK = PROGRESS_STATUSES.length;

const RANK: ReadonlyMap<GatewayStatus, number> = new Map<GatewayStatus, number>([
  ...PROGRESS_STATUSES.map((s, i) => [s, i] as const),
  ...NEGATIVE_STATUSES.map((s) => [s, NEGATIVE_RANK] as const),
]);

const TERMINAL: ReadonlySet<GatewayStatus> = new Set<GatewayStatus>([
  'closed',
  ...NEGATIVE_STATUSES,
]);
const NEGATIVE: ReadonlySet<GatewayStatus> = new Set<GatewayStatus>(NEGATIVE_STATUSES);
const GATEWAY_SIDE: ReadonlySet<GatewayStatus> = new Set<GatewayStatus>(['failed', 'dead']);

/**
 * Order of a status: received 0, translated 1, signed 2, sent 3, imported 4, declared 5,
 * accepted 6, audited 7, inspection 8, tax-due 9, released 10, closed 11; the negative
 * terminals (rejected, cancelled, failed, dead) all rank 12.
 */
export function statusRank(status: GatewayStatus): number {
  const rank = RANK.get(status);
  if (rank === undefined) throw new RangeError(`unknown gateway status: ${String(status)}`);
  return rank;
}

/** Closed, rejected, cancelled, failed and dead are final: nothing moves a message out of them. */
export function isTerminal(status: GatewayStatus): boolean {
  return TERMINAL.has(status);
}

/** True for the outcomes an operator must look at (rejected, cancelled, failed, dead). */
export function isNegativeStatus(status: GatewayStatus): boolean {
  return NEGATIVE.has(status);
}

/** Type guard for strings read back from storage. */
export function isGatewayStatus(value: unknown): value is GatewayStatus {
  return typeof value === 'string' && RANK.has(value as GatewayStatus);
}

/**
 * The status after `incoming` is applied to a message currently in `current`.
 *
 * Rules, in order:
 * 1. A terminal `current` sticks (closed, rejected, cancelled, failed, dead). A receipt for a
 *    message the gateway already gave up on is still recorded by the caller, but does not
 *    resurrect the message.
 * 2. A forward `incoming` is taken only if it ranks higher than `current`: late, duplicated and
 *    out-of-order receipts never move a message back (a late `L` after `P` keeps 'released').
 * 3. A gateway-side failure ('failed', 'dead') is ignored once the message has reached customs
 *    (rank ≥ 'sent'): a receipt is proof of delivery, a stale retry job is not proof of loss.
 * 4. 'rejected' is ignored once the message is 'released': customs cannot reject goods it has
 *    already released, so such a receipt is stale (e.g. the 退单 of an earlier attempt arriving
 *    late). 'cancelled' after release is taken: customs can delete a released declaration on
 *    application (删单), and that is the final word.
 * 5. Any other negative terminal is taken.
 *
 * Consequence: the rank never decreases, and the result is always one of the two arguments.
 */
export function nextStatus(current: GatewayStatus, incoming: GatewayStatus): GatewayStatus {
  if (isTerminal(current)) return current;
  const currentRank = statusRank(current);
  if (!NEGATIVE.has(incoming)) return statusRank(incoming) > currentRank ? incoming : current;
  if (GATEWAY_SIDE.has(incoming) && currentRank >= statusRank('sent')) return current;
  if (incoming === 'rejected' && currentRank >= statusRank('released')) return current;
  return incoming;
}

/** Folds a sequence of statuses from a starting point; handy for replaying a receipt history. */
export function foldStatus(start: GatewayStatus, incoming: Iterable<GatewayStatus>): GatewayStatus {
  let status = start;
  for (const s of incoming) status = nextStatus(status, s);
  return status;
}
