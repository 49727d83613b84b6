/**
 * The sandbox's AMQP surface: the same CustomsDesk as over HTTP, reached through RabbitMQ.
 * Submissions are consumed from a queue; the answer the HTTP route gives synchronously (the
 * `DecImportResponse`) and the business receipts of the feed are published to a receipts queue.
 * Names (prefix default `eport.sandbox`), all durable:
 *
 *   exchange `<prefix>` (direct)
 *     routing key `submit`  -> queue `<prefix>.submissions`  (the gateway publishes here)
 *     routing key `receipt` -> queue `<prefix>.receipts`     (the gateway consumes from here)
 *
 * A submission is acknowledged only once its answer is confirmed by the broker; an injected fault
 * (the HTTP 503) sends the submission back to the queue, so it is tried again.
 */
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { AmqpLink } from '../amqp/amqp-link.js';
import { Backoff } from '../amqp/backoff.js';
import type { Logger } from '../core/logger.js';
import type { CustomsDesk } from './desk.js';
import { buildDecImportResponse } from './receipts.js';

export interface SandboxAmqpOptions {
  /** amqp://user:password@host:port/vhost */
  readonly url: string;
  /** Stem of the exchange and queue names; default `eport.sandbox`. */
  readonly prefix?: string;
}

export interface SandboxAmqpNames {
  readonly exchange: string;
  readonly submitKey: string;
  readonly submissions: string;
  readonly receiptKey: string;
  readonly receipts: string;
}

export function sandboxAmqpNames(prefix = 'eport.sandbox'): SandboxAmqpNames {
  return {
    exchange: prefix,
    submitKey: 'submit',
    submissions: `${prefix}.submissions`,
    receiptKey: 'receipt',
    receipts: `${prefix}.receipts`,
  };
}

/** How often the business-receipt feed is checked for receipts to publish. */
const PUMP_MS = 25;

