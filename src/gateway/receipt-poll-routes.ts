import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ResolvedHttp } from '../config/resolve-http.js';
import type { FeedEntry } from '../receipts/feed-entry.js';
import { readableView } from '../receipts/forms/receipt-view.js';
import type { ReceiptPolling } from './http-api-deps.js';
import { ROUTE_SCOPES, requireScope } from './http-auth.js';
import {
  API_FORMATS,
  csvPage,
  negotiateFormat,
  storedExtension,
  xmlPage,
} from './receipt-api-formats.js';

const CURSOR = '^(0|[0-9]{1,15}-[0-9]{1,15})$';

interface PollQuery {
  channel: string;
  after?: string;
  limit: number;
  wait: number;
  format?: (typeof API_FORMATS)[number];
}

/**
 * The polling API for legacy systems: GET /v1/receipts long-polls a channel's receipt feed,
 * POST /v1/receipts/ack acknowledges up to a cursor per client (the token's name), and GET
 * /v1/receipts/unclaimed lists receipts no client has collected.
 */
export function registerReceiptPollRoutes(
  v1: FastifyInstance,
  http: Pick<ResolvedHttp, 'maxWaitSeconds'>,
  feeds: ReceiptPolling,
): void {
  // `orphans`: receipts that match no message of ours (e.g. DECSUB subscription receipts).
  const channels = feeds.feeds;
  const unknownChannel = { error: `channel must be one of / 通道须为: ${channels.join(', ')}` };
  const known = (channel: string): boolean => channels.includes(channel);

  /** Reads; when empty, waits for an append (or the deadline) and reads again. */
  async function poll(
    channel: string,
    after: string,
    limit: number,
    waitMs: number,
    reply: FastifyReply,
  ): Promise<FeedEntry[]> {
    // The response closing before we answered means the client went away: stop waiting.
    const res = reply.raw;
    const deadline = Date.now() + waitMs;
    let gone = false;
    const onClose = (): void => void (gone = true);
    res.once('close', onClose);
    try {
      for (;;) {
        const wait = feeds.wait(channel, deadline - Date.now());
        const entries = await feeds.read(channel, after, limit);
        if (entries.length || gone || feeds.closing || Date.now() >= deadline) {
          wait.cancel();
          return entries;
        }
        res.once('close', wait.cancel);
        await wait.done;
        res.off('close', wait.cancel);
      }
    } finally {
      res.off('close', onClose);
    }
  }

  v1.get<{ Querystring: PollQuery }>(
    '/receipts',
    {
      preHandler: requireScope(ROUTE_SCOPES.pollReceipts),
      schema: {
        summary: 'receipts of a channel after a cursor; long-polls with wait',
        description:
          'Without `after`, starts after the cursor this client last acknowledged, so a client that lost its place gets every unacknowledged receipt again. ' +
          "format (or Accept): xml = one XML document with each receipt as it came; json = receipt views; csv = CSV with Chinese status text; mapping = the channel's receipt mapping (base64). " +
          'Neither: a JSON page whose content is the base64 of each receipt as it came.',
        tags: ['receipts'],
        querystring: {
          type: 'object',
          required: ['channel'],
          additionalProperties: false,
          properties: {
            channel: { type: 'string', minLength: 1, maxLength: 40 },
            after: {
              type: 'string',
              pattern: CURSOR,
              description: 'cursor of the last receipt seen; 0 = from the start',
            },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            wait: {
              type: 'integer',
              minimum: 0,
              maximum: http.maxWaitSeconds,
              default: 0,
              description: 'seconds to wait when nothing is there yet',
            },
            format: { type: 'string', enum: [...API_FORMATS] },
          },
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      if (!known(q.channel)) return reply.code(400).send(unknownChannel);
      const format = negotiateFormat(q.format, req.headers.accept);
      if (format === 'mapping' && !feeds.forms.hasMapping(q.channel)) {
        return reply
          .code(400)
          .send({ error: `channel ${q.channel} has no receiptMapping / 该通道未配置回执映射` });
      }
      const after = q.after ?? (await feeds.cursorOf(q.channel, req.apiClient!.name));
      const entries = await poll(q.channel, after, q.limit, q.wait * 1000, reply);
      const next = entries.at(-1)?.cursor ?? after;
      // Shutting down: no keep-alive, or the server would wait for this connection to idle out.
      if (feeds.closing) void reply.header('connection', 'close');
      const items = await Promise.all(
        entries.map(async (entry) => ({ entry, original: await feeds.original(entry) })),
      );
      void reply.header('x-next-cursor', next);
      if (format === 'xml')
        return reply.type('application/xml; charset=utf-8').send(xmlPage(q.channel, next, items));
      if (format === 'raw')
        return {
          receipts: items.map(({ entry, original }) => ({
            ...entry,
            content: original.toString('base64'),
          })),
          next,
        };
      const rendered = await Promise.all(
        items.map(async ({ entry, original }) => {
          const ctx = await feeds.contextOf(q.channel, entry);
          return {
            entry,
            original,
            ctx,
            view: readableView(original, entry.fileName, entry.kind, ctx),
          };
        }),
      );
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(csvPage(rendered));
      if (format === 'json')
        return { receipts: rendered.map(({ entry, view }) => ({ ...entry, receipt: view })), next };
      return {
        receipts: rendered.map(({ entry, original, ctx }) => {
          const out = feeds.forms.render(
            q.channel,
            'mapping',
            original,
            storedExtension(original),
            ctx,
          );
          return { ...entry, contentType: out.contentType, content: out.bytes.toString('base64') };
        }),
        next,
      };
    },
  );

  v1.post<{ Body: { channel: string; cursor: string } }>(
    '/receipts/ack',
    {
      preHandler: requireScope(ROUTE_SCOPES.ackReceipts),
      bodyLimit: 4096,
      schema: {
        summary: 'acknowledge every receipt of a channel up to and including a cursor',
        tags: ['receipts'],
        body: {
          type: 'object',
          required: ['channel', 'cursor'],
          additionalProperties: false,
          properties: {
            channel: { type: 'string', minLength: 1, maxLength: 40 },
            cursor: { type: 'string', pattern: CURSOR },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              channel: { type: 'string' },
              acked: { type: 'string' },
              recorded: { type: 'integer' },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const { channel, cursor } = req.body;
      if (!known(channel)) return reply.code(400).send(unknownChannel);
      const res = await feeds.ack(channel, req.apiClient!.name, cursor);
      if ('refused' in res) return reply.code(400).send({ error: res.refused });
      return { channel, ...res };
    },
  );

  v1.get<{ Querystring: { channel: string; olderThan: number; limit: number } }>(
    '/receipts/unclaimed',
    {
      preHandler: requireScope(ROUTE_SCOPES.read),
      schema: {
        summary: 'receipts no API client has acknowledged yet',
        tags: ['receipts'],
        querystring: {
          type: 'object',
          required: ['channel'],
          additionalProperties: false,
          properties: {
            channel: { type: 'string', minLength: 1, maxLength: 40 },
            olderThan: {
              type: 'integer',
              minimum: 0,
              default: 0,
              description: 'only receipts written at least this many seconds ago',
            },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
      },
    },
    async (req, reply) => {
      const { channel, olderThan, limit } = req.query;
      if (!known(channel)) return reply.code(400).send(unknownChannel);
      const receipts = await feeds.unclaimed(channel, limit, olderThan * 1000);
      return { channel, clients: await feeds.clients(channel), receipts };
    },
  );
}
