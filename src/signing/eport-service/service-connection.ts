/**
 * One websocket connection to the E-Port client control, kept open: reconnects with exponential
 * backoff when it drops, and runs calls strictly one at a time with a per-call timeout.
 *
 * One at a time is a property of the card, not just of this client: when a call times out, the
 * card may still be busy with it, so the lane stays held until the late reply arrives or a drain
 * window passes. Only then is the next request sent — or, if the control never answers, the
 * connection is dropped and re-opened, which is how peers recover a control that hangs.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { Logger } from '../../core/logger.js';
import {
  answers,
  decodeFrame,
  describeRequest,
  encodeRequest,
  type EportReply,
  type EportRequest,
} from './protocol.js';
import { SerialLane } from '../../core/serial-lane.js';
import { replyError, timeoutError, unavailableError } from './service-errors.js';

/** The log methods the E-Port service client uses (a pino Logger fits). */
export type EportServiceLog = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface ServiceConnectionOptions {
  readonly url: string;
  readonly log: EportServiceLog;
  /** Reconnect delay: starts at initialMs (default 250), doubles per failed attempt up to maxMs (default 15 000). */
  readonly reconnect?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Websocket opening handshake limit (default 5 000 ms). */
  readonly connectTimeoutMs?: number;
  /** How long to wait for the control's `open` greeting before sending anyway (default 1 000 ms). */
  readonly greetingMs?: number;
  /** Texts to scrub from error messages (the PIN), read at the time of the error. */
  readonly secrets?: () => readonly string[];
}

export interface CallOptions {
  /** Limit for this call once its turn has come: waiting for the connection plus waiting for the reply. */
  readonly timeoutMs: number;
  /** After a timeout, how long the lane stays held for the late reply; default timeoutMs. */
  readonly drainMs?: number;
  readonly signal?: AbortSignal;
  /** Runs when the call's turn has come, right before sending; throw to cancel the call unsent. */
  readonly beforeSend?: () => void;
}

interface Pending {
  readonly request: EportRequest;
  readonly resolve: (reply: EportReply) => void;
  readonly reject: (err: Error) => void;
}

type ConnectionEvents = { up: []; down: [reason: string] };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** The reason an AbortSignal carries, as an Error. */
function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error
    ? reason
    : new DOMException('The operation was aborted', 'AbortError');
}

/** See the module comment. Emits `up` when a connection is ready and `down` (with a reason) when one fails or drops. */
export class ServiceConnection extends EventEmitter<ConnectionEvents> {
  private readonly lane = new SerialLane();
  private readonly url: string;
  private readonly log: EportServiceLog;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly connectTimeoutMs: number;
  private readonly greetingMs: number;
  private readonly secrets: () => readonly string[];
  private ws: WebSocket | undefined;
  private up = false;
  private closed = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private lastProblem = 'not connected yet';
  private outageLogged = false;
  private nextId = 1;
  private pending: Pending | undefined;
  private readonly upWaiters = new Set<() => void>();

  constructor(options: ServiceConnectionOptions) {
    super();
    this.url = options.url;
    this.log = options.log;
    this.initialMs = options.reconnect?.initialMs ?? 250;
    this.maxMs = options.reconnect?.maxMs ?? 15_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.greetingMs = options.greetingMs ?? 1_000;
    this.secrets = options.secrets ?? (() => []);
  }

  /** True while a connection is open and greeted. */
  get isUp(): boolean {
    return this.up;
  }

  /** Calls queued or running. */
  get queued(): number {
    return this.lane.size;
  }

  /** Opens the first connection; later ones follow automatically. */
  start(): void {
    if (!this.ws && !this.reconnectTimer && !this.closed) this.connect();
  }

  /**
   * Sends one request when its turn comes and resolves with the reply (successful or not: the
   * caller interprets Result/Error). Rejects with GW_ERR_SIGN_SERVICE_UNAVAILABLE (not connected
   * in time, or dropped), GW_ERR_SIGN_TIMEOUT, GW_ERR_SIGN_SERVICE_REPLY (malformed reply), the
   * signal's reason, or whatever `beforeSend` throws.
   */
  call(method: string, args: Record<string, unknown>, options: CallOptions): Promise<EportReply> {
    return new Promise<EportReply>((resolve, reject) => {
      void this.lane.run(() => this.exchange(method, args, options, resolve, reject));
    });
  }

  /** Drops the current connection (a reconnect follows). */
  dropConnection(reason: string): void {
    if (!this.ws) return;
    this.log.warn(
      { url: this.url, reason },
      '断开并重连电子口岸客户端控件 / dropping the E-Port control connection to reconnect',
    );
    this.lastProblem = reason;
    // Not up from now on, so queued calls wait for the new connection instead of writing to a
    // socket that is closing ('close' is emitted a tick later).
    this.up = false;
    this.ws.terminate();
  }