export class AmqpDesk {
  readonly names: SandboxAmqpNames;
  private readonly link: AmqpLink;
  private readonly backoff = new Backoff(200, 5000);
  private ch: ConfirmChannel | undefined;
  private cursor = 0;
  private pumping = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly desk: CustomsDesk,
    options: SandboxAmqpOptions,
    private readonly logger?: Logger,
  ) {
    this.names = sandboxAmqpNames(options.prefix);
    this.link = new AmqpLink({
      url: options.url,
      label: 'eport customs sandbox',
      connectTimeoutMs: 10_000,
      backoff: new Backoff(0, 0),
    });
  }

  /** Connects and declares the names (fails if the broker cannot be reached), then keeps reconnecting. */
  async start(): Promise<void> {
    const { lost } = await this.open();
    this.loop = this.reconnectLoop(lost);
    this.timer = setInterval(() => void this.pump(), PUMP_MS);
    this.timer.unref();
  }

  /** Stops consuming and publishing; unacknowledged submissions go back to their queue. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopped = true;
      clearInterval(this.timer);
      await this.link.close();
      await this.loop;
    })();
    return this.closing;
  }

  /** One connection and channel: declare, consume; resolves `lost` when the channel goes. */
  private async open(): Promise<{ lost: Promise<void> }> {
    const conn = await this.link.connection();
    const ch = await conn.createConfirmChannel();
    const lost = new Promise<void>((resolve) => {
      ch.on('close', () => {
        if (this.ch === ch) this.ch = undefined;
        resolve();
      });
      ch.on('error', (err: Error) =>
        this.logger?.warn({ err: err.message }, 'sandbox: AMQP channel error / AMQP 通道错误'),
      );
    });
    const n = this.names;
    await ch.assertExchange(n.exchange, 'direct', { durable: true });
    await ch.assertQueue(n.submissions, { durable: true });
    await ch.assertQueue(n.receipts, { durable: true });
    await ch.bindQueue(n.submissions, n.exchange, n.submitKey);
    await ch.bindQueue(n.receipts, n.exchange, n.receiptKey);
    await ch.prefetch(20);
    await ch.consume(n.submissions, (msg) => msg && void this.onSubmission(ch, msg), {
      noAck: false,
    });
    this.ch = ch;
    this.backoff.reset();
    this.logger?.info(
      { broker: this.link.where, ...n },
      'sandbox: consuming submissions over AMQP / 沙箱通过 AMQP 接收报文',
    );
    return { lost };
  }

  private async reconnectLoop(lost: Promise<void>): Promise<void> {
    let current = lost;
    while (!this.stopped) {
      await current;
      if (this.stopped) return;
      for (;;) {
        await new Promise((r) => setTimeout(r, this.backoff.next()).unref());
        if (this.stopped) return;
        try {
          current = (await this.open()).lost;
          break;
        } catch (err) {
          this.logger?.warn(
            { err: (err as Error).message },
            'sandbox: AMQP reconnect failed / AMQP 重连失败',
          );
        }
      }
    }
  }

  private async onSubmission(ch: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
    const props = msg.properties;
    const keyHeader = props.headers?.['x-idempotency-key'];
    const key =
      typeof keyHeader === 'string' && keyHeader.trim()
        ? keyHeader.trim()
        : typeof props.messageId === 'string'
          ? props.messageId
          : undefined;
    const outcome = this.desk.submit(msg.content, key);
    try {
      if (outcome.status === 503) {
        // The HTTP route's 503: the submission is not taken; it goes back to the queue for later.
        await new Promise((r) => setTimeout(r, 200).unref());
        ch.nack(msg, false, true);
        return;
      }
      const businessKey = typeof props.correlationId === 'string' ? props.correlationId : '';
      // The HTTP route's 400 (unreadable body) becomes an import failure the sender can correlate.
      const xml =
        outcome.status === 200
          ? outcome.xml
          : buildDecImportResponse({
              responseCode: 1,
              errorMessage: outcome.reason,
              clientSeqNo: businessKey,
              seqNo: '',
            });
      if (xml) {
        const clientSeqNo = outcome.status === 200 ? outcome.clientSeqNo : businessKey;
        await this.publish(
          ch,
          `DecImportResponse_${clientSeqNo || 'unknown'}.xml`,
          Buffer.from(xml, 'utf8'),
          props.messageId,
        );
      }
      ch.ack(msg);
    } catch (err) {
      // Channel lost: the submission is redelivered and the desk answers it again (same answer).
      this.logger?.warn(
        { err: (err as Error).message },
        'sandbox: answer not published, submission stays queued / 回执未发出，报文留在队列',
      );
    }
  }

  /** Publishes the feed's new business receipts; the cursor moves only past confirmed ones. */
  private async pump(): Promise<void> {
    const ch = this.ch;
    if (this.pumping || !ch) return;
    this.pumping = true;
    try {
      for (;;) {
        const page = this.desk.receipts(this.cursor, 100);
        if (page.receipts.length === 0) return;
        await Promise.all(
          page.receipts.map((r) => this.publish(ch, r.fileName, Buffer.from(r.content, 'base64'))),
        );
        this.cursor = page.next;
      }
    } catch (err) {
      this.logger?.warn(
        { err: (err as Error).message },
        'sandbox: receipts not published yet, will retry / 业务回执暂未发出，稍后重试',
      );
    } finally {
      this.pumping = false;
    }
  }

  private publish(
    ch: ConfirmChannel,
    fileName: string,
    bytes: Buffer,
    inReplyTo?: unknown,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        ch.publish(
          this.names.exchange,
          this.names.receiptKey,
          bytes,
          {
            persistent: true,
            mandatory: true,
            contentType: 'application/xml',
            appId: 'eport-sandbox',
            messageId: fileName,
            ...(typeof inReplyTo === 'string' ? { correlationId: inReplyTo } : {}),
            headers: { 'x-file-name': encodeURIComponent(fileName) },
          },
          (err: unknown) =>
            err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(),
        );
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }
}
