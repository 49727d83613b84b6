import type { FastifyInstance } from 'fastify';
import { basename } from 'node:path';
import { messageIdFor } from '../core/ids.js';
import type { HttpApiDeps } from './http-api-deps.js';
import type { IntakeHandler } from './intake.js';
import { ROUTE_SCOPES, requireScope } from './http-auth.js';

const FILE_NAME_HEADER = {
  type: 'object',
  properties: { 'x-file-name': { type: 'string', minLength: 1, maxLength: 1000 } },
} as const;

/** Marks `archivedAs` of a document that came over HTTP (there is no file to move). */
export const HTTP_ORIGIN = 'http-upload:';

/** Upload limit: the same order as the folder intake's default maxBytes. */
export const UPLOAD_LIMIT = 20 * 1024 * 1024;

/** A file name from a client: one path segment, printable, bounded; else undefined. */
export function safeUploadName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (
    name !== basename(name) ||
    name.startsWith('.') ||
    /[\u0000-\u001f\\/]/.test(name) ||
    name.length > 200
  )
    return undefined;
  return name;
}

/** A file extension for an unnamed upload, from its Content-Type (formats are told apart by it). */
export function extensionFor(contentType: string | undefined): string {
  const t = (contentType ?? '').toLowerCase();
  if (t.includes('json')) return '.json';
  if (t.includes('csv')) return '.csv';
  if (t.includes('spreadsheetml') || t.includes('excel')) return '.xlsx';
  return '.xml';
}

/**
 * HTTP intake and receipt push. POST /v1/channels/NAME/documents takes a document exactly as a
 * dropped file would be taken (same spool, message id, duplicate detection, receipts); POST
 * /v1/receipts/push lets a customs-side client push receipts instead of being polled.
 */
export function registerUploadRoutes(
  v1: FastifyInstance,
  deps: Pick<HttpApiDeps, 'channels' | 'pushReceipt'>,
  handler: IntakeHandler,
): void {
  // The body is the document, byte for byte, whatever the Content-Type says: no JSON re-serialising
  // (it rounds big numbers) and no text decoding (it mangles GBK and hides invalid UTF-8).
  // The body limit is the largest channel's; each channel's own limit is checked below.
  const documentLimit = Math.max(
    UPLOAD_LIMIT,
    ...[...deps.channels.values()].map((c) => c.maxBytes),
  );
  v1.removeAllContentTypeParsers();
  v1.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: documentLimit },
    (_req, body, done) => done(null, body),
  );

  v1.post<{ Params: { channel: string } }>(
    '/channels/:channel/documents',
    {
      bodyLimit: documentLimit,
      preHandler: requireScope(ROUTE_SCOPES.upload),
      schema: {
        summary: 'upload a document, taken like a dropped file',
        tags: ['documents'],
        params: {
          type: 'object',
          required: ['channel'],
          properties: { channel: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,39}$' } },
        },
        headers: FILE_NAME_HEADER,
      },
    },
    async (req, reply) => {
      const channel = req.params.channel;
      if (!deps.channels.has(channel))
        return reply.code(404).send({ error: `no channel ${channel} / 通道不存在` });
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (bytes.length === 0) return reply.code(400).send({ error: 'empty document / 文件为空' });
      const max = deps.channels.get(channel)!.maxBytes;
      if (bytes.length > max) {
        return reply.code(413).send({
          error: `document larger than the channel limit of ${max} bytes / 文件超过通道大小上限 ${max} 字节`,
          code: 'GW_ERR_INTAKE_TOO_LARGE',
        });
      }
      const header = req.headers['x-file-name'];
      const name = safeUploadName(Array.isArray(header) ? header[0] : header);
      if (header !== undefined && !name) {
        return reply.code(400).send({
          error:
            'X-File-Name must be one file name, URL-encoded, not hidden / X-File-Name 须为单个文件名（URL 编码）',
        });
      }
      // Unnamed uploads are named after their message id: unique per document, so receipts never collide.
      const fileName =
        name ?? `${messageIdFor(channel, bytes)}${extensionFor(req.headers['content-type'])}`;
      const outcome = await handler.accept({ channel, name: fileName, bytes });
      // No file to move: record where it came from, so a second upload of it is a duplicate and a
      // failure still leaves a copy in the channel's failed folder.
      if (outcome.kind === 'accepted')
        await handler.archived(outcome.messageId, `${HTTP_ORIGIN}${fileName}`);
      return reply.code(outcome.kind === 'duplicate' ? 200 : 202).send(outcome);
    },
  );

  v1.post(
    '/receipts/push',
    {
      bodyLimit: UPLOAD_LIMIT,
      preHandler: requireScope(ROUTE_SCOPES.upload),
      schema: {
        summary: 'push a customs receipt (customs-side clients)',
        tags: ['receipts'],
        headers: FILE_NAME_HEADER,
      },
    },
    async (req, reply) => {
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (bytes.length === 0) return reply.code(400).send({ error: 'empty receipt / 回执为空' });
      const header = req.headers['x-file-name'];
      const fileName =
        safeUploadName(Array.isArray(header) ? header[0] : header) ?? 'pushed-receipt.xml';
      await deps.pushReceipt(bytes, 'http-push', fileName);
      return reply.code(202).send({ accepted: true });
    },
  );
}
