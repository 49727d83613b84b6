import { posix } from 'node:path';
import { GatewayError } from '../core/errors.js';
import { SftpSession, type SftpEndpoint } from '../core/sftp-connection.js';
import type { DeliveryAck, OutboundMessage, Transport } from './transport.js';

/** Where and how to deliver signed messages by SFTP (e.g. to an E-Port relay client's upload dir). */
export interface SftpTransportOptions extends SftpEndpoint {
  /** Transport name as config calls it. */
  readonly name: string;
  /** Remote directory the far side watches; must exist. */
  readonly remoteDir: string;
}

/** Keeps only what is safe in one remote file name: no directories, controls or leading dots. */
function safePart(text: string): string {
  return text.replace(/[/\\\u0000-\u001f\u007f]/g, '_').replace(/^[.\s]+/, '');
}

/**
 * The remote name of a message: its file name with the business key added, so a resend of the
 * same declaration lands on the same name (overwrites) instead of making customs see two files.
 */
export function remoteFileName(message: Pick<OutboundMessage, 'fileName' | 'businessKey'>): string {
  const base = safePart(posix.basename(message.fileName.replace(/\\/g, '/'))) || 'message.xml';
  const key = safePart(message.businessKey).replace(/[^\p{L}\p{N}_-]/gu, '_');
  if (!key || base.includes(key)) return base;
  const ext = posix.extname(base);
  return `${base.slice(0, base.length - ext.length)}_${key}${ext}`;
}

/**
 * Delivers by SFTP: writes `.<name>.part`, then renames it onto `<name>`, so the far side never
 * picks up half a file. The rename is `posix-rename@openssh.com` because plain SFTP v3 rename
 * refuses to replace an existing file (a resend); servers without the extension get delete +
 * rename. One connection is kept between sends and re-opened after a failure, at most once per
 * send: the queue owns retries.
 */
export class SftpTransport implements Transport {
  readonly name: string;
  private readonly session: SftpSession;
  private posixRename = true;

  constructor(private readonly opts: SftpTransportOptions) {
    this.name = opts.name;
    this.session = new SftpSession(opts);
  }

  async send(
    message: OutboundMessage,
    options: { idempotencyKey: string; signal?: AbortSignal },
  ): Promise<DeliveryAck> {
    if (options.signal?.aborted) {
      throw new GatewayError('GW_ERR_DELIVER_TIMEOUT', {
        where: this.name,
        zh: '发送前已取消',
        en: 'aborted before sending',
      });
    }
    const name = remoteFileName(message);
    const target = posix.join(this.opts.remoteDir, name);
    const part = posix.join(this.opts.remoteDir, `.${name}.part`);
    await this.session.run(
      `${this.session.label}${target}`,
      async (client) => {
        await client.put(message.bytes, part);
        await this.replace(client, part, target);
      },
      options.signal,
    );
    return { reference: `sftp://${this.opts.host}:${this.opts.port}${target}` };
  }

  private async replace(
    client: {
      posixRename(a: string, b: string): Promise<string>;
      rename(a: string, b: string): Promise<string>;
      delete(p: string, notFoundOk?: boolean): Promise<string>;
    },
    part: string,
    target: string,
  ): Promise<void> {
    if (this.posixRename) {
      try {
        await client.posixRename(part, target);
        return;
      } catch (err) {
        // Only "extension not supported" switches to the fallback; other errors are real.
        if (
          !/not support|unsupported|extended request|extension/i.test(
            String((err as Error).message),
          )
        )
          throw err;
        this.posixRename = false;
      }
    }
    // Not atomic: a reader can see no file for a moment, but never a partial one.
    await client.delete(target, true);
    await client.rename(part, target);
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
