import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';
import { decMessage } from '../helpers/dec-message.js';
import { waitFor } from '../helpers/process.js';
import { amqpRoutes, privateBrokerUnavailable, startPrivateBroker, type PrivateBroker } from '../helpers/rabbitmq.js';

const ls = (d: string) => readdirSync(d).filter((f) => !f.startsWith('.')).sort();
const skip = privateBrokerUnavailable();
const N = 40;

/**
 * The broker goes down and comes back in the middle of a batch. It is a RabbitMQ node of the
 * test's own (the machine's shared broker is never restarted): the gateway publishes to it and
 * consumes receipts from it, the sandbox consumes submissions and answers through it.
 */
describe.skipIf(Boolean(skip))(`AMQP route across a broker restart${skip ? ` (SKIPPED: ${skip})` : ''}`, () => {
  let broker: PrivateBroker;
  let gw: TestGateway;

  beforeAll(async () => {
    broker = await startPrivateBroker();
    gw = await startTestGateway('amqp-restart', testChannel('declaration'), {
      sandbox: { stepMs: 30, amqp: { url: broker.url, prefix: 'eport.sandbox' } },
      ...amqpRoutes('eport.sandbox'),
      env: { EPORT_AMQP_URL: broker.url },
      extra: 'http: { enabled: false }\nretry: { schedule: "300ms*200", jitter: 0, maxAge: 1h }',
    });
  }, 200_000);
  afterAll(async () => {
    await gw?.close();
    await broker?.dispose();
  }, 90_000);

  it('loses and duplicates nothing: every declaration accepted once, every receipt written once', async () => {
    const outbox = join(gw.dir, 'declaration', 'outbox');
    for (let i = 1; i <= N; i++) writeFileSync(join(gw.dir, 'declaration', 'inbox', `r${i}.xml`), decMessage(`RESTART${String(i).padStart(4, '0')}`));
    // Part of the batch is through, part is on the broker or on its way.
    await waitFor('the batch under way', () => ls(outbox).length, (n) => n >= 10, 30_000);
    await broker.stop();
    const during = ls(outbox).length;
    await broker.start();
    expect(during).toBeLessThan(N * 6);

    await waitFor('every receipt', () => ls(outbox).length, (n) => n >= N * 6, 150_000);
    await new Promise((r) => setTimeout(r, 1000)); // a late duplicate would show up now
    const stems = Array.from({ length: N }, (_, i) => `r${i + 1}`);
    const expected = stems.flatMap((s) => [
      `${s}.dec-result.02.xml`,
      `${s}.dec-result.03.xml`,
      `${s}.dec-result.04.xml`,
      `${s}.dec-result.05.xml`,
      `${s}.dec-result.06.xml`,
      `${s}.import-response.01.xml`,
    ]);
    expect(ls(outbox)).toEqual(expected.sort());
    const stats = gw.sandbox.stats();
    for (let i = 1; i <= N; i++) expect(stats.byClientSeqNo[`RESTART${String(i).padStart(4, '0')}`]?.accepted).toBe(1);
    expect(stats.accepted).toBe(N);
    for (const s of stems) {
      const id = (await gw.gateway.deps.ledger.findBySource('declaration', `${s}.xml`))!;
      expect((await gw.gateway.deps.ledger.get(id))!.status).toBe('closed');
    }
  }, 420_000);
});
