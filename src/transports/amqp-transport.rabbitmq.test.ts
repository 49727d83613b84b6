import { afterEach, describe, expect, it } from 'vitest';
import { isGatewayError, type GatewayError } from '../core/errors.js';
import {
  defineTransportContract,
  type TransportHarness,
} from '../../test/contract/transport.contract.js';
import {
  declareTopology,
  TEST_AMQP_URL,
  uniqueAmqpName,
  type TestTopology,
} from '../../test/helpers/rabbitmq.js';
import { startTcpProxy, type TcpProxy } from '../../test/helpers/tcp-proxy.js';
import { AmqpTransport, type AmqpTransportOptions } from './amqp-transport.js';
import type { FakeOutcome } from './fake-transport.js';
import type { OutboundMessage, Transport } from './transport.js';

const brokerPort = Number(new URL(TEST_AMQP_URL).port || 5672);

function transportFor(t: TestTopology, extra: Partial<AmqpTransportOptions> = {}): AmqpTransport {
  return new AmqpTransport({
    name: 'amqp-test',
    url: TEST_AMQP_URL,
    exchange: t.exchange,
    routingKey: t.routingKey,
    mandatory: true,
    connectTimeoutMs: 3000,
    confirmTimeoutMs: 5000,
    ...extra,
  });
}

/** Everything waiting in the queue (taken off it). */
async function drain(t: TestTopology) {
  const out = [];
  for (;;) {
    const m = await t.ch.get(t.queue, { noAck: true });
    if (!m) return out;
    out.push(m);
  }
}

/**
 * The contract harness for AMQP against the machine's RabbitMQ. Faults are real broker answers:
 * "transient" routes the next message only to a queue that refuses it (x-max-length 0,
 * reject-publish), so the broker nacks it; "permanent" unbinds the queue for one send, so the
 * mandatory message is returned unroutable.
 */
async function amqpHarness(): Promise<TransportHarness> {
  const t = await declareTopology('contract');
  const full = `${t.queue}.full`;
  await t.ch.assertQueue(full, {
    durable: true,
    arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' },
  });
  const real = transportFor(t);
  const script: FakeOutcome[] = [];
  const got: { bytes: Buffer; idempotencyKey: string }[] = [];
  const transport: Transport = {
    name: real.name,
    send: async (message, o) => {
      const fault = script.shift() ?? 'ok';
      if (fault !== 'ok') await t.ch.unbindQueue(t.queue, t.exchange, t.routingKey);
      if (fault === 'transient') await t.ch.bindQueue(full, t.exchange, t.routingKey);
      try {
        return await real.send(message, o);
      } finally {
        if (fault === 'transient') await t.ch.unbindQueue(full, t.exchange, t.routingKey);
        if (fault !== 'ok') await t.ch.bindQueue(t.queue, t.exchange, t.routingKey);
      }
    },
    close: () => real.close(),
  };
  return {
    transport,
    failNext: (...o) => void script.push(...o),
    received: async () => {
      for (const m of await drain(t))
        got.push({ bytes: m.content, idempotencyKey: String(m.properties.messageId) });
      return got;
    },
    close: async () => {
      await real.close();
      await t.ch.deleteQueue(full).catch(() => undefined);
      await t.drop();
    },
  };
}

defineTransportContract('amqp (RabbitMQ on loopback)', amqpHarness);

const msg: OutboundMessage = {
  messageId: 'f00dbabe',
  businessKey: 'EPGW2026000077',
  messageType: 'DecMessage',
  fileName: '报关单 77.xml',
  bytes: Buffer.from('<DxpMsg xmlns="http://www.chinaport.gov.cn/dxp">…</DxpMsg>'),
};

async function failure(p: Promise<unknown>): Promise<GatewayError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isGatewayError(err)) throw new Error(`expected a GatewayError, got ${String(err)}`);
  return err;
}

