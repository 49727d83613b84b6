import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { GatewayError, isGatewayError } from './errors.js';
import { fitName } from './fit-name.js';

/**
 * What every SFTP adapter (customs transport, enterprise inbox, receipt pick-up) needs to reach
 * one server. Key-based login only: passwords would have to live in config.
 */
export interface SftpEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** Private key as text (OpenSSH or PEM), read by the caller from a file or environment. */
  readonly privateKey: string;
  /** Passphrase of the private key, if it has one. */
  readonly passphrase?: string | undefined;
  /**
   * SHA-256 fingerprint of the server's host key as `ssh-keygen -l` prints it (`SHA256:base64`).
   * When set, any other host key is refused before the key is offered.
   */
  readonly knownHostKey?: string | undefined;
  /** Bound on the handshake and on each remote operation; default 15 s. */
  readonly timeoutMs?: number | undefined;
}

/** The SHA-256 fingerprint of a raw SSH public key blob, in `ssh-keygen -l -E sha256` form. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function normalizeFingerprint(fp: string): string {
  const body = fp
    .trim()
    .replace(/^SHA256:/i, '')
    .replace(/=+$/, '');
  return `SHA256:${body}`;
}

/** Codes the SFTP protocol (v3) uses for "no such file" and "permission denied". */
const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;

/** True when the remote side said the path does not exist (e.g. another node took the file first). */
export function isNoSuchFile(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (isGatewayError(err)) return isNoSuchFile(err.cause);
  return (
    e?.code === SFTP_NO_SUCH_FILE ||
    e?.code === 'ENOENT' ||
    /no such file/i.test(String(e?.message ?? ''))
  );
}

/** True when the remote side refused the operation for permissions (or an immutable file). */
export function isPermissionDenied(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (isGatewayError(err)) return isPermissionDenied(err.cause);
  return (
    e?.code === SFTP_PERMISSION_DENIED ||
    e?.code === 'EACCES' ||
    e?.code === 'EPERM' ||
    /permission denied/i.test(String(e?.message ?? ''))
  );
}

/** True for a lost or refused connection: nothing to do with the file at hand. */
export function isConnectionLost(err: unknown): boolean {
  return isGatewayError(err) && err.code === 'GW_ERR_SFTP_CONNECT';
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_NOT_CONNECTED',
  'ERR_GENERIC_CLIENT',
]);

/**
 * Maps whatever ssh2 / ssh2-sftp-client threw onto the error catalogue. The class decides what
 * the queue does: a refused login or a foreign host key will not heal by retrying (permanent),
 * a refused, reset or timed-out connection will (transient).
 */
export function classifySftpError(
  err: unknown,
  where: string,
  hostKeyRejected?: string,
): GatewayError {
  if (isGatewayError(err)) return err;
  const e = err as { code?: unknown; message?: unknown; level?: unknown } | undefined;
  const message = String(e?.message ?? err);
  const code = e?.code;
  const detail = (zh: string, en: string) => ({ where, zh, en: `${en}: ${message}` });
  if (hostKeyRejected !== undefined) {
    return new GatewayError(
      'GW_ERR_SFTP_HOST_KEY',
      {
        where,
        zh: `服务器主机密钥指纹为 ${hostKeyRejected}，与配置不符`,
        en: `the server presented host key ${hostKeyRejected}, not the pinned one`,
        fixZh: '向对方确认主机密钥是否更换；确认后更新 knownHostKey',
        fixEn: 'ask the server operator whether the host key changed; then update knownHostKey',
      },
      { cause: err },
    );
  }
  if (
    code === 'ERR_BAD_AUTH' ||
    e?.level === 'client-authentication' ||
    /authentication methods failed|privateKey|private key/i.test(message)
  ) {
    return new GatewayError(
      'GW_ERR_SFTP_AUTH',
      {
        ...detail('服务器不接受该用户名或私钥', 'the server does not accept this user name or key'),
        fixZh: '检查用户名、私钥，以及服务器上的 authorized_keys',
        fixEn: 'check the user name, the private key and the server authorized_keys',
      },
      { cause: err },
    );
  }
  if (code === SFTP_PERMISSION_DENIED || code === 'EACCES' || /permission denied/i.test(message)) {
    return new GatewayError(
      'GW_ERR_SFTP_PATH',
      detail('远程路径无权限', 'permission denied on the remote path'),
      { cause: err },
    );
  }
  if (code === SFTP_NO_SUCH_FILE || code === 'ENOENT' || /no such file/i.test(message)) {
    return new GatewayError(
      'GW_ERR_SFTP_PATH',
      detail('远程路径不存在', 'remote path does not exist'),
      { cause: err },
    );
  }
  if (
    (typeof code === 'string' && CONNECTION_CODES.has(code)) ||
    /timed out|timeout|refused|reset|unexpected (close|end)|no sftp connection|not connected|socket/i.test(
      message,
    )
  ) {
    return new GatewayError(
      'GW_ERR_SFTP_CONNECT',
      detail('无法连接或连接中断', 'cannot connect or connection lost'),
      { cause: err },
    );
  }
  return new GatewayError(
    'GW_ERR_SFTP_IO',
    detail('远程文件操作失败', 'remote file operation failed'),
    { cause: err },
  );
}

