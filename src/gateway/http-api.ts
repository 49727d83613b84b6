import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { isFeedCursor } from '../queues/receipt-feed.js';
import type { PipelineDeps } from '../queues/deps.js';
import { createMetrics } from './metrics.js';
import type { IntakeHandler } from './intake.js';
import { registerUploadRoutes } from './http-upload-routes.js';
import { registerDeliveryRoutes } from './http-delivery-routes.js';

/** How long /health waits for Redis to answer a PING before it reports it down. */
const HEALTH_REDIS_TIMEOUT_MS = 1_000;

/** Checks a bearer token against the configured SHA-256 hashes in constant time. */
export function tokenMatches(token: string, hashes: readonly string[]): boolean {
  const h = createHash('sha256').update(token).digest();
  return hashes.some((hex) => {
    const want = Buffer.from(hex, 'hex');
    return want.length === h.length && timingSafeEqual(want, h);
  });
}

/**
 * The HTTP API: /health open; everything under /v1 needs a bearer token from the config. Legacy
 * systems upload documents and poll /v1/receipts with a cursor instead of using folders.
 */
export function buildHttpApi(deps: PipelineDeps, intake?: IntakeHandler): FastifyInstance {
  const timeout = deps.config.http.requestTimeoutMs;
  const app = Fastify({
    loggerInstance: deps.log.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    disableRequestLogging: true,
    // A request must arrive whole within the timeout, however slowly it trickles; Node checks
    // that only every connectionsCheckingInterval, so the interval follows the timeout.
    serverFactory: (handler) =>
      createServer({ requestTimeout: timeout, headersTimeout: timeout, connectionsCheckingInterval: Math.max(100, Math.min(30_000, timeout / 4)) }, handler),
  });
  const hashes = deps.config.http.tokens.map((t) => t.sha256);
  const metrics = createMetrics(deps);

  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) deps.log.error({ err }, 'http api error');
    void reply.code(status).send({ error: status === 500 ? 'internal error / 内部错误' : err.message });
  });

  app.get('/health', async () => {
    // Commands wait for a reconnect while Redis is away: /health must answer anyway, at once.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('down'), HEALTH_REDIS_TIMEOUT_MS)));
    const redis = await Promise.race([deps.redis.ping().then(() => 'ok', () => 'down'), timeout]).finally(() => clearTimeout(timer));
    return { status: redis === 'ok' ? 'ok' : 'degraded', redis };
  });

  app.register(async (v1) => {
    v1.addHook('onRequest', async (req, reply) => {
      const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!m || !tokenMatches(m[1]!, hashes)) {
        // Connection: close, so a client refused here cannot keep the socket by sending its body slowly.
        return reply.code(401).header('www-authenticate', 'Bearer').header('connection', 'close').send({ error: 'authentication required / 需要认证' });
      }
    });

    if (intake) registerUploadRoutes(v1, deps, intake);
    registerDeliveryRoutes(v1, deps);

    v1.get('/metrics', async (_req, reply) => {
      void reply.header('content-type', metrics.contentType);
      return metrics.metrics();
    });

    v1.get<{ Params: { id: string } }>('/messages/:id', async (req, reply) => {
      const rec = await deps.ledger.get(req.params.id);
      if (!rec) return reply.code(404).send({ error: 'no such message / 报文不存在' });
      return { ...rec, events: await deps.ledger.events(rec.id) };
    });

    v1.get<{ Querystring: { channel?: string; after?: string; limit?: string } }>('/receipts', async (req, reply) => {
      const channel = req.query.channel;
      // `orphans`: receipts that match no message of ours (e.g. DECSUB subscription receipts).
      if (!channel || (!deps.channels.has(channel) && channel !== 'orphans')) {
        return reply.code(400).send({ error: `channel must be one of / 通道须为: ${[...deps.channels.keys(), 'orphans'].join(', ')}` });
      }
      const after = req.query.after ?? '0';
      if (!isFeedCursor(after)) {
        return reply.code(400).send({ error: 'after must be 0 or a cursor returned as next / after 须为 0 或上次返回的 next' });
      }
      const limit = Math.min(500, Math.max(1, Number(req.query.limit ?? 100) || 100));
      const entries = await deps.receiptFeed.read(channel, after, limit);
      const receipts = await Promise.all(
        entries.map(async (e) => ({ ...e, content: (await deps.spool.get(e.receiptRef)).toString('base64') })),
      );
      return { receipts, next: entries.at(-1)?.cursor ?? req.query.after ?? '0' };
    });
  }, { prefix: '/v1' });

  return app;
}
