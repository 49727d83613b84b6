/**
 * Publishes signed messages to a RabbitMQ exchange with publisher confirms. The message goes out
 * as the deliver stage hands it over: a `DxpMsg` when the channel's `envelope` is `dxp`, the bare
 * signed message otherwise. Persistent delivery, `mandatory` so that a message no queue takes comes
 * back instead of vanishing. The AMQP `message-id` is the idempotency key (stable across resends, so
 * the consumer can drop a second copy) and `correlation-id` the business key.
 */
import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import { amqpError } from '../amqp/amqp-errors.js';
import { AmqpLink } from '../amqp/amqp-link.js';
import { GatewayError } from '../core/errors.js';
import type { DeliveryAck, OutboundMessage, Transport } from './transport.js';

export interface AmqpTransportOptions {
  readonly name: string;
  /** amqp://user:password@host:port/vhost */
  readonly url: string;
  /** '' = the default exchange (routing key = queue name). */
  readonly exchange: string;
  readonly routingKey: string;
  readonly mandatory: boolean;
  readonly connectTimeoutMs: number;
  /** How long to wait for the broker's confirm. */
  readonly confirmTimeoutMs: number;
}

/** Header carrying a per-publish id, to tell which publish a `basic.return` belongs to. */
const PUBLISH_ID = 'x-eport-publish-id';

/** The confirm channel with what the broker said about it. */
interface ChannelState {
  readonly ch: ConfirmChannel;
  /** Publish ids the broker returned as unroutable (a return arrives before its confirm). */
  readonly returned: Set<string>;
  /** Why the broker closed the channel, when it did (e.g. 404 for a missing exchange). */
  error?: unknown;
}

/** One publish and one confirm per call; the queue owns retries (see transport.ts). */
export class AmqpTransport implements Transport {
  readonly name: string;
  private readonly link: AmqpLink;
  private state: Promise<ChannelState> | undefined;

  constructor(private readonly opts: AmqpTransportOptions) {
    this.name = opts.name;
    this.link = new AmqpLink({
      url: opts.url,
      label: `eport-gateway transport ${opts.name}`,
      connectTimeoutMs: opts.connectTimeoutMs,
    });
    this.link.onDown(() => {
      this.state = undefined;
    });
  }

  async send(
    message: OutboundMessage,
    options: { idempotencyKey: string; signal?: AbortSignal },
  ): Promise<DeliveryAck> {
    const state = await this.channel();
    const publishId = randomUUID();
    const where = `${this.link.where} exchange "${this.opts.exchange}" key "${this.opts.routingKey}"`;
    const blocked = this.link.blocked;
    if (blocked) {
      // The broker would hold the publish until its alarm clears; let the queue retry later instead.
      throw new GatewayError('GW_ERR_AMQP_BLOCKED', {
        where,
        zh: `RabbitMQ 暂停接收（${blocked}）`,
        en: `RabbitMQ blocks publishing (${blocked})`,
      });
    }
    return new Promise<DeliveryAck>((resolve, reject) => {
      let settled = false;
      const finish = (err: GatewayError | undefined): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        state.returned.delete(publishId);
        if (err) reject(err);
        else
          resolve({
            reference: `AMQP confirmed: ${this.opts.exchange || '(default exchange)'} / ${this.opts.routingKey}`,
          });
      };
      // No confirm in time: the broker may or may not have the message; a resend carries the same
      // message-id, so the far side can tell.
      const timer = setTimeout(() => {
        finish(
          new GatewayError('GW_ERR_DELIVER_TIMEOUT', {
            where,
            zh: `${this.opts.confirmTimeoutMs} 毫秒内未收到 RabbitMQ 确认`,
            en: `no confirm from RabbitMQ within ${this.opts.confirmTimeoutMs} ms`,
          }),
        );
      }, this.opts.confirmTimeoutMs);
      const onAbort = (): void =>
        finish(
          new GatewayError('GW_ERR_DELIVER_TIMEOUT', {
            where,
            zh: '发送被取消',
            en: 'send aborted',
          }),
        );
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        state.ch.publish(
          this.opts.exchange,
          this.opts.routingKey,
          message.bytes,
          {
            persistent: true,
            mandatory: this.opts.mandatory,
            contentType: 'application/xml',
            type: message.messageType,
            messageId: options.idempotencyKey,
            correlationId: message.businessKey,
            timestamp: Math.floor(Date.now() / 1000),
            appId: 'eport-gateway',
            headers: {
              'x-idempotency-key': options.idempotencyKey,
              'x-business-key': message.businessKey,
              'x-gateway-message-id': message.messageId,
              'x-file-name': encodeURIComponent(message.fileName),
              [PUBLISH_ID]: publishId,
            },
          },
          (err: unknown) => {
            if (err) finish(this.publishError(err, state, where));
            else if (state.returned.has(publishId)) finish(this.unroutable(where));
            else finish(undefined);
          },
        );
      } catch (err) {
        // A channel that closed a moment ago throws on publish.
        this.state = undefined;
        finish(amqpError(err, where));
      }
    });
  }

  async close(): Promise<void> {
    await this.link.close();
  }

  /** The confirm channel, opening the connection and channel when needed (one attempt each). */
  private channel(): Promise<ChannelState> {
    if (!this.state) {
      const opening = this.openChannel(() => {
        if (this.state === opening) this.state = undefined;
      });
      this.state = opening;
      opening.catch(() => {
        if (this.state === opening) this.state = undefined;
      });
    }
    return this.state;
  }

  private async openChannel(onClose: () => void): Promise<ChannelState> {
    const conn = await this.link.connection();
    let ch: ConfirmChannel;
    try {
      ch = await conn.createConfirmChannel();
    } catch (err) {
      throw amqpError(err, this.link.where);
    }
    const state: ChannelState = { ch, returned: new Set() };
    ch.on('return', (msg: { properties: { headers?: Record<string, unknown> } }) => {
      const id = msg.properties.headers?.[PUBLISH_ID];
      if (typeof id === 'string') state.returned.add(id);
    });
    ch.on('error', (err: unknown) => {
      state.error = err;
    });
    ch.on('close', onClose);
    return state;
  }

  private publishError(err: unknown, state: ChannelState, where: string): GatewayError {
    // 'channel closed' says little; the reason is the close the broker sent just before.
    const cause = (err as Error)?.message === 'channel closed' && state.error ? state.error : err;
    return amqpError(cause, where);
  }

  private unroutable(where: string): GatewayError {
    return new GatewayError('GW_ERR_AMQP_UNROUTABLE', {
      where,
      zh: `交换机 “${this.opts.exchange}” 没有按路由键 “${this.opts.routingKey}” 绑定的队列`,
      en: `no queue is bound to exchange "${this.opts.exchange}" with routing key "${this.opts.routingKey}"`,
      fixZh: '在 RabbitMQ 中绑定接收队列，或改正 exchange / routingKey 配置',
      fixEn: 'bind the receiving queue in RabbitMQ, or correct exchange / routingKey in the config',
    });
  }
}
