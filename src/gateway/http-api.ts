import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { PipelineDeps } from '../queues/deps.js';
import { createMetrics } from './metrics.js';
import type { IntakeHandler } from './intake.js';
import { registerUploadRoutes } from './http-upload-routes.js';
import { registerDeliveryRoutes } from './http-delivery-routes.js';

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
  const app = Fastify({ loggerInstance: deps.log.child({ component: 'http' }) as FastifyBaseLogger, bodyLimit: 1024 * 1024, disableRequestLogging: true });
  const hashes = deps.config.http.tokens.map((t) => t.sha256);
  const metrics = createMetrics(deps);

  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) deps.log.error({ err }, 'http api error');
    void reply.code(status).send({ error: status === 500 ? 'internal error / 内部错误' : err.message });
  });

  app.get('/health', async () => {
    const redis = await deps.redis.ping().then(() => 'ok', () => 'down');
    return { status: redis === 'ok' ? 'ok' : 'degraded', redis };
  });

  app.register(async (v1) => {
    v1.addHook('onRequest', async (req, reply) => {
      const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!m || !tokenMatches(m[1]!, hashes)) {
        return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'authentication required / 需要认证' });
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
      const limit = Math.min(500, Math.max(1, Number(req.query.limit ?? 100) || 100));
      const entries = await deps.receiptFeed.read(channel, req.query.after ?? '0', limit);
      const receipts = await Promise.all(
        entries.map(async (e) => ({ ...e, content: (await deps.spool.get(e.receiptRef)).toString('base64') })),
      );
      return { receipts, next: entries.at(-1)?.cursor ?? req.query.after ?? '0' };
    });
  }, { prefix: '/v1' });

  return app;
}