/**
 * One SFTP connection kept open between uses and re-opened after it broke. Each `run` makes at
 * most one connection attempt, so the caller's retry policy (the queue's) stays in charge.
 */
export class SftpSession {
  private client: SftpClient | undefined;
  private connecting: Promise<SftpClient> | undefined;
  private closed = false;
  readonly timeoutMs: number;

  constructor(
    private readonly endpoint: SftpEndpoint,
    /** For error texts: `sftp://user@host:port`. */
    readonly label = `sftp://${endpoint.username}@${endpoint.host}:${endpoint.port}`,
  ) {
    this.timeoutMs = endpoint.timeoutMs ?? 15_000;
  }

  /** Runs `fn` on the open connection (opening one if needed), bounded by `timeoutMs`. */
  async run<T>(
    where: string,
    fn: (client: SftpClient) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    if (this.closed)
      throw new GatewayError('GW_ERR_SFTP_CONNECT', {
        where,
        zh: 'SFTP 会话已关闭',
        en: 'SFTP session closed',
      });
    const client = await this.connection(where);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`operation timed out after ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      onAbort = () => reject(new Error('operation aborted (timeout) by caller'));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([fn(client), stop]);
    } catch (err) {
      const mapped = classifySftpError(err, where);
      // A connection that timed out or dropped is not trusted again; a path error leaves it usable.
      if (mapped.code === 'GW_ERR_SFTP_CONNECT' || mapped.code === 'GW_ERR_SFTP_IO')
        this.drop(client);
      throw mapped;
    } finally {
      if (timer) clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  private connection(where: string): Promise<SftpClient> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open(where).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(where: string): Promise<SftpClient> {
    let rejectedKey: string | undefined;
    const pin = this.endpoint.knownHostKey
      ? normalizeFingerprint(this.endpoint.knownHostKey)
      : undefined;
    const forget = (): void => {
      if (this.client === client) this.client = undefined;
    };
    // Own listeners: the library's defaults print to the console, and a dead connection must be forgotten.
    const client: SftpClient = new SftpClient(this.label, {
      error: forget,
      end: forget,
      close: forget,
    });
    try {
      await client.connect({
        host: this.endpoint.host,
        port: this.endpoint.port,
        username: this.endpoint.username,
        privateKey: this.endpoint.privateKey,
        ...(this.endpoint.passphrase ? { passphrase: this.endpoint.passphrase } : {}),
        readyTimeout: this.timeoutMs,
        keepaliveInterval: 30_000,
        hostVerifier: (key: Buffer): boolean => {
          if (!pin) return true;
          const got = hostKeyFingerprint(key);
          if (got === pin) return true;
          rejectedKey = got;
          return false;
        },
      });
    } catch (err) {
      await client.end().catch(() => {});
      throw classifySftpError(err, where, rejectedKey);
    }
    if (this.closed) {
      await client.end().catch(() => {});
      throw new GatewayError('GW_ERR_SFTP_CONNECT', {
        where,
        zh: 'SFTP 会话已关闭',
        en: 'SFTP session closed',
      });
    }
    this.client = client;
    return client;
  }

  private drop(client: SftpClient): void {
    if (this.client === client) this.client = undefined;
    void client.end().catch(() => {});
  }

  /** Ends the connection; later `run` calls fail. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = this.connecting;
    if (pending) await pending.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => {});
  }
}

/**
 * Moves a remote file into `dir` under `name`, or `name.1.ext`, `name.2.ext`... when taken: never
 * overwrites. Plain SFTP v3 rename refuses an existing target, which is exactly the "taken" signal.
 */
export async function moveRemoteUnique(
  session: SftpSession,
  src: string,
  dir: string,
  name: string,
): Promise<string> {
  const ext = posix.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 0; n < 1000; n++) {
    const target = posix.join(dir, fitName(stem, n === 0 ? '' : `.${n}`, ext));
    try {
      await session.run(`${session.label}${src}`, (c) => c.rename(src, target));
      return target;
    } catch (err) {
      const taken = await session.run(`${session.label}${target}`, (c) => c.exists(target));
      if (!taken) throw err;
    }
  }
  throw new GatewayError('GW_ERR_SFTP_IO', {
    where: src,
    zh: `${dir} 中没有可用的文件名`,
    en: `no free name for ${name} in ${dir}`,
  });
}
