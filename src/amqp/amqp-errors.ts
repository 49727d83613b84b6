/**
 * Maps what amqplib throws to the error catalogue. amqplib reports a refused login as a handshake
 * closed by the server (403 ACCESS_REFUSED, or 530 NOT_ALLOWED for a vhost), and a channel closed
 * by the broker with the AMQP reply code in `code` (404 NOT_FOUND, 403 ACCESS_REFUSED).
 */
import { GatewayError, type ErrorCode } from '../core/errors.js';

/** What the broker or the socket said, in one line. */
function describe(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' && !message.includes(e.code)
    ? `${e.code} ${message}`
    : message;
}

function codeOf(err: unknown): ErrorCode {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : '';
  if (/Handshake terminated by server: 403|ACCESS[-_]REFUSED - Login/i.test(message))
    return 'GW_ERR_AMQP_AUTH';
  // A refused vhost: 530 NOT_ALLOWED, which amqplib reports as a close instead of the open-ok.
  if (/\b530\b|NOT[-_]ALLOWED|Expected ConnectionOpenOk; got <ConnectionClose/i.test(message))
    return 'GW_ERR_AMQP_AUTH';
  if (e?.code === 404 || /\b404 \(NOT[-_]FOUND\)/.test(message)) return 'GW_ERR_AMQP_NOT_FOUND';
  if (e?.code === 403 || /\b403 \(ACCESS[-_]REFUSED\)/.test(message)) return 'GW_ERR_AMQP_ACCESS';
  if (message === 'message nacked') return 'GW_ERR_AMQP_NACK';
  return 'GW_ERR_AMQP_CONNECT';
}

const FIX: Partial<Record<ErrorCode, { zh: string; en: string }>> = {
  GW_ERR_AMQP_AUTH: {
    zh: '检查 AMQP 地址中的用户名、密码和 vhost（及该用户对 vhost 的权限）',
    en: "check the user, password and vhost in the AMQP URL (and the user's access to that vhost)",
  },
  GW_ERR_AMQP_ACCESS: {
    zh: '在 RabbitMQ 中为该用户授予 configure/write/read 权限',
    en: 'grant the user configure/write/read permissions in RabbitMQ',
  },
  GW_ERR_AMQP_NOT_FOUND: {
    zh: '先声明交换机或队列（或检查名称拼写）',
    en: 'declare the exchange or queue first (or check the name)',
  },
};

/** A GatewayError for an amqplib failure at `where` (a URL without credentials, or a name). */
export function amqpError(err: unknown, where: string): GatewayError {
  if (err instanceof GatewayError) return err;
  const code = codeOf(err);
  const text = describe(err);
  const fix = FIX[code];
  return new GatewayError(
    code,
    { where, zh: text, en: text, ...(fix ? { fixZh: fix.zh, fixEn: fix.en } : {}) },
    { cause: err },
  );
}

/** `amqp://user:secret@host:5672/vh` → `amqp://host:5672/vh`: safe for logs and errors. */
export function redactAmqpUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'amqp://(invalid URL)';
  }
}
