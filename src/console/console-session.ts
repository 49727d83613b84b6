import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ApiScope } from '../gateway/http-auth.js';

/** How long a console login lasts without being used. */
export const SESSION_IDLE_SECONDS = 8 * 3600;

export const SESSION_COOKIE = 'eport_console';
export const LANG_COOKIE = 'eport_lang';

/** A logged-in console user: the token's name and scopes, and the secret its forms carry. */
export interface ConsoleSession {
  readonly name: string;
  readonly scopes: ReadonlySet<ApiScope>;
  /** Sent back with every form, so another site cannot make the browser act. */
  readonly csrf: string;
}

/** The cookies of a request, by name (first one wins). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (!name || name in out) continue;
    try {
      out[name] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // a cookie that is not ours (bad escape): ignored
    }
  }
  return out;
}

/** A Set-Cookie value: HttpOnly, SameSite=Strict, the whole site; Secure when served over TLS. */
export function cookie(
  name: string,
  value: string,
  opts: { maxAgeSeconds?: number; secure: boolean },
): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    ...(opts.maxAgeSeconds !== undefined ? [`Max-Age=${opts.maxAgeSeconds}`] : []),
    ...(opts.secure ? ['Secure'] : []),
  ].join('; ');
}

/** Constant-time comparison of two secrets of any length. */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}

/**
 * Console logins in Redis, so that every gateway node behind a balancer knows them. The cookie
 * holds a random id; Redis holds only its hash (a copy of Redis gives no one a login), with the
 * token's name and scopes, never the token. A login expires after SESSION_IDLE_SECONDS unused.
 */
export class ConsoleSessions {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return `${this.prefix}:console:session:${createHash('sha256').update(id).digest('hex')}`;
  }

  /** Starts a session; returns the id for the cookie. */
  async create(name: string, scopes: Iterable<ApiScope>): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const key = this.key(id);
    await this.redis
      .multi()
      .hset(
        key,
        'name',
        name,
        'scopes',
        [...scopes].join(','),
        'csrf',
        randomBytes(24).toString('base64url'),
      )
      .expire(key, SESSION_IDLE_SECONDS)
      .exec();
    return id;
  }

  /** The session of a cookie value, renewed; undefined when unknown or expired. */
  async get(id: string | undefined): Promise<ConsoleSession | undefined> {
    if (!id || id.length > 100) return undefined;
    const key = this.key(id);
    const h = await this.redis.hgetall(key);
    if (!h.name || !h.csrf) return undefined;
    await this.redis.expire(key, SESSION_IDLE_SECONDS);
    return {
      name: h.name,
      scopes: new Set((h.scopes ?? '').split(',').filter(Boolean) as ApiScope[]),
      csrf: h.csrf,
    };
  }

  async delete(id: string | undefined): Promise<void> {
    if (id && id.length <= 100) await this.redis.del(this.key(id));
  }

  /** A one-time notice for the next page the session sees (the outcome of an action). */
  async flash(id: string, text: string, kind: 'ok' | 'error'): Promise<void> {
    await this.redis.hset(this.key(id), 'flash', JSON.stringify({ text, kind }));
  }

  async takeFlash(id: string): Promise<{ text: string; kind: 'ok' | 'error' } | undefined> {
    const key = this.key(id);
    const [[, v]] = (await this.redis.multi().hget(key, 'flash').hdel(key, 'flash').exec()) as [
      [null, string | null],
      unknown,
    ];
    return v ? (JSON.parse(v) as { text: string; kind: 'ok' | 'error' }) : undefined;
  }
}
