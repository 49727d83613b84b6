import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Ledger, type MessageRecord } from '../queues/ledger.js';
import { ReceiptSla } from '../queues/receipt-sla.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';
import { currentAlerts, lastAlertAt, readSlaAlerts } from './sla-alerts.js';

describe('console SLA alerts (real Redis)', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('console-sla');
  const ledger = new Ledger(redis, prefix);
  const receiptSla = new ReceiptSla(redis, prefix, ledger, pino({ level: 'silent' }));
  const base = {
    channel: 'c',
    docRef: `sha256:${'b'.repeat(64)}` as const,
    createdAt: 1,
  };
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  async function sent(id: string, deadline: number): Promise<void> {
    await ledger.create({ ...base, id, sourceName: `${id}.xml` });
    await ledger.advance(id, 'sent', { stage: 'deliver', text: 'sent' });
    await receiptSla.expect(id, deadline);
  }

  it('lists raised alerts still without receipt and messages past their deadline, newest first', async () => {
    const now = Date.now();
    await sent('old-alert', now - 60_000);
    await sent('new-alert', now - 15_000);
    await sent('answered-late', now - 50_000);
    await sent('due', now - 1_000);
    await sent('not-yet', now + 3_600_000);
    expect(await receiptSla.check(now - 20_000)).toEqual(['old-alert', 'answered-late']);
    expect(await receiptSla.check(now - 10_000)).toEqual(['new-alert']);
    // A receipt after the alert ends it.
    await ledger.advance('answered-late', 'declared', { stage: 'receipt', text: 'receipt' });
    expect((await receiptSla.pastDeadline(now)).map((d) => d.messageId)).toEqual(['due']);

    const recent = (
      await Promise.all((await ledger.recent(100)).map((id) => ledger.get(id)))
    ).filter((r): r is MessageRecord => Boolean(r));
    const alerts = await readSlaAlerts({ ledger, receiptSla }, recent, 50);
    expect(alerts.map((a) => [a.record.id, a.raised])).toEqual([
      ['due', false],
      ['new-alert', true],
      ['old-alert', true],
    ]);
    expect(alerts[1]?.at).toBe(now - 10_000);
    expect(alerts[0]?.at).toBe(now - 1_000);
  });

  it('counts a message once when both raised and still on the clock, and ignores other events', () => {
    const rec = {
      ...base,
      id: 'x',
      sourceName: 'x.xml',
      status: 'imported',
      updatedAt: 1,
    } as const;
    const both = currentAlerts([{ record: rec, at: 5 }], [{ record: rec, deadline: 9 }]);
    expect(both).toEqual([{ record: rec, at: 5, raised: true }]);
    const ended = currentAlerts([{ record: { ...rec, status: 'released' }, at: 5 }], []);
    expect(ended).toEqual([]);
    expect(
      lastAlertAt([
        { at: 3, stage: 'sla', text: '', code: 'GW_ALERT_NO_RECEIPT' },
        { at: 7, stage: 'receipt', text: '', code: 'GW_DUPLICATE' },
        { at: 4, stage: 'sla', text: '', code: 'GW_ALERT_NO_RECEIPT' },
      ]),
    ).toBe(4);
  });
});
