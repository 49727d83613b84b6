import { Agent, request, errors as undiciErrors } from 'undici';
import { GatewayError } from '../core/errors.js';
import {
  probeClientRejection,
  tlsConnectOptions,
  tlsError,
  type ClientTls,
} from '../core/tls-client.js';
import type { DeliveryAck, OutboundMessage, Transport } from './transport.js';

export interface HttpTransportOptions {
  readonly name: string;
  readonly url: string;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Client certificate, private CA and public-key pin for https:// URLs (mutual TLS). */
  readonly tls?: ClientTls | undefined;
}

/** Parses Retry-After (seconds or HTTP date) into milliseconds. */
export function retryAfterMs(
  value: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * POSTs the signed message to an HTTP endpoint with undici. One attempt per call: no retries here
 * (undici's own retry is not enabled), so the queue's schedule is the only retry policy.
 */
export class HttpTransport implements Transport {
  readonly name: string;
  private readonly agent: Agent;

  constructor(private readonly opts: HttpTransportOptions) {
    this.name = opts.name;
    this.agent = new Agent({
      connect: { timeout: opts.connectTimeoutMs, ...tlsConnectOptions(opts.tls) },
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      keepAliveTimeout: 10_000,
    });
  }

  async send(
    message: OutboundMessage,
    options: { idempotencyKey: string; signal?: AbortSignal },
  ): Promise<DeliveryAck> {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let res;
    try {
      res = await request(this.opts.url, {
        method: 'POST',
        dispatcher: this.agent,
        signal,
        headers: {
          ...this.opts.headers,
          'content-type': 'application/xml; charset=utf-8',
          'idempotency-key': options.idempotencyKey,
          'x-message-type': message.messageType,
          'x-file-name': encodeURIComponent(message.fileName),
        },
        body: message.bytes,
      });
    } catch (err) {
      throw await this.networkError(err);
    }
    const status = res.statusCode;
    let body = Buffer.alloc(0);
    let bodyLost: string | undefined;
    try {
      body = Buffer.from(await res.body.arrayBuffer());
    } catch (err) {
      bodyLost = err instanceof Error ? err.message : String(err);
    }
    if (status >= 200 && status < 300) {
      // Accepted: sending again could file it twice. The answer (an import response) is lost; say so.
      const warning = bodyLost
        ? `HTTP ${status}, but the response body could not be read (${bodyLost}): an import response in it is lost; the customs receipts still arrive by the receipt source / 对方已接收，但应答内容读取失败（其中的导入回执丢失）`
        : undefined;
      return {
        reference: `HTTP ${status}`,
        ...(body.length ? { receipt: body } : {}),
        ...(warning ? { warning } : {}),
      };
    }
    if (bodyLost) body = Buffer.from(`(response body could not be read: ${bodyLost})`);
    const snippet = body.toString('utf8').slice(0, 300);
    if (status === 408 || status === 429 || status >= 500) {
      const after = retryAfterMs(res.headers['retry-after']);
      throw new GatewayError(
        'GW_ERR_DELIVER_REMOTE_5XX',
        {
          where: this.opts.url,
          zh: `对方返回 HTTP ${status}`,
          en: `remote answered HTTP ${status}${snippet ? `: ${snippet}` : ''}`,
        },
        after !== undefined ? { retryAfterMs: after } : undefined,
      );
    }
    if (status === 495 || status === 496 || (status === 400 && /SSL certificate/i.test(snippet))) {
      throw new GatewayError('GW_ERR_TLS_CLIENT_REJECTED', {
        where: this.opts.url,
        zh: `对方拒绝客户端证书：HTTP ${status} ${snippet}`,
        en: `the server refused the client certificate: HTTP ${status} ${snippet}`,
        fixZh: '检查 tls.cert 与 tls.key 是否为对方登记的客户端证书、是否过期',
        fixEn:
          'check that tls.cert and tls.key are the client certificate the server has on record, and not expired',
      });
    }
    throw new GatewayError('GW_ERR_DELIVER_REJECTED', {
      where: this.opts.url,
      zh: `对方拒收：HTTP ${status} ${snippet}`,
      en: `remote rejected the message: HTTP ${status} ${snippet}`,
      fixZh: '检查传输配置（地址、认证）与报文内容',
      fixEn: 'check the transport settings (URL, authentication) and the message',
    });
  }

  private async networkError(err: unknown): Promise<GatewayError> {
    const tls = tlsError(err, this.opts.url) ?? (await this.closedAfterHandshake(err));
    if (tls) return tls;
    const e = err as { code?: string; name?: string; message?: string };
    const timedOut =
      e.name === 'TimeoutError' ||
      err instanceof undiciErrors.HeadersTimeoutError ||
      err instanceof undiciErrors.BodyTimeoutError ||
      err instanceof undiciErrors.ConnectTimeoutError;
    return new GatewayError(
      timedOut ? 'GW_ERR_DELIVER_TIMEOUT' : 'GW_ERR_DELIVER_NETWORK',
      {
        where: this.opts.url,
        zh: `${e.code ?? e.name ?? ''} ${e.message ?? ''}`.trim(),
        en: `${e.code ?? e.name ?? ''} ${e.message ?? ''}`.trim(),
      },
      { cause: err },
    );
  }

  /** A server that hangs up on an https request may be refusing the client certificate: ask it once. */
  private async closedAfterHandshake(err: unknown): Promise<GatewayError | undefined> {
    const code = (err as { code?: string }).code;
    if (!this.opts.url.startsWith('https:') || (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET'))
      return undefined;
    return probeClientRejection(this.opts.url, this.opts.tls, this.opts.connectTimeoutMs);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
