import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';
import { decMessage } from '../helpers/dec-message.js';
import { waitFor } from '../helpers/wait.js';
import { isGatewayError, type GatewayError } from '../../src/core/errors.js';
import { AmqpTransport } from '../../src/transports/amqp-transport.js';
import {
  CLOSED_DECLARATION,
  receiptsByStem,
  amqpRoutes,
  privateBrokerUnavailable,
  startPrivateBroker,
  type PrivateBroker,
} from '../helpers/rabbitmq.js';

const ls = (d: string) =>
  readdirSync(d)
    .filter((f) => !f.startsWith('.'))
    .sort();
const skip = privateBrokerUnavailable();
const N = 40;

/**
 * The broker goes down and comes back in the middle of a batch. It is a RabbitMQ node of the
 * test's own (the machine's shared broker is never restarted): the gateway publishes to it and
 * consumes receipts from it, the sandbox consumes submissions and answers through it.
 */
describe.skipIf(Boolean(skip))(
  `AMQP route across a broker restart${skip ? ` (SKIPPED: ${skip})` : ''}`,
  () => {
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
      for (let i = 1; i <= N; i++)
        writeFileSync(
          join(gw.dir, 'declaration', 'inbox', `r${i}.xml`),
          decMessage(`RESTART${String(i).padStart(4, '0')}`),
        );
      // Part of the batch is through, part is on the broker or on its way.
      await waitFor(
        'the batch under way',
        () => ls(outbox).length,
        (n) => n >= 10,
        30_000,
      );
      await broker.stop();
      const during = ls(outbox).length;
      await broker.start();
      expect(during).toBeLessThan(N * 6);

      await waitFor(
        'every receipt',
        () => ls(outbox).length,
        (n) => n >= N * 6,
        150_000,
      );
      await new Promise((r) => setTimeout(r, 1000)); // a late duplicate would show up now
      const stems = Array.from({ length: N }, (_, i) => `r${i + 1}`);
      // Each declaration: one import response and five DEC_RESULT, 01..06, no gap and no second copy.
      expect(receiptsByStem(ls(outbox))).toEqual(
        Object.fromEntries(stems.map((st) => [st, CLOSED_DECLARATION])),
      );
      const stats = gw.sandbox.stats();
      for (let i = 1; i <= N; i++)
        expect(stats.byClientSeqNo[`RESTART${String(i).padStart(4, '0')}`]?.accepted).toBe(1);
      expect(stats.accepted).toBe(N);
      for (const s of stems) {
        const id = (await gw.gateway.deps.ledger.findBySource('declaration', `${s}.xml`))!;
        expect((await gw.gateway.deps.ledger.get(id))!.status).toBe('closed');
      }
    }, 420_000);

    it('a broker that blocks publishers (memory alarm) gives transient errors, and sending resumes when it clears', async () => {
      const t = new AmqpTransport({
        name: 'blocked',
        url: broker.url,
        exchange: 'eport.sandbox',
        routingKey: 'submit',
        mandatory: true,
        connectTimeoutMs: 10_000,
        confirmTimeoutMs: 2000,
      });
      const msg = {
        messageId: 'm',
        businessKey: 'BLOCKED1',
        messageType: 'DecMessage',
        fileName: 'b.xml',
        bytes: Buffer.from('<x/>'),
      };
      try {
        await t.send(msg, { idempotencyKey: 'warm-up' }).catch(() => undefined); // the sandbox answers it with an import failure
        await broker.ctl('set_vm_memory_high_watermark', 'absolute', '1');
        const codes: string[] = [];
        for (let i = 0; i < 3; i++) {
          const err = await t.send(msg, { idempotencyKey: `b${i}` }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(isGatewayError(err) && err.kind).toBe('transient');
          codes.push((err as GatewayError).code);
        }
        expect(codes).toContain('GW_ERR_AMQP_BLOCKED');
        await broker.ctl('set_vm_memory_high_watermark', '0.4');
        await waitFor(
          'publishing again',
          () =>
            t.send(msg, { idempotencyKey: 'after' }).then(
              () => true,
              () => false,
            ),
          Boolean,
          30_000,
        );
      } finally {
        await broker.ctl('set_vm_memory_high_watermark', '0.4').catch(() => undefined);
        await t.close();
      }
    }, 120_000);
  },
);
