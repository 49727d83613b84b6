import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { ResolvedHttp } from '../config/resolve-http.js';
import { isOperatorRefusal, refusalText } from '../core/operator-refusal.js';
import type { HttpApiDeps } from './http-api-deps.js';

type DeliveryRouteDeps = Pick<HttpApiDeps, 'http' | 'channels' | 'delivery'>;

/** The name of the API client, from its bearer token (the auth hook has already checked it). */
function caller(req: FastifyRequest, http: ResolvedHttp): string {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const hash = createHash('sha256').update(token).digest('hex');
  return `api ${http.tokens.find((t) => t.sha256 === hash)?.name ?? 'client'}`;
}

/** `{ "reason": "..." }` from a JSON body (or a body another parser left as bytes). */
function reasonOf(body: unknown): string | undefined {
  let b = body;
  if (Buffer.isBuffer(b)) {
    try {
      b = b.length ? JSON.parse(b.toString('utf8')) : undefined;
    } catch {
      return undefined;
    }
  }
  const r = (b as { reason?: unknown } | undefined)?.reason;
  return typeof r === 'string' && r.trim() ? r.trim().slice(0, 500) : undefined;
}

const ERROR = { type: 'object', properties: { error: { type: 'string' } } } as const;
const RESULT = {
  type: 'object',
  properties: { result: { type: 'string', description: 'what happened, in English and Chinese' } },
} as const;
const MESSAGE_ID = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[0-9a-f]{1,64}$' } },
} as const;
const CHANNEL = {
  type: 'object',
  required: ['channel'],
  properties: { channel: { type: 'string', minLength: 1, maxLength: 40 } },
} as const;
const REASON = {
  type: 'string',
  minLength: 1,
  maxLength: 500,
  description: 'recorded in the ledger with the action',
} as const;

/** An optional `{ "reason": "..." }` body; a replay must give one. */
const reasonBody = (required: boolean) => ({
  type: 'object',
  additionalProperties: false,
  ...(required ? { required: ['reason'] } : { nullable: true }),
  properties: { reason: REASON },
});

const DELIVERY_STATE = {
  type: 'object',
  properties: {
    breakers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          transport: { type: 'string' },
          state: { type: 'string', enum: ['closed', 'open', 'half-open'] },
          failures: { type: 'integer', description: 'consecutive transient failures' },
          since: { type: 'integer', description: 'when the outage began (ms since epoch)' },
          openUntil: {
            type: 'integer',
            description: 'while open: when the next probe may go (ms since epoch)',
          },
          lastError: { type: 'string' },
        },
      },
    },
    heldChannels: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          channel: { type: 'string' },
          at: { type: 'integer', description: 'when it was held (ms since epoch)' },
          by: { type: 'string' },
          reason: { type: 'string' },
          waiting: { type: 'integer', description: 'messages parked until the release' },
        },
      },
    },
  },
} as const;

const ACTION_TEXT = {
  hold: 'hold a message: it is not sent until released',
  release: 'release a held message: it goes out now',
  replay: 'send a delivered message again (same signed bytes, own idempotency key)',
} as const;

/**
 * Delivery control over HTTP, the same actions as `eport hold`, `release` and `replay`, each
 * recorded in the ledger with the API client's name: POST /v1/messages/ID/{hold,release,replay},
 * POST /v1/channels/NAME/{hold,release}; GET /v1/delivery shows breakers and held channels.
 * A refused action (already sent, a send under way...) answers 409 with the reason.
 */
export function registerDeliveryRoutes(v1: FastifyInstance, deps: DeliveryRouteDeps): void {
  const act = async (
    reply: { code(n: number): { send(b: unknown): unknown } },
    fn: () => Promise<string>,
  ) => {
    try {
      return { result: await fn() };
    } catch (err) {
      // Refused by the message's state: 409 with the reason. Anything else (Redis gone) is a 500.
      if (!isOperatorRefusal(err)) throw err;
      return reply.code(409).send({ error: refusalText(err), code: err.code });
    }
  };

  v1.get(
    '/delivery',
    {
      schema: {
        summary: 'circuit breakers of every transport and the channels on hold',
        tags: ['delivery'],
        response: { 200: DELIVERY_STATE },
      },
    },
    async () => deps.delivery.state(),
  );

  for (const action of ['hold', 'release', 'replay'] as const) {
    const schema = {
      summary: ACTION_TEXT[action],
      tags: ['delivery'],
      params: MESSAGE_ID,
      body: reasonBody(action === 'replay'),
      response: { 200: RESULT, 400: ERROR, 404: ERROR, 409: ERROR },
    };
    v1.post<{ Params: { id: string } }>(
      `/messages/:id/${action}`,
      { schema },
      async (req, reply) => {
        if (!(await deps.delivery.hasMessage(req.params.id)))
          return reply.code(404).send({ error: 'no such message / 报文不存在' });
        const who = caller(req, deps.http);
        const reason = reasonOf(req.body);
        if (action === 'replay' && !reason)
          return reply
            .code(400)
            .send({ error: 'a replay needs { "reason": "..." } / 重放须说明原因' });
        return act(reply, () => deps.delivery.onMessage(req.params.id, action, who, reason));
      },
    );
  }

  for (const action of ['hold', 'release'] as const) {
    const schema = {
      summary:
        action === 'hold'
          ? 'hold a channel: files are still taken in and checked, nothing is sent'
          : 'release a held channel: its waiting messages go out now',
      tags: ['delivery'],
      params: CHANNEL,
      body: reasonBody(false),
      response: { 200: RESULT, 400: ERROR, 404: ERROR, 409: ERROR },
    };
    v1.post<{ Params: { channel: string } }>(
      `/channels/:channel/${action}`,
      { schema },
      async (req, reply) => {
        if (!deps.channels.has(req.params.channel))
          return reply.code(404).send({ error: `no channel ${req.params.channel} / 通道不存在` });
        const who = caller(req, deps.http);
        return act(reply, () =>
          deps.delivery.onChannel(
            req.params.channel,
            action,
            who,
            action === 'hold' ? reasonOf(req.body) : undefined,
          ),
        );
      },
    );
  }
}
