import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiScope, ResolvedHttp } from '../config/resolve-http.js';

export type { ApiScope } from '../config/resolve-http.js';

/** Every scope; a token configured without `scopes` has all of them (see the README). */
export const ALL_SCOPES: readonly ApiScope[] = [
  'upload',
  'receipts',
  'operate',
  'read-only',
  'admin',
];

/** The authenticated API client: its token's name and scopes. */
export interface ApiClient {
  readonly name: string;
  readonly scopes: ReadonlySet<ApiScope>;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiClient?: ApiClient;
  }
}

/**
 * Which scopes let a route through. `read-only` reads everything and changes nothing; `operate`
 * also reads. Receipt polling is reading, acknowledging is the `receipts` scope's alone.
 */
export const ROUTE_SCOPES = {
  upload: ['upload'],
  pollReceipts: ['receipts', 'read-only', 'operate'],
  ackReceipts: ['receipts'],
  read: ['read-only', 'operate', 'receipts', 'upload'],
  operate: ['operate'],
  /** Engineers' tools in the console (the BullMQ board): jobs can be retried, removed, cleaned there. */
  admin: ['admin'],
} as const satisfies Record<string, readonly ApiScope[]>;

/** Checks a bearer token against the configured SHA-256 hashes in constant time. */
export function tokenMatches(token: string, hashes: readonly string[]): boolean {
  return (
    findToken(
      token,
      hashes.map((sha256) => ({ name: '', sha256 })),
    ) !== undefined
  );
}

function findToken<T extends { sha256: string }>(
  token: string,
  tokens: readonly T[],
): T | undefined {
  const h = createHash('sha256').update(token).digest();
  // Compare against every token (no early exit), so timing does not tell which one matched.
  let found: T | undefined;
  for (const t of tokens) {
    const want = Buffer.from(t.sha256, 'hex');
    if (want.length === h.length && timingSafeEqual(want, h)) found ??= t;
  }
  return found;
}

/** The client a request's bearer token belongs to, or undefined. */
export function authenticate(
  authorization: string | undefined,
  tokens: ResolvedHttp['tokens'],
): ApiClient | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return m ? clientOfToken(m[1]!, tokens) : undefined;
}

/** The client a bare token (as typed into the console's login page) belongs to, or undefined. */
export function clientOfToken(
  token: string,
  tokens: ResolvedHttp['tokens'],
): ApiClient | undefined {
  const t = findToken(token, tokens);
  return t ? { name: t.name, scopes: new Set(t.scopes ?? ALL_SCOPES) } : undefined;
}

/** The names of tokens without scopes: started with full access, and warned about. */
export function unscopedTokens(tokens: ResolvedHttp['tokens']): string[] {
  return tokens.filter((t) => !t.scopes).map((t) => t.name);
}

/** A preHandler that lets a request through only with one of the scopes. */
export function requireScope(allowed: readonly ApiScope[]) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const client = req.apiClient;
    if (client && allowed.some((s) => client.scopes.has(s))) return;
    await reply
      .code(403)
      .send({ error: `this token lacks the scope / 令牌缺少权限: ${allowed.join(' | ')}` });
  };
}
