import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Backoff } from '../amqp/backoff.js';
import {
  declareTopology,
  TEST_AMQP_URL,
  uniqueAmqpName,
  type TestTopology,
} from '../../test/helpers/rabbitmq.js';
import { startTcpProxy, type TcpProxy } from '../../test/helpers/tcp-proxy.js';
import { waitFor } from '../../test/helpers/wait.js';
import {
  AmqpReceiptSource,
  receiptFileName,
  type AmqpReceiptSourceOptions,
} from './amqp-receipt-source.js';
import type { InboundReceipt } from './receipt-source.js';

const log = pino({ level: 'silent' });
const brokerPort = Number(new URL(TEST_AMQP_URL).port || 5672);

describe('AmqpReceiptSource against RabbitMQ', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(extra: Partial<AmqpReceiptSourceOptions> = {}) {
    const t = await declareTopology('receipts');
    cleanups.push(() => t.drop());
    const source = new AmqpReceiptSource(
      {
        name: 'amqp-receipts',
        url: TEST_AMQP_URL,
        queue: t.queue,
        prefetch: 5,
        connectTimeoutMs: 3000,
        backoff: new Backoff(50, 200),
        ...extra,
      },
      log,
    );
    cleanups.push(() => source.close());
    return { t, source };
  }
  const put = (t: TestTopology, body: string, fileName?: string, messageId?: string) =>
    t.ch.sendToQueue(t.queue, Buffer.from(body), {
      persistent: true,
      ...(messageId ? { messageId } : {}),
      ...(fileName ? { headers: { 'x-file-name': encodeURIComponent(fileName) } } : {}),
    });
  const depth = async (t: TestTopology) => (await t.ch.checkQueue(t.queue)).messageCount;

  it('hands every receipt over with its file name and acknowledges it once stored', async () => {
    const { t, source } = await setup();
    const stored: InboundReceipt[] = [];
    put(t, '<DEC_RESULT>1</DEC_RESULT>', 'Receipt_DEC_1.xml');
    put(t, '<DEC_RESULT>2</DEC_RESULT>', '回执 2.xml');
    put(t, '<DEC_RESULT>3</DEC_RESULT>', undefined, 'RCPT-3');
    await source.start(async (rs) => void stored.push(...rs));
    await waitFor(
      'three receipts',
      () => stored.length,
      (n) => n === 3,
      10_000,
    );
    expect(stored.map((r) => [r.source, r.fileName, r.bytes.toString()])).toEqual([
      ['amqp-receipts', 'Receipt_DEC_1.xml', '<DEC_RESULT>1</DEC_RESULT>'],
      ['amqp-receipts', '回执 2.xml', '<DEC_RESULT>2</DEC_RESULT>'],
      ['amqp-receipts', 'RCPT-3.xml', '<DEC_RESULT>3</DEC_RESULT>'],
    ]);
    await source.close();
    expect(await depth(t)).toBe(0); // all acknowledged: nothing came back at close
  });

  it('a receipt whose store failed stays in the queue and comes again', async () => {
    const { t, source } = await setup();
    let calls = 0;
    const stored: string[] = [];
    put(t, '<R>once</R>');
    await source.start(async (rs) => {
      calls += 1;
      if (calls === 1) throw new Error('Redis down');
      stored.push(...rs.map((r) => r.bytes.toString()));
    });
    await waitFor(
      'stored after the retry',
      () => stored.length,
      (n) => n === 1,
      10_000,
    );
    expect(calls).toBe(2);
    await source.close();
    expect(await depth(t)).toBe(0);
  });

  it('does not acknowledge before the store resolved: closing mid-store returns the receipt to the queue', async () => {
    const { t, source } = await setup();
    let release!: () => void;
    let started = false;
    put(t, '<R>slow</R>');
    await source.start(async () => {
      started = true;
      await new Promise<void>((r) => (release = r));
      throw new Error('store gave up'); // the receipt was never made durable
    });
    await waitFor('store started', () => started, Boolean, 10_000);
    const closing = source.close();
    release();
    await closing;
    expect(await depth(t)).toBe(1);
  });

  it('keeps at most `prefetch` receipts in hand', async () => {
    const { t, source } = await setup({ prefetch: 3 });
    for (let i = 0; i < 10; i++) put(t, `<R>${i}</R>`);
    let inHand = 0;
    let most = 0;
    let done = 0;
    const gates: (() => void)[] = [];
    await source.start(async () => {
      inHand += 1;
      most = Math.max(most, inHand);
      await new Promise<void>((r) => gates.push(r));
      inHand -= 1;
      done += 1;
    });
    await waitFor(
      'three in hand',
      () => gates.length,
      (n) => n === 3,
      10_000,
    );
    await new Promise((r) => setTimeout(r, 200)); // a fourth would have arrived by now
    expect(most).toBe(3);
    while (done < 10) {
      gates.splice(0).forEach((g) => g());
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(most).toBe(3);
  });

  it('waits for a queue that does not exist yet, then consumes it', async () => {
    const queue = uniqueAmqpName('late');
    const { t, source } = await setup({ queue });
    const stored: string[] = [];
    await source.start(async (rs) => void stored.push(...rs.map((r) => r.bytes.toString())));
    await new Promise((r) => setTimeout(r, 300));
    await t.ch.assertQueue(queue, { durable: true });
    cleanups.push(async () => void (await t.ch.deleteQueue(queue)));
    t.ch.sendToQueue(queue, Buffer.from('<R>late</R>'), { persistent: true });
    await waitFor(
      'the late receipt',
      () => stored,
      (s) => s.length === 1,
      10_000,
    );
  });

  describe('through a proxy the test can cut', () => {
    let proxy: TcpProxy | undefined;
    afterEach(async () => {
      await proxy?.close();
      proxy = undefined;
    });

    it('reconnects after the connection is lost; a receipt stored just before the cut may come twice, none is lost', async () => {
      proxy = await startTcpProxy(brokerPort);
      const { t, source } = await setup({ url: `amqp://guest:guest@127.0.0.1:${proxy.port}` });
      const stored: string[] = [];
      let cutDuringStore = true;
      put(t, '<R>a</R>');
      await source.start(async (rs) => {
        if (cutDuringStore) {
          // The receipt is stored, but the connection dies before the ack can go out.
          cutDuringStore = false;
          stored.push(...rs.map((r) => r.bytes.toString()));
          proxy!.cut();
          await new Promise((res) => setTimeout(res, 50));
          return;
        }
        stored.push(...rs.map((r) => r.bytes.toString()));
      });
      await waitFor(
        'redelivered after reconnect',
        () => stored.length,
        (n) => n === 2,
        10_000,
      );
      put(t, '<R>b</R>');
      await waitFor(
        'the next receipt',
        () => stored.length,
        (n) => n === 3,
        10_000,
      );
      expect(stored).toEqual(['<R>a</R>', '<R>a</R>', '<R>b</R>']);
      expect(proxy.accepted).toBeGreaterThanOrEqual(2);
      await source.close();
      expect(await depth(t)).toBe(0);
    });
  });
});

describe('receiptFileName', () => {
  const msg = (headers: Record<string, unknown>, messageId?: string) => ({
    properties: { headers, messageId } as never,
    fields: { deliveryTag: 7 } as never,
  });
  it('uses x-file-name, else the message id, and never a path', () => {
    expect(receiptFileName(msg({ 'x-file-name': encodeURIComponent('回执.xml') }))).toBe(
      '回执.xml',
    );
    expect(receiptFileName(msg({ 'x-file-name': '../../etc/passwd' }))).toBe('__.._etc_passwd');
    expect(receiptFileName(msg({}, 'abc'))).toBe('abc.xml');
    expect(receiptFileName(msg({}))).toBe('amqp-7.xml');
  });
});
