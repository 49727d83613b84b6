import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'amqplib';
import { createTestIdentity, signEnveloped } from '../../src/sandbox/testing.js';
import { decMessage } from '../helpers/dec-message.js';
import { spawnEport, waitFor, type Spawned } from '../helpers/process.js';
import { dropSandboxNames, TEST_AMQP_URL, uniqueAmqpName } from '../helpers/rabbitmq.js';

/** `eport sandbox --amqp URL` as an operator runs it (built CLI, real RabbitMQ). */
describe('eport sandbox --amqp (spawned CLI, real RabbitMQ)', () => {
  let proc: Spawned | undefined;
  let prefix = '';
  afterEach(async () => {
    proc?.child.kill('SIGTERM');
    await proc?.exited;
    proc = undefined;
    await dropSandboxNames(TEST_AMQP_URL, prefix);
  });

  it('declares its names, takes a submission from the queue and answers on the receipts queue', async () => {
    prefix = uniqueAmqpName('cli');
    proc = spawnEport(['sandbox', '--port', '0', '--step-ms', '20', '--amqp', TEST_AMQP_URL, '--amqp-prefix', prefix]);
    await waitFor('the AMQP line', () => proc!.output(), (o) => o.includes(`receipts in queue "${prefix}.receipts"`), 20_000);
    expect(proc.output()).not.toContain('guest:guest');

    const conn = await connect(TEST_AMQP_URL);
    try {
      const ch = await conn.createConfirmChannel();
      const signed = signEnveloped(decMessage('CLIAMQP000001'), createTestIdentity());
      ch.publish(prefix, 'submit', Buffer.from(signed), { persistent: true, messageId: 'declaration:CLIAMQP000001', correlationId: 'CLIAMQP000001' });
      await ch.waitForConfirms();
      const got: { name: string; body: string }[] = [];
      await waitFor(
        'import response and five DEC_RESULT',
        async () => {
          for (;;) {
            const m = await ch.get(`${prefix}.receipts`, { noAck: true });
            if (!m) break;
            got.push({ name: decodeURIComponent(String(m.properties.headers?.['x-file-name'])), body: m.content.toString('utf8') });
          }
          return got.length;
        },
        (n) => n === 6,
        20_000,
      );
      expect(got[0]!.name).toBe('DecImportResponse_CLIAMQP000001.xml');
      expect(got[0]!.body).toMatch(/<ResponseCode>0<\/ResponseCode>/);
      expect(got.slice(1).map((g) => /<CHANNEL>(\w)<\/CHANNEL>/.exec(g.body)?.[1])).toEqual(['7', 'L', 'J', 'P', 'R']);
      expect((await ch.checkQueue(`${prefix}.submissions`)).messageCount).toBe(0);
    } finally {
      await conn.close();
    }
  });
});
