/**
 * The set of index keys (ledger:key:<kind>:<value>) that were pointed at a message, so that the
 * retention sweep (retention.ts) can remove a finished message's pointers without scanning Redis.
 */
export function ledgerIndexSetKey(prefix: string, id: string): string {
  return `${prefix}:ledger:keys-of:${id}`;
}