  /** Stops reconnecting, fails what is pending, closes the socket. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    for (const wake of this.upWaiters) wake();
    const ws = this.ws;
    this.failPending('the signer is closed');
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      const closedEvent = new Promise<void>((r) => ws.once('close', () => r()));
      ws.terminate();
      await Promise.race([closedEvent, sleep(1_000)]);
    }
  }

  private async exchange(
    method: string,
    args: Record<string, unknown>,
    options: CallOptions,
    resolve: (reply: EportReply) => void,
    reject: (err: Error) => void,
  ): Promise<void> {
    const turn = Date.now();
    try {
      options.signal?.throwIfAborted();
      await this.waitUp(options.timeoutMs, options.signal);
      options.beforeSend?.();
    } catch (err) {
      reject(err as Error);
      return;
    }
    const request: EportRequest = { _method: method, _id: this.nextId++, args };
    const answer = this.send(request);
    const left = Math.max(1, options.timeoutMs - (Date.now() - turn));
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const outcome = await new Promise<'answered' | 'timeout' | 'aborted'>((done) => {
      answer.then(
        (reply) => {
          resolve(reply);
          done('answered');
        },
        (err: Error) => {
          reject(err);
          done('answered');
        },
      );
      timer = setTimeout(() => done('timeout'), left);
      onAbort = () => done('aborted');
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    if (outcome === 'answered') return;

    reject(
      outcome === 'timeout'
        ? timeoutError(this.url, method, options.timeoutMs)
        : abortError(options.signal),
    );
    // The card may still be working on this request: keep the lane until it answers (the reply is
    // then discarded) so the next request never overlaps it on the card.
    const drainMs = options.drainMs ?? options.timeoutMs;
    const drained = await Promise.race([
      answer.then(
        () => true,
        () => true,
      ),
      sleep(drainMs).then(() => false),
    ]);
    if (!drained)
      this.dropConnection(`no reply to ${method} #${request._id} within ${Date.now() - turn} ms`);
  }

  /** Registers the request as the one in flight and writes it; the promise settles with its reply. */
  private send(request: EportRequest): Promise<EportReply> {
    return new Promise<EportReply>((resolve, reject) => {
      const ws = this.ws;
      if (!ws || !this.up || ws.readyState !== WebSocket.OPEN) {
        reject(unavailableError(this.url, this.lastProblem));
        return;
      }
      this.pending = { request, resolve, reject };
      this.log.debug(
        { url: this.url, request: describeRequest(request) },
        'E-Port control request',
      );
      ws.send(encodeRequest(request), (err) => {
        if (err && this.pending?.request === request) {
          this.pending = undefined;
          reject(unavailableError(this.url, `send failed: ${err.message}`));
        }
      });
    });
  }

  private onText(text: string): void {
    const frame = decodeFrame(text);
    if (frame.kind === 'open') {
      this.markUp();
      return;
    }
    const pending = this.pending;
    if (frame.kind === 'malformed') {
      // One request at a time, so a frame we cannot read can only be the answer to the one in flight.
      if (pending) {
        this.pending = undefined;
        pending.reject(
          replyError(
            this.url,
            pending.request._method,
            frame.reason,
            frame.excerpt,
            this.secrets(),
          ),
        );
      } else {
        this.log.warn(
          { url: this.url, reason: frame.reason },
          '电子口岸客户端控件发来无法识别的消息 / unreadable message from the E-Port control',
        );
      }
      return;
    }
    if (pending && answers(frame.reply, pending.request)) {
      this.pending = undefined;
      pending.resolve(frame.reply);
      return;
    }
    // A reply to a request that already timed out and was given up on, or to someone else.
    this.log.debug(
      { url: this.url, id: frame.reply.id, method: frame.reply.method },
      'E-Port control reply matches no request; ignored',
    );
  }

  private connect(): void {
    this.reconnectTimer = undefined;
    if (this.closed) return;
    const ws = new WebSocket(this.url, {
      handshakeTimeout: this.connectTimeoutMs,
      perMessageDeflate: false,
    });
    this.ws = ws;
    let greetingTimer: NodeJS.Timeout | undefined;
    ws.on('open', () => {
      // The control greets with {"_method":"open"}; proceed anyway if it does not.
      greetingTimer = setTimeout(() => this.markUp(), this.greetingMs);
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.onText('<binary frame>');
        return;
      }
      if (!this.up) this.markUp();
      this.onText(
        Buffer.isBuffer(data)
          ? data.toString('utf8')
          : Buffer.concat(data as Buffer[]).toString('utf8'),
      );
    });
    ws.on('error', (err) => {
      this.lastProblem = err.message;
    });
    ws.on('close', (code) => {
      clearTimeout(greetingTimer);
      if (this.ws !== ws) return;
      this.ws = undefined;
      const wasUp = this.up;
      this.up = false;
      const reason = wasUp ? `connection closed (code ${code})` : this.lastProblem;
      this.lastProblem = reason;
      this.failPending(reason);
      if (this.closed) return;
      if (!this.outageLogged) {
        this.log.warn(
          { url: this.url, reason },
          '电子口岸客户端控件连接中断，将自动重连 / E-Port control connection lost, reconnecting',
        );
        this.outageLogged = true;
      }
      this.emit('down', reason);
      this.scheduleReconnect();
    });
  }

  private markUp(): void {
    if (this.up || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    this.up = true;
    this.attempt = 0;
    if (this.outageLogged)
      this.log.info(
        { url: this.url },
        '已重新连接电子口岸客户端控件 / reconnected to the E-Port control',
      );
    this.outageLogged = false;
    for (const wake of this.upWaiters) wake();
    this.emit('up');
  }

  private scheduleReconnect(): void {
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
    this.reconnectTimer.unref();
  }

  private failPending(reason: string): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(unavailableError(this.url, reason));
  }

  /** Resolves when the connection is up; rejects with GW_ERR_SIGN_SERVICE_UNAVAILABLE after timeoutMs. */
  private waitUp(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.closed) return Promise.reject(unavailableError(this.url, 'the signer is closed'));
    if (this.up) return Promise.resolve();
    this.start();
    return new Promise<void>((resolve, reject) => {
      const finish = (err?: Error) => {
        clearTimeout(timer);
        this.upWaiters.delete(wake);
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const wake = () =>
        finish(this.closed ? unavailableError(this.url, 'the signer is closed') : undefined);
      const onAbort = () => finish(abortError(signal));
      const timer = setTimeout(
        () => finish(unavailableError(this.url, `${this.lastProblem} (waited ${timeoutMs} ms)`)),
        timeoutMs,
      );
      this.upWaiters.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
