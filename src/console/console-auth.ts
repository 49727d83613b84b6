import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiScope, ResolvedHttp } from '../config/resolve-http.js';
import { clientOfToken, ROUTE_SCOPES } from '../gateway/http-auth.js';
import {
  ConsoleSessions,
  cookie,
  LANG_COOKIE,
  parseCookies,
  sameSecret,
  SESSION_COOKIE,
  SESSION_IDLE_SECONDS,
  type ConsoleSession,
} from './console-session.js';
import { langOf, t, type Lang } from './console-text.js';
import type { PageContext } from './pages/layout.js';
import { loginPage, messagePageOf } from './pages/simple-pages.js';

declare module 'fastify' {
  interface FastifyRequest {
    consoleSession?: ConsoleSession;
    consoleSid?: string;
  }
}

/** Who may do what in the console: look (any scope), act (operate), use the queue board (admin). */
export const CONSOLE_SCOPES = {
  view: [...ROUTE_SCOPES.read, 'admin'],
  operate: ROUTE_SCOPES.operate,
  admin: ROUTE_SCOPES.admin,
} as const satisfies Record<string, readonly ApiScope[]>;

/** Security headers of every console page: no framing, no scripts, forms only to the console. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

export function sendPage(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(page);
}

/** A path the console may send the browser back to: its own pages only, never another site. */
export function safeBack(v: unknown): string {
  return typeof v === 'string' &&
    /^\/console(\/|\?|$)/.test(v) &&
    !v.includes('//') &&
    !/[\\\r\n]/.test(v)
    ? v
    : '/console/';
}

export function langOfRequest(req: FastifyRequest): Lang {
  return langOf(parseCookies(req.headers.cookie)[LANG_COOKIE]);
}

export async function pageContext(
  req: FastifyRequest,
  sessions: ConsoleSessions,
): Promise<PageContext> {
  const flash = req.consoleSid ? await sessions.takeFlash(req.consoleSid) : undefined;
  return {
    lang: langOfRequest(req),
    path: req.url,
    ...(req.consoleSession ? { session: req.consoleSession } : {}),
    ...(flash ? { flash } : {}),
  };
}

/** A preHandler that refuses (403 page) a session without one of the scopes. */
export function requireConsoleScope(allowed: readonly ApiScope[]) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const s = req.consoleSession;
    if (s && allowed.some((x) => s.scopes.has(x))) return;
    const lang = langOfRequest(req);
    await sendPage(
      reply,
      403,
      messagePageOf(
        { lang, path: req.url, ...(s ? { session: s } : {}) },
        t(lang, 'denied'),
        `${t(lang, 'denied')}: ${allowed.join(' | ')}`,
      ),
    );
  };
}

/**
 * Console login: a token from http.tokens, typed once into the login page, becomes a session
 * cookie (HttpOnly, SameSite=Strict, Secure over TLS); every other console URL needs it, and
 * every form must carry the session's CSRF secret. The language choice is a cookie too.
 */
export function registerConsoleAuth(
  c: FastifyInstance,
  http: ResolvedHttp,
  sessions: ConsoleSessions,
): void {
  const secure = Boolean(http.tls);
  const open = new Set(['/console/login', '/console/lang/:lang']);

  c.addHook('onRequest', async (req, reply) => {
    const sid = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    const session = await sessions.get(sid);
    if (session) {
      req.consoleSession = session;
      req.consoleSid = sid;
      return;
    }
    if (open.has(req.routeOptions.url ?? '')) return;
    if (req.method === 'GET' && !req.url.startsWith('/console/queues/api'))
      return reply.redirect(`/console/login?next=${encodeURIComponent(safeBack(req.url))}`, 303);
    return reply
      .code(401)
      .header('connection', 'close')
      .send({ error: 'log in to the console first / 请先登录控制台' });
  });

  // Forms carry the session's secret: a page of another site cannot make a logged-in browser act.
  c.addHook('preHandler', async (req, reply) => {
    const url = req.routeOptions.url ?? '';
    if (
      req.method !== 'POST' ||
      !req.consoleSession ||
      open.has(url) ||
      url.startsWith('/console/queues')
    )
      return;
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf;
    if (typeof sent === 'string' && sameSecret(sent, req.consoleSession.csrf)) return;
    const lang = langOfRequest(req);
    return sendPage(
      reply,
      403,
      messagePageOf(
        { lang, path: '/console/', session: req.consoleSession },
        t(lang, 'expired'),
        t(lang, 'expired'),
      ),
    );
  });

  c.get<{ Querystring: { next?: string } }>('/login', async (req, reply) =>
    sendPage(
      reply,
      200,
      loginPage({ lang: langOfRequest(req), path: req.url }, false, safeBack(req.query.next)),
    ),
  );

  c.post<{ Body: { token?: string; next?: string } }>(
    '/login',
    { config: { rateLimit: { max: 20, timeWindow: 60_000 } } },
    async (req, reply) => {
      const client = clientOfToken(String(req.body?.token ?? ''), http.tokens);
      if (!client)
        return sendPage(
          reply,
          401,
          loginPage(
            { lang: langOfRequest(req), path: '/console/login' },
            true,
            safeBack(req.body?.next),
          ),
        );
      await sessions.delete(req.consoleSid);
      const sid = await sessions.create(client.name, client.scopes);
      return reply
        .header(
          'set-cookie',
          cookie(SESSION_COOKIE, sid, { secure, maxAgeSeconds: SESSION_IDLE_SECONDS }),
        )
        .redirect(safeBack(req.body?.next), 303);
    },
  );

  c.post('/logout', async (req, reply) => {
    await sessions.delete(req.consoleSid);
    return reply
      .header('set-cookie', cookie(SESSION_COOKIE, '', { secure, maxAgeSeconds: 0 }))
      .redirect('/console/login', 303);
  });

  c.get<{ Params: { lang: Lang }; Querystring: { back?: string } }>(
    '/lang/:lang',
    async (req, reply) =>
      reply
        .header(
          'set-cookie',
          cookie(LANG_COOKIE, req.params.lang === 'en' ? 'en' : 'zh', {
            secure,
            maxAgeSeconds: 365 * 86_400,
          }),
        )
        .redirect(safeBack(req.query.back), 303),
  );
}
