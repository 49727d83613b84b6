import type { LedgerEvent, MessageRecord } from '../queues/ledger-port.js';
import type { PipelineDeps } from '../queues/deps.js';

/** The notice the receipt SLA check writes into a message's ledger (src/queues/receipt-sla.ts). */
export const NO_RECEIPT_ALERT = 'GW_ALERT_NO_RECEIPT';

/** A message still without a business receipt after its channel's receiptSlaMs. */
export interface SlaAlert {
  readonly record: MessageRecord;
  /** When the alert was raised, or the deadline it passed (not yet reported by the check). */
  readonly at: number;
  /** Whether the SLA check has raised it (else it is past its deadline and the check is due). */
  readonly raised: boolean;
}

/** Sent and no business receipt yet (an import response alone does not count): what the SLA check watches. */
export function awaitingReceipt(r: MessageRecord): boolean {
  return r.status === 'sent' || r.status === 'imported';
}

/** The newest no-receipt alert among a message's events. */
export function lastAlertAt(events: readonly LedgerEvent[]): number | undefined {
  let at: number | undefined;
  for (const e of events)
    if (e.code === NO_RECEIPT_ALERT && (at === undefined || e.at > at)) at = e.at;
  return at;
}

/**
 * The current alerts, newest first: messages with a raised alert that still await their receipt,
 * and those past their deadline the check has not reached yet (each message once).
 */
export function currentAlerts(
  raised: readonly { record: MessageRecord; at: number }[],
  pastDeadline: readonly { record: MessageRecord; deadline: number }[],
): SlaAlert[] {
  const byId = new Map<string, SlaAlert>();
  for (const r of raised)
    if (awaitingReceipt(r.record))
      byId.set(r.record.id, { record: r.record, at: r.at, raised: true });
  for (const p of pastDeadline)
    if (!byId.has(p.record.id) && awaitingReceipt(p.record))
      byId.set(p.record.id, { record: p.record, at: p.deadline, raised: false });
  return [...byId.values()].sort((a, b) => b.at - a.at);
}

/** Reads the alerts from the ledger (among `recent`) and the SLA clock. */
export async function readSlaAlerts(
  deps: Pick<PipelineDeps, 'ledger' | 'receiptSla'>,
  recent: readonly MessageRecord[],
  limit: number,
): Promise<SlaAlert[]> {
  const raised: { record: MessageRecord; at: number }[] = [];
  const candidates = recent.filter(awaitingReceipt);
  for (let i = 0; i < candidates.length; i += 200) {
    const batch = candidates.slice(i, i + 200);
    const events = await Promise.all(batch.map((r) => deps.ledger.events(r.id)));
    batch.forEach((record, j) => {
      const at = lastAlertAt(events[j] ?? []);
      if (at !== undefined) raised.push({ record, at });
    });
  }
  const due = await deps.receiptSla.pastDeadline(Date.now(), limit);
  const records = await Promise.all(due.map((d) => deps.ledger.get(d.messageId)));
  const pastDeadline = due.flatMap((d, i) => {
    const record = records[i];
    return record ? [{ record, deadline: d.deadline }] : [];
  });
  return currentAlerts(raised, pastDeadline).slice(0, limit);
}
