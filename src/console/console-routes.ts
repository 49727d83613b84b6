import { expiredText, findArchivedMessage } from '../queues/expired-lookup.js';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PipelineDeps } from '../queues/deps.js';
import {
  holdChannel,
  holdMessage,
  releaseChannel,
  releaseMessage,
} from '../queues/delivery-operator.js';
import { cancelMessage, retryMessage } from '../queues/operator.js';
import { refusalText } from '../core/operator-refusal.js';
import { isGatewayStatus } from '../receipts/status.js';
import {
  CONSOLE_SCOPES,
  langOfRequest,
  pageContext,
  registerConsoleAuth,
  requireConsoleScope,
  safeBack,
  sendPage,
} from './console-auth.js';
import {
  downloadableRefs,
  readMessage,
  readOverview,
  readProblems,
  readUnclaimed,
  searchMessages,
} from './console-data.js';
import { ConsoleSessions } from './console-session.js';
import { t } from './console-text.js';
import { chinaDayStart } from './date-filter.js';
import { messagePage } from './pages/message-page.js';
import { messagesPage, problemsPage } from './pages/messages-page.js';
import { overviewPage } from './pages/overview-page.js';
import { messagePageOf, unclaimedPage } from './pages/simple-pages.js';
import { registerQueueBoard } from './queue-board.js';

const ID = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[0-9a-f]{1,64}$' } },
} as const;
const FORM = {
  type: 'object',
  properties: {
    _csrf: { type: 'string', maxLength: 100 },
    back: { type: 'string', maxLength: 2000 },
    reason: { type: 'string', maxLength: 500 },
  },
} as const;

/** Message actions, the same functions `eport retry`, `cancel`, `hold` and `release` call. */
const MESSAGE_ACTIONS = {
  retry: async (deps: PipelineDeps, rec: Parameters<typeof retryMessage>[1], who: string) => {
    await retryMessage(deps, rec, who);
    return `message ${rec.id} (${rec.sourceName}): queued for delivery again / 已重新排队发送`;
  },
  cancel: async (deps: PipelineDeps, rec: Parameters<typeof retryMessage>[1], who: string) => {
    await cancelMessage(deps, rec, who);
    return `message ${rec.id} (${rec.sourceName}): cancelled, not sent / 已撤销，未发送`;
  },
  hold: async (
    deps: PipelineDeps,
    rec: Parameters<typeof retryMessage>[1],
    who: string,
    reason?: string,
  ) => `message ${rec.id} (${rec.sourceName}): ${await holdMessage(deps, rec, who, reason)}`,
  release: async (deps: PipelineDeps, rec: Parameters<typeof retryMessage>[1], who: string) =>
    `message ${rec.id} (${rec.sourceName}): ${await releaseMessage(deps, rec, who)}`,
} as const;

/** A download's file name: the original's own name, otherwise id and kind; only safe characters. */
function downloadName(sourceName: string, id: string, kind: string): string {
  const name = kind === 'original' ? sourceName : `${id}-${kind}.xml`;
  return name.replace(/[^\p{L}\p{N}._-]/gu, '_').slice(0, 150) || 'download';
}

/**
 * The web console under /console, in the daemon's own HTTP server: server-rendered pages in
 * Chinese and English (overview, message search and page, dead and held messages, receipts
 * nobody collected) whose actions call the operator functions the CLI uses, each recorded in the
 * ledger as `console NAME`; and the BullMQ board for engineers at /console/queues (admin scope).
 */
