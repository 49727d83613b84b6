/**
 * Consumes receipts from a RabbitMQ queue. Manual acknowledgement: a delivery is acked only after
 * `onReceipt` resolved (the receipt is spooled and queued); if it throws, the delivery goes back to
 * the queue. A connection lost between the two re-delivers the receipt, which the receipt stage
 * absorbs (idempotent by content hash). `prefetch` bounds how many receipts are in hand at once.
 * Several gateway nodes may consume the same queue: the broker shares the deliveries out.
 */
import type { Channel, ConsumeMessage } from 'amqplib';
import { AmqpLink } from '../amqp/amqp-link.js';
import { amqpError } from '../amqp/amqp-errors.js';
import { Backoff } from '../amqp/backoff.js';
import type { Logger } from '../core/logger.js';
import type { InboundReceipt, OnReceipts, ReceiptSource } from './receipt-source.js';

export interface AmqpReceiptSourceOptions {
  readonly name: string;
  /** amqp://user:password@host:port/vhost */
  readonly url: string;
  /** The queue receipts arrive in; it must exist. */
  readonly queue: string;
  /** Unacknowledged receipts in hand at most. */
  readonly prefetch: number;
  readonly connectTimeoutMs: number;
  /** Reconnect delays (tests shorten them). */
  readonly backoff?: Backoff;
}

/** A safe file name for the receipt: the publisher's `x-file-name`, else the message id. */
export function receiptFileName(msg: Pick<ConsumeMessage, 'properties' | 'fields'>): string {
  const header = msg.properties.headers?.['x-file-name'];
  let name = '';
  if (typeof header === 'string' || Buffer.isBuffer(header)) {
    try {
      name = decodeURIComponent(String(header));
    } catch {
      name = String(header);
    }
  }
  if (!name && typeof msg.properties.messageId === 'string')
    name = `${msg.properties.messageId}.xml`;
  if (!name) name = `amqp-${msg.fields.deliveryTag}.xml`;
  return name
    .replace(/[\\/\0-\x1f]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 200);
}

export class AmqpReceiptSource implements ReceiptSource {
  readonly name: string;
  private readonly link: AmqpLink;
  private readonly backoff: Backoff;
  private readonly inFlight = new Set<Promise<void>>();
  private channel: Channel | undefined;
  private consumerTag: string | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly opts: AmqpReceiptSourceOptions,
    private readonly log: Logger,
  ) {
    this.name = opts.name;
    this.backoff = opts.backoff ?? new Backoff();
    this.link = new AmqpLink({
      url: opts.url,
      label: `eport-gateway receipts ${opts.name}`,
      connectTimeoutMs: opts.connectTimeoutMs,
      backoff: new Backoff(0, 0),
    });
  }

  /** Starts consuming in the background; an unreachable broker is logged and retried, never fatal. */
  async start(onReceipts: OnReceipts): Promise<void> {
    // One message at a time: each is acknowledged on its own.
    this.loop ??= this.run((r) => onReceipts([r]));
  }

  /** Stops consuming, lets receipts in hand finish, then closes the connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopped = true;
      this.wake?.();
      if (this.channel && this.consumerTag)
        await this.channel.cancel(this.consumerTag).catch(() => undefined);
      await Promise.allSettled([...this.inFlight]);
      // Close the channel before the connection: amqplib writes each channel's frames in turn, so
      // a connection close may reach the broker before the acks just sent, which then requeues
      // the receipts in hand. The channel's close-ok comes after its acks.
      await this.channel?.close().catch(() => undefined);
      await this.link.close();
      await this.loop;
    })();
    return this.closing;
  }

  private async run(onReceipt: (receipt: InboundReceipt) => Promise<void>): Promise<void> {
    while (!this.stopped) {
      try {
        await this.consumeUntilLost(onReceipt);
      } catch (err) {
        if (this.stopped) break;
        const e = amqpError(err, `${this.link.where} queue "${this.opts.queue}"`);
        if (this.backoff.failureCount % 20 === 0) {
          this.log.warn(
            {
              source: this.name,
              code: e.code,
              err: e.details[0]?.en,
              failures: this.backoff.failureCount + 1,
            },
            'AMQP receipt queue unavailable, will retry / AMQP 回执队列不可用，稍后重试',
          );
        }
      }
      if (this.stopped) break;
      await this.sleep(this.backoff.next());
    }
  }

  /** Opens a channel, consumes, and resolves when the channel or connection is lost. */
  private async consumeUntilLost(
    onReceipt: (receipt: InboundReceipt) => Promise<void>,
  ): Promise<void> {
    const conn = await this.link.connection();
    const ch = await conn.createChannel();
    const lost = new Promise<void>((resolve) => {
      ch.on('close', resolve);
      ch.on('error', () => undefined); // 'close' follows
    });
    this.channel = ch;
    await ch.prefetch(this.opts.prefetch);
    await ch.checkQueue(this.opts.queue);
    const { consumerTag } = await ch.consume(
      this.opts.queue,
      (msg) => {
        if (!msg) {
          // The broker cancelled the consumer (queue deleted): start over.
          void ch.close().catch(() => undefined);
          return;
        }
        const task = this.handle(ch, msg, onReceipt);
        this.inFlight.add(task);
        void task.finally(() => this.inFlight.delete(task));
      },
      { noAck: false },
    );
    this.consumerTag = consumerTag;
    if (this.backoff.failureCount > 0)
      this.log.info(
        { source: this.name },
        'AMQP receipt queue reachable again / AMQP 回执队列已恢复',
      );
    this.backoff.reset();
    await lost;
    this.channel = undefined;
    this.consumerTag = undefined;
    if (!this.stopped) throw new Error('channel closed');
  }

  private async handle(
    ch: Channel,
    msg: ConsumeMessage,
    onReceipt: (receipt: InboundReceipt) => Promise<void>,
  ): Promise<void> {
    try {
      await onReceipt({ source: this.name, fileName: receiptFileName(msg), bytes: msg.content });
    } catch (err) {
      this.log.warn(
        { source: this.name, err },
        'receipt not stored, returned to the queue / 回执未能保存，已退回队列',
      );
      // A failing store (Redis down) should not spin on the same delivery.
      await new Promise((resolve) => setTimeout(resolve, this.stopped ? 0 : 1000).unref());
      try {
        ch.nack(msg, false, true);
      } catch {
        // Channel gone: the broker requeues it anyway.
      }
      return;
    }
    try {
      ch.ack(msg);
    } catch {
      // Channel gone after the receipt was stored: it is redelivered and deduplicated by content hash.
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      t.unref();
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}
