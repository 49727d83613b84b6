import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { createTestIdentity, signEnveloped } from '../helpers/sandbox.js';
import { decMessage } from '../helpers/dec-message.js';
import { BIN, ROOT, spawnEport, type Spawned } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';
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

  it('declares its names, takes submissions from the queue and answers on the receipts queue, faults and bad bodies included', async () => {
    prefix = uniqueAmqpName('cli');
    proc = spawnEport([
      'sandbox',
      '--port',
      '0',
      '--step-ms',
      '20',
      '--fail-first',
      '1',
      '--amqp',
      TEST_AMQP_URL,
      '--amqp-prefix',
      prefix,
    ]);
    await waitFor(
      'the AMQP line',
      () => proc!.output(),
      (o) => o.includes(`receipts in queue "${prefix}.receipts"`),
      60_000,
    );
    expect(proc.output()).not.toContain('guest:guest');

    const conn = await connect(TEST_AMQP_URL);
    try {
      const ch = await conn.createConfirmChannel();
      // First an unreadable body: the injected fault sends it back to the queue once, then it is
      // answered with an import failure that names the sender's correlation id.
      ch.publish(prefix, 'submit', Buffer.from('not xml'), {
        persistent: true,
        messageId: 'declaration:BADBODY1',
        correlationId: 'BADBODY1',
      });
      await ch.waitForConfirms();
      const signed = signEnveloped(decMessage('CLIAMQP000001'), createTestIdentity());
      ch.publish(prefix, 'submit', Buffer.from(signed), {
        persistent: true,
        messageId: 'declaration:CLIAMQP000001',
        correlationId: 'CLIAMQP000001',
      });
      await ch.waitForConfirms();
      const got: { name: string; body: string }[] = [];
      await waitFor(
        'import response and five DEC_RESULT',
        async () => {
          for (;;) {
            const m = await ch.get(`${prefix}.receipts`, { noAck: true });
            if (!m) break;
            got.push({
              name: decodeURIComponent(String(m.properties.headers?.['x-file-name'])),
              body: m.content.toString('utf8'),
            });
          }
          return got.length;
        },
        (n) => n === 7,
        60_000,
      );
      const bad = got.find((g) => g.name === 'DecImportResponse_BADBODY1.xml')!;
      expect(bad.body).toMatch(/<ResponseCode>1<\/ResponseCode>/);
      expect(bad.body).toContain('GW_ERR_XML_MALFORMED');
      const good = got.filter((g) => g.name !== bad.name);
      expect(good[0]!.name).toBe('DecImportResponse_CLIAMQP000001.xml');
      expect(good[0]!.body).toMatch(/<ResponseCode>0<\/ResponseCode>/);
      expect(good.slice(1).map((g) => /<CHANNEL>(\w)<\/CHANNEL>/.exec(g.body)?.[1])).toEqual([
        '7',
        'L',
        'J',
        'P',
        'R',
      ]);
      const url = /listening[^:]*: (http:\/\/\S+)/.exec(proc.output())![1]!;
      const stats = (await (await fetch(`${url}/stats`)).json()) as {
        faults: number;
        accepted: number;
        rejected: number;
      };
      expect(stats).toMatchObject({ faults: 1, accepted: 1, rejected: 1 });
      expect((await ch.checkQueue(`${prefix}.submissions`)).messageCount).toBe(0);
    } finally {
      await conn.close();
    }
  }, 120_000);

  it('`eport doctor` checks an AMQP route without showing its password', () => {
    prefix = uniqueAmqpName('doctor'); // nothing declared; afterEach deletes nothing
    const dir = mkdtempSync(join(tmpdir(), 'eport-amqp-doctor-'));
    try {
      const id = generateSelfSignedIdentity({ commonName: '自检', days: 30 });
      writeFileSync(join(dir, 'k.pem'), id.keyPem + id.certPem);
      writeFileSync(
        join(dir, 'gw.yaml'),
        `redis: { url: "${TEST_REDIS_URL}" }\nsigners: [{ name: k, type: soft-key, key: ./k.pem }]\n` +
          `transports: [{ name: mq, type: amqp, url: { env: EPORT_AMQP_URL }, exchange: x, routingKey: k }]\n` +
          `receiptSources: [{ name: back, type: amqp, url: { env: EPORT_AMQP_URL }, queue: q }]\n` +
          `channels: [{ name: d, dir: ./d, signer: k, transport: mq }]\n`,
      );
      const url = new URL(TEST_AMQP_URL);
      const r = spawnSync(process.execPath, [BIN, 'doctor', '--config', join(dir, 'gw.yaml')], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, FORCE_COLOR: '0', EPORT_AMQP_URL: TEST_AMQP_URL },
      });
      expect(r.stdout).toMatch(
        new RegExp(`✓ transport mq\\s+(amqp://)?${url.hostname}:${url.port || 5672}`),
      );
      expect(r.stdout).toMatch(/✓ receipts back/);
      expect(r.stdout + r.stderr).not.toContain(`:${url.password}@`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