export async function registerConsole(c: FastifyInstance, deps: PipelineDeps): Promise<void> {
  // The console is not part of the API description.
  c.addHook('onRoute', (route) => {
    route.schema = { ...(route.schema ?? {}), hide: true };
  });
  c.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
  await c.register(rateLimit, { global: false });
  const sessions = new ConsoleSessions(deps.redis, deps.config.redis.prefix);
  registerConsoleAuth(c, deps.config.http, sessions);

  const view = { preHandler: requireConsoleScope(CONSOLE_SCOPES.view) };
  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    render: (ctx: Awaited<ReturnType<typeof pageContext>>) => Promise<string> | string,
  ) => sendPage(reply, 200, await render(await pageContext(req, sessions)));
  const who = (req: FastifyRequest) => `console ${req.consoleSession?.name ?? 'operator'}`;
  /** Runs an action, keeps its outcome (or why it was refused) for the next page, and goes back. */
  const act = async (
    req: FastifyRequest<{ Body: { back?: string } }>,
    reply: FastifyReply,
    fn: () => Promise<string>,
  ) => {
    let outcome: { text: string; kind: 'ok' | 'error' };
    try {
      outcome = { text: await fn(), kind: 'ok' };
    } catch (err) {
      outcome = { text: refusalText(err), kind: 'error' };
    }
    if (req.consoleSid) await sessions.flash(req.consoleSid, outcome.text, outcome.kind);
    return reply.redirect(safeBack(req.body?.back), 303);
  };

  c.get('/', view, (req, reply) =>
    page(req, reply, async (ctx) => overviewPage(ctx, await readOverview(deps))),
  );

  c.get<{
    Querystring: { q?: string; channel?: string; status?: string; from?: string; to?: string };
  }>(
    '/messages',
    {
      ...view,
      schema: {
        querystring: {
          type: 'object',
          properties: {
            q: { type: 'string', maxLength: 300 },
            channel: { type: 'string', maxLength: 100 },
            status: { type: 'string', maxLength: 20 },
            from: { type: 'string', maxLength: 10 },
            to: { type: 'string', maxLength: 10 },
          },
        },
      },
    },
    (req, reply) =>
      page(req, reply, async (ctx) => {
        const { q, channel, status, from, to } = req.query;
        const query = {
          ...(q?.trim() ? { q: q.trim() } : {}),
          ...(channel ? { channel } : {}),
          ...(isGatewayStatus(status) ? { status } : {}),
          ...(chinaDayStart(from) !== undefined ? { from } : {}),
          ...(chinaDayStart(to) !== undefined ? { to } : {}),
        };
        return messagesPage(
          ctx,
          query,
          [...deps.channels.keys()],
          await searchMessages(deps, query),
        );
      }),
  );

  c.get<{ Params: { id: string } }>(
    '/messages/:id',
    { ...view, schema: { params: ID } },
    async (req, reply) => {
      const d = await readMessage(deps, req.params.id);
      const ctx = await pageContext(req, sessions);
      if (!d) {
        // A finished message past its retention is gone from Redis but kept in the archive.
        const archived = await findArchivedMessage(deps.config.dataDir, req.params.id);
        const text = archived ? expiredText(archived)[ctx.lang] : t(ctx.lang, 'notFound');
        return sendPage(reply, 404, messagePageOf(ctx, t(ctx.lang, 'notFound'), text));
      }
      return sendPage(reply, 200, messagePage(ctx, d));
    },
  );

  c.get<{ Params: { id: string; hash: string }; Querystring: { kind?: string } }>(
    '/messages/:id/files/:hash',
    {
      ...view,
      schema: {
        params: {
          type: 'object',
          required: ['id', 'hash'],
          properties: { id: ID.properties.id, hash: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
        },
      },
    },
    async (req, reply) => {
      const d = await readMessage(deps, req.params.id);
      const ref = `sha256:${req.params.hash}` as const;
      // Only the files of this message: the spool holds every enterprise's documents.
      if (!d || !downloadableRefs(d).has(ref))
        return reply.code(404).send({ error: 'no such file / 文件不存在' });
      const bytes = await deps.spool.get(ref);
      const kind = /^[a-z]{1,20}$/.test(req.query.kind ?? '') ? req.query.kind! : 'file';
      const name = downloadName(d.record.sourceName, d.record.id, kind);
      return reply
        .headers({
          'content-type': 'application/octet-stream',
          'x-content-type-options': 'nosniff',
          'content-disposition': `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        })
        .send(bytes);
    },
  );

  const operate = { preHandler: requireConsoleScope(CONSOLE_SCOPES.operate) };
  c.post<{
    Params: { id: string; action: keyof typeof MESSAGE_ACTIONS };
    Body: { back?: string; reason?: string };
  }>(
    '/messages/:id/:action',
    {
      ...operate,
      schema: {
        params: {
          type: 'object',
          required: ['id', 'action'],
          properties: { id: ID.properties.id, action: { enum: Object.keys(MESSAGE_ACTIONS) } },
        },
        body: FORM,
      },
    },
    (req, reply) =>
      act(req, reply, async () => {
        const rec = await deps.ledger.get(req.params.id);
        if (!rec) throw new Error(`${t(langOfRequest(req), 'notFound')}: ${req.params.id}`);
        return MESSAGE_ACTIONS[req.params.action](
          deps,
          rec,
          who(req),
          req.body?.reason?.trim() || undefined,
        );
      }),
  );

  c.post<{
    Params: { channel: string; action: 'hold' | 'release' };
    Body: { back?: string; reason?: string };
  }>(
    '/channels/:channel/:action',
    {
      ...operate,
      schema: {
        params: {
          type: 'object',
          required: ['channel', 'action'],
          properties: {
            channel: { type: 'string', maxLength: 100 },
            action: { enum: ['hold', 'release'] },
          },
        },
        body: FORM,
      },
    },
    (req, reply) =>
      act(req, reply, () =>
        req.params.action === 'hold'
          ? holdChannel(deps, req.params.channel, who(req), req.body?.reason?.trim() || undefined)
          : releaseChannel(deps, req.params.channel, who(req)),
      ),
  );

  c.get('/problems', view, (req, reply) =>
    page(req, reply, async (ctx) => problemsPage(ctx, await readProblems(deps))),
  );
  c.get('/receipts/unclaimed', view, (req, reply) =>
    page(req, reply, async (ctx) => unclaimedPage(ctx, await readUnclaimed(deps))),
  );

  await c.register(
    async (board) => {
      board.addHook('preHandler', requireConsoleScope(CONSOLE_SCOPES.admin));
      await registerQueueBoard(board, deps.queues);
    },
    { prefix: '/queues' },
  );
}
