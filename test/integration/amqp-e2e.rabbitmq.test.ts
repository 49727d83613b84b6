import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';
import { decMessage } from '../helpers/dec-message.js';
import { waitFor } from '../helpers/wait.js';
import {
  CLOSED_DECLARATION,
  TEST_AMQP_URL,
  amqpRoutes,
  dropSandboxNames,
  receiptsByStem,
  uniqueAmqpName,
} from '../helpers/rabbitmq.js';

const ls = (d: string) =>
  readdirSync(d)
    .filter((f) => !f.startsWith('.'))
    .sort();

/**
 * End to end over RabbitMQ: the daemon (in process, real Redis) publishes declarations to the
 * sandbox's submissions queue, the sandbox answers with the same import responses and DEC_RESULT
 * receipts as over HTTP through its receipts queue, and they land in the enterprise outbox.
 */
describe('AMQP route end to end (real RabbitMQ, real Redis)', () => {
  const prefix = uniqueAmqpName('e2e');
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway(
      'amqp',
      [
        testChannel('plain'),
        testChannel(
          'dxp',
          'envelope: { type: dxp, senderId: DXPENT0000000001, receiverIds: [DXPEDCDEC0000001] }',
        ),
        testChannel('lost', 'transport: nowhere').replace('transport: t, ', ''),
      ].join('\n'),
      {
        sandbox: { amqp: { url: TEST_AMQP_URL, prefix } },
        ...amqpRoutes(prefix),
        // A second transport whose routing key no queue is bound to.
        transports: amqpRoutes(prefix).transports.replace(
          '[',
          `[{ name: nowhere, type: amqp, url: { env: EPORT_AMQP_URL }, exchange: "${prefix}", routingKey: nobody-listens }, `,
        ),
        env: { EPORT_AMQP_URL: TEST_AMQP_URL },
      },
    );
  });
  afterAll(async () => {
    await gw?.close();
    await dropSandboxNames(TEST_AMQP_URL, prefix);
  });

  it('delivers bare and DxpMsg declarations and brings every receipt back to the outbox, once', async () => {
    const folder = (ch: string, sub: string) => join(gw.dir, ch, sub);
    for (let i = 1; i <= 3; i++) {
      writeFileSync(folder('plain', `inbox/p${i}.xml`), decMessage(`AMQPPLAIN${i}`));
      writeFileSync(folder('dxp', `inbox/d${i}.xml`), decMessage(`AMQPDXP${i}`));
    }
    // Per declaration: the import response and five DEC_RESULT receipts (7, L, J, P, R), in any order.
    await waitFor(
      'plain receipts',
      () => ls(folder('plain', 'outbox')).length,
      (n) => n === 18,
      30_000,
    );
    await waitFor(
      'dxp receipts',
      () => ls(folder('dxp', 'outbox')).length,
      (n) => n === 18,
      30_000,
    );
    const stats = gw.sandbox.stats();
    for (const k of [
      'AMQPPLAIN1',
      'AMQPPLAIN2',
      'AMQPPLAIN3',
      'AMQPDXP1',
      'AMQPDXP2',
      'AMQPDXP3',
    ]) {
      expect(stats.byClientSeqNo[k]).toEqual({ submissions: 1, accepted: 1 });
    }
    const closed = (stems: string[]) =>
      Object.fromEntries(stems.map((st) => [st, CLOSED_DECLARATION]));
    expect(receiptsByStem(ls(folder('plain', 'outbox')))).toEqual(closed(['p1', 'p2', 'p3']));
    expect(receiptsByStem(ls(folder('dxp', 'outbox')))).toEqual(closed(['d1', 'd2', 'd3']));
    for (const [ch, root] of [
      ['plain', '<DecMessage'],
      ['dxp', '<DxpMsg'],
    ] as const) {
      for (let i = 1; i <= 3; i++) {
        const id = (await gw.gateway.deps.ledger.findBySource(ch, `${ch[0]}${i}.xml`))!;
        const rec = (await gw.gateway.deps.ledger.get(id))!;
        expect(rec.status).toBe('closed');
        // What went over the wire: the bare signed message, or the DxpMsg envelope, per channel.
        expect((await gw.gateway.deps.spool.get(rec.deliverRef!)).toString('utf8')).toContain(root);
      }
    }
    const response = readFileSync(
      join(
        folder('plain', 'outbox'),
        ls(folder('plain', 'outbox')).find((n) => n.startsWith('p1.import-response.'))!,
      ),
      'utf8',
    );
    expect(response).toContain('AMQPPLAIN1');
  });

  it('a message no queue takes (mandatory, unroutable) ends at once with an error receipt and the file in failed/', async () => {
    const folder = (sub: string) => join(gw.dir, 'lost', sub);
    writeFileSync(folder('inbox/x1.xml'), decMessage('AMQPLOST1'));
    await waitFor(
      'error receipt',
      () => ls(folder('outbox')),
      (f) => f.some((n) => n.startsWith('x1.error.')),
      20_000,
    );
    const receipt = readFileSync(
      join(
        folder('outbox'),
        ls(folder('outbox')).find((n) => n.startsWith('x1.error.'))!,
      ),
      'utf8',
    );
    expect(receipt).toContain('GW_ERR_AMQP_UNROUTABLE');
    expect(receipt).toContain('nobody-listens');
    await waitFor(
      'source in failed/',
      () => ls(folder('failed')),
      (f) => f.includes('x1.xml'),
      10_000,
    );
    const id = (await gw.gateway.deps.ledger.findBySource('lost', 'x1.xml'))!;
    const events = await gw.gateway.deps.ledger.events(id);
    expect(
      events.filter((e) => e.stage === 'deliver' && e.text.startsWith('attempt')),
    ).toHaveLength(0); // not retried
    expect(gw.sandbox.stats().byClientSeqNo.AMQPLOST1).toBeUndefined();
  });
});
