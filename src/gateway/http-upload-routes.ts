import type { FastifyInstance } from 'fastify';
import { messageIdFor } from '../core/ids.js';
import type { HttpApiDeps } from './http-api-deps.js';
import type { IntakeHandler } from './intake.js';
import { ROUTE_SCOPES, requireScope } from './http-auth.js';
import { extensionFor, safeUploadName } from './upload-names.js';
import { bundleFromMultipart, isMultipart } from './upload-attachments.js';
import { packBundle } from '../core/document-bundle.js';
import {
  DEFAULT_MAX_ATTACHMENT_BYTES,
  DEFAULT_MAX_ATTACHMENTS,
  DEFAULT_MAX_MARK_BYTES,
} from '../core/edoc-files.js';

export { extensionFor, safeUploadName } from './upload-names.js';

const FILE_NAME_HEADER = {
  type: 'object',
  properties: { 'x-file-name': { type: 'string', minLength: 1, maxLength: 1000 } },
} as const;

/** Marks `archivedAs` of a document that came over HTTP (there is no file to move). */
export const HTTP_ORIGIN = 'http-upload:';

/** Upload limit: the same order as the folder intake's default maxBytes. */
export const UPLOAD_LIMIT = 20 * 1024 * 1024;
/** A multipart upload (declaration + attachments, 通关无纸化) may be larger: 64 MiB in all. */
export const MULTIPART_LIMIT = 64 * 1024 * 1024;

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
  // Declaration + attachments: parsed in the route (bundleFromMultipart), larger bound.
  v1.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit: Math.max(documentLimit, MULTIPART_LIMIT) },
    (_req, body, done) => done(null, body),
  );

  v1.post<{ Params: { channel: string } }>(
    '/channels/:channel/documents',
    {
      // No route bodyLimit: each content-type parser above bounds its own bodies.
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
      const ch = deps.channels.get(channel)!;
      const max = ch.maxBytes;
      const contentType = req.headers['content-type'];
      if (isMultipart(contentType)) {
        const paperless = ch.translation?.paperless;
        const got = await bundleFromMultipart(bytes, contentType!, {
          maxDocumentBytes: max,
          maxAttachmentBytes: paperless?.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES,
          maxMarkBytes: paperless?.maxMarkBytes ?? DEFAULT_MAX_MARK_BYTES,
          maxAttachments: paperless?.maxAttachments ?? DEFAULT_MAX_ATTACHMENTS,
        });
        if (!got.ok)
          return reply.code(got.status).send({
            error: got.details.map((d) => `${d.where} [${d.rule}]: ${d.zh} / ${d.en}`).join('\n'),
            code: 'GW_ERR_EDOC_ATTACHMENT',
            details: got.details,
          });
        const name = got.bundle.document.name;
        // Plain when nothing came with it; else the bundle, as the folder intake makes it.
        const doc =
          got.bundle.attachments.length === 0 && !got.bundle.manifest
            ? got.bundle.document.bytes
            : await packBundle(got.bundle);
        const outcome = await handler.accept({ channel, name, bytes: doc });
        if (outcome.kind === 'accepted')
          await handler.archived(outcome.messageId, `${HTTP_ORIGIN}${name}`);
        return reply.code(outcome.kind === 'duplicate' ? 200 : 202).send(outcome);
      }
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
