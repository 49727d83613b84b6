/** The sandbox's HTTP surface (fastify); all behaviour lives in CustomsDesk. */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../core/logger.js';
import type { CustomsDesk } from './desk.js';
import { FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT } from './feed.js';

/** Largest accepted submission body. */
export const SUBMIT_BODY_LIMIT = 10 * 1024 * 1024;

const XML_TYPE = 'application/xml; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

function nonNegativeInt(raw: unknown, fallback: number): number | undefined {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}

/** Builds (does not start) the fastify app around a desk. */
export function buildSandboxApp(desk: CustomsDesk, logger?: Logger): FastifyInstance {
  // Without a logger instance fastify logs nothing.
  const app: FastifyInstance = Fastify({
    bodyLimit: SUBMIT_BODY_LIMIT,
    // Per-request lines would drown the desk's own one line per submission.
    logController: new LogController({ disableRequestLogging: true }),
    ...(logger ? { loggerInstance: logger as FastifyBaseLogger } : {}),
  });

  // Every body is taken as raw bytes: the XML declaration, not the content type, names the encoding.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: { statusCode?: number; message?: string }, _req, reply) => {
    const status =
      err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    const zh = status === 413 ? `请求体超过 ${SUBMIT_BODY_LIMIT} 字节上限` : '请求无法处理';
    void reply
      .code(status)
      .type(TEXT_TYPE)
      .send(`${zh} / ${err.message ?? 'error'}`);
  });

  app.post('/dec/submit', async (req, reply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const keyHeader = req.headers['idempotency-key'];
    const key = typeof keyHeader === 'string' && keyHeader.trim() ? keyHeader.trim() : undefined;
    const outcome = desk.submit(body, key);
    if (outcome.status === 200) {
      return reply.code(200).type(XML_TYPE).send(Buffer.from(outcome.xml, 'utf8'));
    }
    if (outcome.status === 503) reply.header('Retry-After', '1');
    return reply.code(outcome.status).type(TEXT_TYPE).send(outcome.reason);
  });

  app.get('/receipts', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const after = nonNegativeInt(q.after, 0);
    const limit = nonNegativeInt(q.limit, FEED_DEFAULT_LIMIT);
    if (after === undefined || limit === undefined || limit < 1) {
      return reply
        .code(400)
        .type(TEXT_TYPE)
        .send(
          'after 应为非负整数，limit 应为正整数 / after must be a non-negative integer and limit a positive integer',
        );
    }
    return desk.receipts(after, Math.min(limit, FEED_MAX_LIMIT));
  });

  app.get('/stats', async () => desk.snapshot());
  app.get('/health', async () => ({ status: 'ok' }));
  return app;
}
