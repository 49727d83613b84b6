import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { isGatewayError } from '../core/errors.js';
import type { HealthChecks } from './http-api-deps.js';

/** A Redis call that has not answered in this long counts as Redis unreachable. */
const REDIS_PROBE_MS = 1_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Load shedding never applies to health routes: they must answer while the API sheds load. */
const NO_SHEDDING = { pressureHandler: () => undefined };

const checkSchema = { type: 'object', additionalProperties: { type: 'string' } } as const;

/**
 * /health (kept as it was), /healthz (the process answers: a liveness probe) and /readyz (Redis
 * reachable and not evicting, every signer ready, not shedding load: a readiness probe and the
 * Docker HEALTHCHECK). All open, without a token; none says more than ok or what is wrong.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  deps: HealthChecks,
  underPressure: () => boolean,
): void {
  app.get(
    '/health',
    {
      config: NO_SHEDDING,
      schema: { summary: 'Redis reachable (kept for existing probes)', tags: ['health'] },
    },
    async () => {
      const redis = await withTimeout(deps.pingRedis(), REDIS_PROBE_MS).then(
        () => 'ok',
        () => 'down',
      );
      return { status: redis === 'ok' ? 'ok' : 'degraded', redis };
    },
  );

  app.get(
    '/healthz',
    {
      config: NO_SHEDDING,
      schema: {
        summary: 'liveness: the process answers',
        tags: ['health'],
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: NO_SHEDDING,
      schema: {
        summary: 'readiness: Redis reachable and not evicting, signers ready, not overloaded',
        tags: ['health'],
        response: {
          200: { type: 'object', properties: { status: { type: 'string' }, checks: checkSchema } },
          503: {
            type: 'object',
            properties: {
              status: { type: 'string' },
              checks: checkSchema,
              problems: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
    },
    async (_req, reply) => {
      const checks: Record<string, string> = {};
      const problems: string[] = [];
      try {
        await withTimeout(deps.checkRedis(), REDIS_PROBE_MS);
        checks.redis = 'ok';
      } catch (err) {
        const evicting = isGatewayError(err) && err.code === 'GW_ERR_REDIS_EVICTION';
        checks.redis = evicting ? 'evicting' : 'unreachable';
        problems.push(
          evicting
            ? 'Redis may evict keys (maxmemory-policy) / Redis 可能淘汰数据'
            : 'Redis unreachable / 无法连接 Redis',
        );
      }
      for (const [name, state] of deps.signerStates()) {
        checks[`signer:${name}`] = state;
        if (state !== 'ready')
          problems.push(`signer ${name} is ${state} / 签名器 ${name} 不可用（${state}）`);
      }
      const overloaded = underPressure();
      checks.load = overloaded ? 'overloaded' : 'ok';
      if (overloaded) problems.push('event loop overloaded / 负载过高');
      if (problems.length) return reply.code(503).send({ status: 'not-ready', checks, problems });
      return { status: 'ready', checks };
    },
  );
}