describe('AmqpTransport against RabbitMQ', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  async function setup(extra: Partial<AmqpTransportOptions> = {}) {
    const t = await declareTopology('transport');
    const transport = transportFor(t, extra);
    cleanups.push(
      () => t.drop(),
      () => transport.close(),
    );
    return { t, transport };
  }

  it('publishes persistent, confirmed, with the idempotency key as message id and the business key as correlation id', async () => {
    const { t, transport } = await setup();
    const ack = await transport.send(msg, { idempotencyKey: 'declaration:EPGW2026000077' });
    expect(ack.reference).toContain(t.exchange);
    const [m, ...rest] = await drain(t);
    expect(rest).toHaveLength(0);
    expect(m!.content.equals(msg.bytes)).toBe(true);
    expect(m!.properties.deliveryMode).toBe(2);
    expect(m!.properties.messageId).toBe('declaration:EPGW2026000077');
    expect(m!.properties.correlationId).toBe('EPGW2026000077');
    expect(m!.properties.type).toBe('DecMessage');
    expect(m!.properties.headers).toMatchObject({
      'x-idempotency-key': 'declaration:EPGW2026000077',
      'x-business-key': 'EPGW2026000077',
      'x-gateway-message-id': 'f00dbabe',
      'x-file-name': encodeURIComponent('报关单 77.xml'),
    });
  });

  it('many sends at once on one channel are each confirmed', async () => {
    const { t, transport } = await setup();
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        transport.send({ ...msg, businessKey: `K${i}` }, { idempotencyKey: `k${i}` }),
      ),
    );
    expect((await drain(t)).map((m) => m.properties.correlationId).sort()).toEqual(
      Array.from({ length: 50 }, (_, i) => `K${i}`).sort(),
    );
  });

  it('an unroutable message (mandatory, no queue bound) is a permanent error and the next routable one goes through', async () => {
    const { t, transport } = await setup({ routingKey: 'nobody-listens' });
    const err = await failure(transport.send(msg, { idempotencyKey: 'k' }));
    expect(err.code).toBe('GW_ERR_AMQP_UNROUTABLE');
    expect(err.kind).toBe('permanent');
    expect(err.details[0]?.en).toContain('nobody-listens');
    await t.ch.bindQueue(t.queue, t.exchange, 'nobody-listens');
    await transport.send(msg, { idempotencyKey: 'k' });
    expect(await drain(t)).toHaveLength(1);
  });

  it('a missing exchange is permanent (404), and the same transport works once the exchange exists', async () => {
    const missing = uniqueAmqpName('missing');
    const { t, transport } = await setup({ exchange: missing });
    const err = await failure(transport.send(msg, { idempotencyKey: 'k' }));
    expect(err.code).toBe('GW_ERR_AMQP_NOT_FOUND');
    expect(err.kind).toBe('permanent');
    await t.ch.assertExchange(missing, 'direct', { durable: true });
    cleanups.push(async () => void (await t.ch.deleteExchange(missing)));
    await t.ch.bindQueue(t.queue, missing, t.routingKey);
    await transport.send(msg, { idempotencyKey: 'k' });
    expect(await drain(t)).toHaveLength(1);
  });

  it('a nack from the broker is transient', async () => {
    const { t, transport } = await setup();
    const full = `${t.queue}.full`;
    await t.ch.assertQueue(full, {
      durable: true,
      arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' },
    });
    cleanups.push(async () => void (await t.ch.deleteQueue(full)));
    await t.ch.unbindQueue(t.queue, t.exchange, t.routingKey);
    await t.ch.bindQueue(full, t.exchange, t.routingKey);
    const err = await failure(transport.send(msg, { idempotencyKey: 'k' }));
    expect(err.code).toBe('GW_ERR_AMQP_NACK');
    expect(err.kind).toBe('transient');
  });

  it('a refused login is permanent and says so without the password', async () => {
    const { transport } = await setup({ url: `amqp://guest:wrong-secret@127.0.0.1:${brokerPort}` });
    const err = await failure(transport.send(msg, { idempotencyKey: 'k' }));
    expect(err.code).toBe('GW_ERR_AMQP_AUTH');
    expect(err.kind).toBe('permanent');
    expect(JSON.stringify(err.toJSON())).not.toContain('wrong-secret');
  });

  it('an unknown vhost is permanent', async () => {
    const { transport } = await setup({
      url: `amqp://guest:guest@127.0.0.1:${brokerPort}/eport-no-such-vhost`,
    });
    const err = await failure(transport.send(msg, { idempotencyKey: 'k' }));
    expect(err.code).toBe('GW_ERR_AMQP_AUTH');
  });

  describe('through a proxy the test can cut', () => {
    let proxy: TcpProxy | undefined;
    afterEach(async () => {
      await proxy?.close();
      proxy = undefined;
    });

    it('a broker that cannot be reached is transient; the next call waits for the backoff instead of reconnecting at once', async () => {
      proxy = await startTcpProxy(1); // nothing listens on port 1: every connection is refused behind the proxy
      const { transport } = await setup({ url: `amqp://guest:guest@127.0.0.1:${proxy.port}` });
      const first = await failure(transport.send(msg, { idempotencyKey: 'k' }));
      expect(first.code).toBe('GW_ERR_AMQP_CONNECT');
      expect(first.kind).toBe('transient');
      expect(proxy.accepted).toBe(1);
      const second = await failure(transport.send(msg, { idempotencyKey: 'k' }));
      expect(second.code).toBe('GW_ERR_AMQP_CONNECT');
      expect((second as GatewayError).retryAfterMs).toBeGreaterThan(0);
      expect(proxy.accepted).toBe(1);
    });

    it('reconnects after the connection is cut between two sends', async () => {
      proxy = await startTcpProxy(brokerPort);
      const { t, transport } = await setup({ url: `amqp://guest:guest@127.0.0.1:${proxy.port}` });
      await transport.send(msg, { idempotencyKey: 'k1' });
      proxy.cut();
      await new Promise((r) => setTimeout(r, 100));
      await transport.send(msg, { idempotencyKey: 'k2' });
      expect(proxy.accepted).toBe(2);
      expect((await drain(t)).map((m) => m.properties.messageId)).toEqual(['k1', 'k2']);
    });

    it('a connection cut while waiting for the confirm is transient', async () => {
      proxy = await startTcpProxy(brokerPort);
      const { transport } = await setup({ url: `amqp://guest:guest@127.0.0.1:${proxy.port}` });
      await transport.send(msg, { idempotencyKey: 'warm-up' });
      const pending = failure(transport.send(msg, { idempotencyKey: 'k' }));
      proxy.cut();
      const err = await pending.catch((e: unknown) => e as GatewayError);
      // Either the confirm came back before the cut (then no error), or the send failed transiently.
      if (isGatewayError(err)) expect(err.kind).toBe('transient');
    });
  });
});
