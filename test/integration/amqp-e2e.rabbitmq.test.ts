import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';
import { decMessage } from '../helpers/dec-message.js';
import { waitFor } from '../helpers/process.js';
import { TEST_AMQP_URL, amqpRoutes, dropSandboxNames, uniqueAmqpName } from '../helpers/rabbitmq.js';

const ls = (d: string) => readdirSync(d).filter((f) => !f.startsWith('.')).sort();

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
        testChannel('dxp', 'envelope: { type: dxp, senderId: DXPENT0000000001, receiverIds: [DXPEDCDEC0000001] }'),
      ].join('\n'),
      { sandbox: { amqp: { url: TEST_AMQP_URL, prefix } }, ...amqpRoutes(prefix), env: { EPORT_AMQP_URL: TEST_AMQP_URL } },
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
    // Per declaration: the import response and five DEC_RESULT receipts (7, L, J, P, R).
    await waitFor('plain receipts', () => ls(folder('plain', 'outbox')).length, (n) => n === 18, 30_000);
    await waitFor('dxp receipts', () => ls(folder('dxp', 'outbox')).length, (n) => n === 18, 30_000);
    const stats = gw.sandbox.stats();
    for (const k of ['AMQPPLAIN1', 'AMQPPLAIN2', 'AMQPPLAIN3', 'AMQPDXP1', 'AMQPDXP2', 'AMQPDXP3']) {
      expect(stats.byClientSeqNo[k]).toEqual({ submissions: 1, accepted: 1 });
    }
    const expected = (stem: string) => [`${stem}.dec-result.02.xml`, `${stem}.dec-result.03.xml`, `${stem}.dec-result.04.xml`, `${stem}.dec-result.05.xml`, `${stem}.dec-result.06.xml`, `${stem}.import-response.01.xml`];
    expect(ls(folder('plain', 'outbox'))).toEqual(['p1', 'p2', 'p3'].flatMap(expected));
    expect(ls(folder('dxp', 'outbox'))).toEqual(['d1', 'd2', 'd3'].flatMap(expected));
    for (const [ch, root] of [['plain', '<DecMessage'], ['dxp', '<DxpMsg']] as const) {
      for (let i = 1; i <= 3; i++) {
        const id = (await gw.gateway.deps.ledger.findBySource(ch, `${ch[0]}${i}.xml`))!;
        const rec = (await gw.gateway.deps.ledger.get(id))!;
        expect(rec.status).toBe('closed');
        // What went over the wire: the bare signed message, or the DxpMsg envelope, per channel.
        expect((await gw.gateway.deps.spool.get(rec.deliverRef!)).toString('utf8')).toContain(root);
      }
    }
    const response = readFileSync(folder('plain', 'outbox/p1.import-response.01.xml'), 'utf8');
    expect(response).toContain('AMQPPLAIN1');
  });
});
