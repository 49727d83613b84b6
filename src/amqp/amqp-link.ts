/**
 * One connection to a RabbitMQ broker, opened on demand. Each `connection()` call makes at most one
 * connection attempt, and after a failed attempt the next one waits for the backoff delay: a call
 * during that wait fails at once (transient, with `retryAfterMs`) instead of hammering the broker.
 * Callers learn about a lost connection through `onDown` and simply ask again.
 */
import { connect, type ChannelModel } from 'amqplib';
import { GatewayError } from '../core/errors.js';
import { amqpError, redactAmqpUrl } from './amqp-errors.js';
import { Backoff } from './backoff.js';

export interface AmqpLinkOptions {
  /** amqp://user:password@host:port/vhost (the password is a secret: never logged). */
  readonly url: string;
  /** Shown in the broker's connection list (`rabbitmqctl list_connections client_properties`). */
  readonly label: string;
  readonly connectTimeoutMs: number;
  readonly backoff?: Backoff;
}

export class AmqpLink {
  /** The broker address without credentials, for logs and errors. */
  readonly where: string;
  private readonly backoff: Backoff;
  private conn: ChannelModel | undefined;
  private connecting: Promise<ChannelModel> | undefined;
  private retryAt = 0;
  private closed = false;
  /** Set while the broker blocks publishers (memory or disk alarm): publishes would hang. */
  private blockedBy: string | undefined;
  private readonly downListeners = new Set<(err?: Error) => void>();

  constructor(private readonly opts: AmqpLinkOptions) {
    this.where = redactAmqpUrl(opts.url);
    this.backoff = opts.backoff ?? new Backoff();
  }

  /** The open connection, or one attempt to open it. Throws a classified GatewayError. */
  async connection(): Promise<ChannelModel> {
    if (this.closed)
      throw new GatewayError('GW_ERR_AMQP_CONNECT', {
        where: this.where,
        zh: '连接已关闭（正在停止）',
        en: 'connection closed (shutting down)',
      });
    if (this.conn) return this.conn;
    if (this.connecting) return this.connecting;
    const wait = this.retryAt - Date.now();
    if (wait > 0) {
      const s = (wait / 1000).toFixed(1);
      throw new GatewayError(
        'GW_ERR_AMQP_CONNECT',
        {
          where: this.where,
          zh: `上次连接失败，${s} 秒后再试`,
          en: `the last connection attempt failed; next attempt in ${s}s`,
        },
        { retryAfterMs: wait },
      );
    }
    this.connecting = this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Why the broker currently blocks publishing on this connection, if it does. */
  get blocked(): string | undefined {
    return this.conn ? this.blockedBy : undefined;
  }

  /** Calls `fn` whenever an open connection is lost. Returns a function that unsubscribes. */
  onDown(fn: (err?: Error) => void): () => void {
    this.downListeners.add(fn);
    return () => this.downListeners.delete(fn);
  }

  /** Closes the connection (unacknowledged deliveries go back to their queues). Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    const conn = this.conn;
    this.conn = undefined;
    if (!conn) return;
    // A connection whose socket died unnoticed would wait for the broker's close-ok forever.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      conn.close().catch(() => undefined),
      new Promise((r) => (timer = setTimeout(r, 5000))),
    ]);
    clearTimeout(timer);
  }

  private async open(): Promise<ChannelModel> {
    let conn: ChannelModel;
    try {
      conn = await connect(this.opts.url, {
        timeout: this.opts.connectTimeoutMs,
        clientProperties: { connection_name: this.opts.label },
      });
    } catch (err) {
      this.retryAt = Date.now() + this.backoff.next();
      throw amqpError(err, this.where);
    }
    // Without an 'error' listener a lost connection would crash the process; 'close' follows it.
    conn.on('error', () => undefined);
    conn.on('blocked', (reason: string) => {
      this.blockedBy = reason || 'resource alarm';
    });
    conn.on('unblocked', () => {
      this.blockedBy = undefined;
    });
    conn.on('close', (err?: Error) => {
      if (this.conn !== conn) return;
      this.conn = undefined;
      for (const fn of this.downListeners) fn(err);
    });
    if (this.closed) {
      await conn.close().catch(() => undefined);
      throw new GatewayError('GW_ERR_AMQP_CONNECT', {
        where: this.where,
        zh: '连接已关闭（正在停止）',
        en: 'connection closed (shutting down)',
      });
    }
    this.conn = conn;
    this.blockedBy = undefined;
    this.retryAt = 0;
    this.backoff.reset();
    return conn;
  }
}
