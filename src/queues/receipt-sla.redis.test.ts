import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Ledger } from './ledger.js';
import { ReceiptSla } from './receipt-sla.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';

describe('ReceiptSla (real Redis)', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('sla');
  const ledger = new Ledger(redis, prefix);
  const sla = new ReceiptSla(redis, prefix, ledger, pino({ level: 'silent' }));
  const base = {
    channel: 'c',
    sourceName: 'a.xml',
    docRef: `sha256:${'b'.repeat(64)}` as const,
    createdAt: 1,
  };
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('reports a sent message with no business receipt past its deadline, once, and not one that was answered', async () => {
    for (const id of ['silent', 'answered', 'raced']) {
      await ledger.create({ ...base, id, sourceName: `${id}.xml` });
      await ledger.advance(id, 'sent', { stage: 'deliver', text: 'sent' });
      await sla.expect(id, 1_000);
    }
    await ledger.advance('silent', 'imported', { stage: 'receipt', text: 'import response only' });
    await sla.answered('answered');
    await ledger.advance('raced', 'declared', {
      stage: 'receipt',
      text: 'receipt before the clock',
    });
    expect(await sla.check(999)).toEqual([]);
    expect(await sla.check(2_000)).toEqual(['silent']);
    expect(await sla.check(3_000)).toEqual([]);
    expect((await ledger.events('silent')).some((e) => e.code === 'GW_ALERT_NO_RECEIPT')).toBe(
      true,
    );
    expect(sla.overdue).toBe(1);
  });
});
