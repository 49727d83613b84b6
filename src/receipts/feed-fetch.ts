import { request, type Dispatcher } from 'undici';
import { GatewayError } from '../core/errors.js';

/** How much one poll of a receipt feed may read, and for how long in total. */
export interface FeedBounds {
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

export const DEFAULT_FEED_BOUNDS: FeedBounds = { maxBytes: 16 * 1024 * 1024, timeoutMs: 30_000 };

function tooLarge(url: URL, bounds: FeedBounds): GatewayError {
  return new GatewayError('GW_ERR_FEED_TOO_LARGE', {
    where: url.origin + url.pathname,
    zh: `应答超过 ${bounds.maxBytes} 字节`,
    en: `the answer is larger than ${bounds.maxBytes} bytes`,
    fixZh: '让回执源分页返回更少的回执，或调高该回执源的 maxBytes',
    fixEn: 'make the feed return fewer receipts per page, or raise maxBytes of this receipt source',
  });
}

/**
 * GETs one page of a receipt feed as text, reading at most `maxBytes` and taking at most
 * `timeoutMs` from connect to the last byte: a server that trickles one byte every few seconds
 * never resets a per-chunk timer into an endless poll.
 */
export async function fetchFeedText(
  url: URL,
  bounds: FeedBounds = DEFAULT_FEED_BOUNDS,
  dispatcher?: Dispatcher,
  /** Turns a connection error into a clearer one (TLS, client certificate refused). */
  mapError: (err: unknown) => Promise<unknown> = async (err) => err,
): Promise<string> {
  const signal = AbortSignal.timeout(bounds.timeoutMs);
  try {
    const res = await request(url, {
      method: 'GET',
      signal,
      ...(dispatcher ? { dispatcher } : {}),
    }).catch(async (err: unknown) => {
      throw signal.aborted ? err : await mapError(err);
    });
    if (res.statusCode !== 200) {
      res.body.destroy();
      throw new Error(`receipt feed answered HTTP ${res.statusCode}`);
    }
    const declared = Number(res.headers['content-length'] ?? 0);
    if (declared > bounds.maxBytes) {
      res.body.destroy();
      throw tooLarge(url, bounds);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > bounds.maxBytes) {
        res.body.destroy();
        throw tooLarge(url, bounds);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    if (!signal.aborted || (err instanceof GatewayError && err.code === 'GW_ERR_FEED_TOO_LARGE'))
      throw err;
    throw new GatewayError(
      'GW_ERR_FEED_TIMEOUT',
      {
        where: url.origin + url.pathname,
        zh: `${bounds.timeoutMs} ms 内未收完应答`,
        en: `the answer was not complete within ${bounds.timeoutMs} ms`,
        fixZh: '检查回执源服务器与网络；必要时调高该回执源的 timeoutMs',
        fixEn:
          'check the feed server and the network; raise timeoutMs of this receipt source if needed',
      },
      { cause: err },
    );
  }
}
