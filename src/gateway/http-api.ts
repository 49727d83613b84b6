import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import swagger from '@fastify/swagger';
import type { HttpApiDeps } from './http-api-deps.js';
import { registerUploadRoutes } from './http-upload-routes.js';
import { registerDeliveryRoutes } from './http-delivery-routes.js';
import { authenticate, ROUTE_SCOPES, requireScope, unscopedTokens } from './http-auth.js';
import { registerHealthRoutes } from './health-routes.js';
import { httpsOptions } from './http-tls.js';
import { openApiOptions, registerOpenApiRoute } from './openapi.js';
import { registerReceiptPollRoutes } from './receipt-poll-routes.js';

export { tokenMatches } from './http-auth.js';

/** Requests without a larger route limit: JSON bodies are small. */
const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * The HTTP API: health open; everything under /v1 needs a bearer token from the config, with
 * the scope the route asks for. Legacy systems upload documents and long-poll /v1/receipts
 * instead of using folders. Every route validates its input with a JSON schema; the OpenAPI
 * description made from those schemas is at /v1/openapi.json.
 */
export function buildHttpApi(deps: HttpApiDeps): FastifyInstance {
  const http = deps.http;
  const app = Fastify({
    loggerInstance: deps.log.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: DEFAULT_BODY_LIMIT,
    disableRequestLogging: true,
    // Unknown query or body fields are an error, not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
    // A request must arrive whole within the timeout, however slowly it trickles; Node checks
    // that only every connectionsCheckingInterval, so the interval follows the timeout.
    serverFactory: (handler) => {
      const timeouts = {
        requestTimeout: http.requestTimeoutMs,
        headersTimeout: http.requestTimeoutMs,
        connectionsCheckingInterval: Math.max(100, Math.min(30_000, http.requestTimeoutMs / 4)),
      };
      return http.tls
        ? createHttpsServer({ ...httpsOptions(http.tls), ...timeouts }, handler)
        : createServer(timeouts, handler);
    },
  }) as unknown as FastifyInstance;
  const { metrics, receipts } = deps;
  app.addHook('onReady', async () => receipts.start());
  // preClose: before the server waits for requests in flight, so long polls answer at once.
  app.addHook('preClose', async () => receipts.close());
  const unscoped = unscopedTokens(http.tokens);
  if (unscoped.length) {
    deps.log.warn(
      { tokens: unscoped },
      'API tokens without scopes have every scope; set scopes: [upload, receipts, operate, read-only, admin] / 未设置权限范围的令牌拥有全部权限',
    );
  }

  app.setErrorHandler(
    (err: { statusCode?: number; message: string; validation?: unknown }, _req, reply) => {
      const status =
        err.statusCode && err.statusCode >= 400 && err.statusCode < 600 && err.statusCode !== 500
          ? err.statusCode
          : 500;
      if (status === 500) deps.log.error({ err }, 'http api error');
      const message =
        status === 500
          ? 'internal error / 内部错误'
          : err.validation
            ? `invalid request / 请求无效: ${err.message}`
            : status === 503
              ? 'overloaded, retry later / 服务繁忙，请稍后重试'
              : err.message;
      void reply.code(status).send({ error: message });
    },
  );

  // Plugins load in this order when the app starts; swagger first, so it sees every route.
  app.register(swagger, openApiOptions('1'));
  app.register(underPressure, { maxEventLoopDelay: http.maxEventLoopDelayMs, retryAfter: 10 });
  app.register(async (root) =>
    registerHealthRoutes(root, deps.health, () => app.isUnderPressure()),
  );

  // The web console: its own login (a token into a session cookie), pages and the queue board.
  const webConsole = deps.console;
  if (webConsole) app.register(async (c) => webConsole(c), { prefix: '/console' });

  app.register(
    async (v1) => {
      v1.addHook('onRequest', async (req, reply) => {
        const client = authenticate(req.headers.authorization, http.tokens);
        // Connection: close, so a client refused here cannot keep the socket by sending its body slowly.
        if (!client)
          return reply
            .code(401)
            .header('www-authenticate', 'Bearer')
            .header('connection', 'close')
            .send({ error: 'authentication required / 需要认证' });
        req.apiClient = client;
      });
      // After authentication (preHandler), so the limit is per token, not per address. The
      // counters live in Redis under the deployment's prefix: every gateway node counts together.
      await v1.register(rateLimit, {
        hook: 'preHandler',
        redis: deps.rateLimitStore.redis,
        nameSpace: deps.rateLimitStore.nameSpace,
        max: http.rateLimit.max,
        timeWindow: http.rateLimit.windowMs,
        keyGenerator: (req) => `token:${req.apiClient?.name ?? req.ip}`,
        errorResponseBuilder: (_req, ctx) => ({
          statusCode: 429,
          message: `too many requests, retry in ${ctx.after} / 请求过多，请稍后重试`,
        }),
      });

      registerOpenApiRoute(v1, app);
      // Own scope: the upload routes take every body as raw bytes, JSON routes keep their parser.
      const intake = deps.intake;
      if (intake) v1.register(async (uploads) => registerUploadRoutes(uploads, deps, intake));
      registerReceiptPollRoutes(v1, http, receipts);
      // Operator actions need the operate scope; reading the delivery state any reading scope.
      v1.register(async (ops) => {
        ops.addHook('preHandler', (req, reply) =>
          requireScope(req.method === 'GET' ? ROUTE_SCOPES.read : ROUTE_SCOPES.operate)(req, reply),
        );
        registerDeliveryRoutes(ops, deps);
      });

      v1.get(
        '/metrics',
        {
          preHandler: requireScope(ROUTE_SCOPES.read),
          schema: { summary: 'Prometheus metrics', tags: ['meta'] },
        },
        async (_req, reply) => {
          void reply.header('content-type', metrics.contentType);
          return metrics.metrics();
        },
      );

      v1.get<{ Params: { id: string } }>(
        '/messages/:id',
        {
          preHandler: requireScope(ROUTE_SCOPES.read),
          schema: {
            summary: 'a message with its timeline and who collected its receipts',
            tags: ['messages'],
            params: {
              type: 'object',
              required: ['id'],
              properties: { id: { type: 'string', pattern: '^[0-9a-f]{1,64}$' } },
            },
          },
        },
        async (req, reply) => {
          const message = await deps.messages.describe(req.params.id);
          if (!message) return reply.code(404).send({ error: 'no such message / 报文不存在' });
          return message;
        },
      );
    },
    { prefix: '/v1' },
  );

  return app;
}
