import type { SwaggerOptions } from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { OpenAPIV3 } from 'openapi-types';

/** Routes that take raw bytes (no JSON body schema to generate a requestBody from). */
const RAW_BODIES: Record<string, string> = {
  '/v1/channels/{channel}/documents':
    'the document exactly as a dropped file (XML, CSV, Excel, JSON)',
  '/v1/receipts/push': 'a customs receipt (XML)',
};

/** A declaration with its attachments (随附单据): the parts gateway/upload-attachments.ts reads. */
const MULTIPART_UPLOAD: OpenAPIV3.MediaTypeObject = {
  schema: {
    type: 'object',
    required: ['document'],
    properties: {
      document: {
        type: 'string',
        format: 'binary',
        description: 'the declaration file (报关单), named as it would be dropped',
      },
      attachment: {
        type: 'array',
        items: { type: 'string', format: 'binary' },
        description:
          '随附单据: PDF files (the file name becomes EdocCopId), or a .zip holding them at its top level; checked for the %PDF- header, the size per file (translation.paperless.maxAttachmentBytes) and the count (maxAttachments)',
      },
      manifest: {
        type: 'string',
        description:
          'optional manifest (edoc.json): codes, item numbers, origin certificates, marks; as a file or a text field',
      },
    },
  },
  encoding: { attachment: { contentType: 'application/pdf, application/zip, image/*' } },
};

/**
 * Options of @fastify/swagger for the OpenAPI 3 description generated from the route schemas.
 * Register swagger before any route; the document is served at /v1/openapi.json.
 */
export function openApiOptions(version: string): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'eport gateway API / 电子口岸网关接口',
        version,
        description:
          'Upload documents, long-poll and acknowledge receipts (回执), read message status. Bearer token per client; scopes upload, receipts, operate, read-only.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    hideUntagged: false,
    transformObject: (doc) => {
      const spec = (doc as { openapiObject: Partial<OpenAPIV3.Document> }).openapiObject;
      for (const [path, text] of Object.entries(RAW_BODIES)) {
        const op = spec.paths?.[path]?.post;
        if (op)
          op.requestBody = {
            required: true,
            description: text,
            content: {
              'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
            },
          };
      }
      // 通关无纸化: the same route takes a declaration with its attachments as multipart.
      const upload = spec.paths?.['/v1/channels/{channel}/documents']?.post?.requestBody;
      if (upload && 'content' in upload) upload.content['multipart/form-data'] = MULTIPART_UPLOAD;
      // Health routes are open.
      for (const p of ['/health', '/healthz', '/readyz']) {
        const op = spec.paths?.[p]?.get;
        if (op) op.security = [];
      }
      return spec;
    },
  };
}

/** GET /v1/openapi.json: the description of every route, for any client with a token. */
export function registerOpenApiRoute(v1: FastifyInstance, app: FastifyInstance): void {
  v1.get(
    '/openapi.json',
    { schema: { summary: 'this API as an OpenAPI 3 document', tags: ['meta'] } },
    async () => app.swagger(),
  );
}
