import { pino } from 'pino';
import { Backoff } from '../amqp/backoff.js';
import {
  defineReceiptSourceContractTests,
  type ReceiptSourceHarness,
} from '../../test/contract/receipt-source.contract.js';
import { declareTopology, TEST_AMQP_URL } from '../../test/helpers/rabbitmq.js';
import { AmqpReceiptSource } from './amqp-receipt-source.js';
import type { ReceiptSource } from './receipt-source.js';

const log = pino({ level: 'silent' });

/**
 * The AMQP receipt source on a queue of its own on the machine's RabbitMQ. There is no
 * `remaining`: a delivery in hand is unacknowledged, neither in the queue nor gone, so the
 * suite judges this source by what a restarted one is offered.
 */
async function amqpHarness(): Promise<ReceiptSourceHarness> {
  const t = await declareTopology('receipt-contract');
  const made: ReceiptSource[] = [];
  const make = (): ReceiptSource => {
    const source = new AmqpReceiptSource(
      {
        name: 'customs-queue',
        url: TEST_AMQP_URL,
        queue: t.queue,
        prefetch: 5,
        connectTimeoutMs: 3000,
        backoff: new Backoff(50, 200),
      },
      log,
    );
    made.push(source);
    return source;
  };
  return {
    source: make(),
    offer: async (fileName, bytes) =>
      void t.ch.sendToQueue(t.queue, bytes, {
        persistent: true,
        headers: { 'x-file-name': encodeURIComponent(fileName) },
      }),
    restart: async () => make(),
    close: async () => {
      for (const source of made) await source.close();
      await t.drop();
    },
  };
}

defineReceiptSourceContractTests('amqp (RabbitMQ on loopback)', amqpHarness);
