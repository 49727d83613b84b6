import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import JSZip from 'jszip';
import type { AddressInfo } from 'node:net';
import { registerUploadRoutes } from './http-upload-routes.js';
import { openApiOptions, registerOpenApiRoute } from './openapi.js';
import { RecordingHandler } from '../../test/helpers/recording-intake.js';
import { isBundle, unpackBundle } from '../core/document-bundle.js';
import { createTranslator } from '../translators/factory.js';
import { translateAll } from '../translators/translator.js';

const SAMPLE = join(import.meta.dirname, '..', '..', 'samples', 'paperless');
const DEC = 'dec-11-import-paperless.xml';
const EDOC = join(SAMPLE, 'dec-11-import-paperless.edoc');
const pdf = (s: string): Buffer => Buffer.from(`%PDF-1.4\n% ${s}\n%%EOF\n`);

/** 通关无纸化 over HTTP: a multipart upload on a loopback server, with a recording intake. */
describe('HTTP upload of a declaration with attachments (multipart)', () => {
  let app: FastifyInstance;
  let base = '';
  const handler = new RecordingHandler();

  beforeAll(async () => {
    app = Fastify();
    await app.register(swagger, openApiOptions('test'));
    await app.register(
      async (v1) => {
        v1.addHook('onRequest', async (req) => {
          req.apiClient = { name: 'erp', scopes: new Set(['upload', 'read-only']) };
        });
        registerOpenApiRoute(v1, app);
        v1.register(async (uploads) =>
          registerUploadRoutes(
            uploads,
            {
              channels: new Map([
                ['declaration', { maxBytes: 50_000 }],
                [
                  'small',
                  {
                    maxBytes: 50_000,
                    translation: { paperless: { maxAttachmentBytes: 100, maxAttachments: 2 } },
                  },
                ],
              ]),
              pushReceipt: async () => {},
            },
            handler,
          ),
        );
      },
      { prefix: '/v1' },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => app?.close());
  beforeEach(() => {
    handler.accepted = [];
    handler.archivedPaths = [];
  });

  const file = (bytes: Buffer | string): Blob => new Blob([Buffer.from(bytes)]);
  const post = async (form: FormData, channel = 'declaration') => {
    const res = await fetch(`${base}/channels/${channel}/documents`, {
      method: 'POST',
      body: form,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const sampleForm = (): FormData => {
    const form = new FormData();
    form.append('document', file(readFileSync(join(SAMPLE, DEC))), DEC);
    for (const f of readdirSync(EDOC).filter((n) => n !== 'edoc.json'))
      form.append('attachment', file(readFileSync(join(EDOC, f))), f);
    form.append('manifest', file(readFileSync(join(EDOC, 'edoc.json'))), 'edoc.json');
    return form;
  };

  it('takes the sample declaration with its PDFs, mark and manifest as one bundle that translates to the golden DecMessage', async () => {
    const res = await post(sampleForm());
    expect(res.status).toBe(202);
    expect(res.body.kind).toBe('accepted');
    const doc = handler.accepted[0]!;
    expect(doc.name).toBe(DEC);
    expect(isBundle(doc.bytes)).toBe(true);
    const b = await unpackBundle(doc.bytes);
    expect(b.attachments.map((a) => a.name).sort()).toEqual(
      readdirSync(EDOC)
        .filter((n) => n !== 'edoc.json')
        .sort(),
    );
    expect(handler.archivedPaths).toEqual([`http-upload:${DEC}`]);
    const [m] = await translateAll(createTranslator('dec-xml', {}), doc.bytes, {
      channel: 'declaration',
      fileName: DEC,
    });
    expect(m!.xml).toBe(readFileSync(join(SAMPLE, 'expected', DEC), 'utf8'));
  });

  it('takes the attachments and the manifest (edoc.json) as one zip: the same bundle as the files one by one', async () => {
    const zip = new JSZip();
    for (const f of readdirSync(EDOC).filter((n) => n !== 'edoc.json'))
      zip.file(f, readFileSync(join(EDOC, f)));
    zip.file('edoc.json', readFileSync(join(EDOC, 'edoc.json')));
    const form = new FormData();
    form.append('document', file(readFileSync(join(SAMPLE, DEC))), DEC);
    form.append('attachment', file(await zip.generateAsync({ type: 'nodebuffer' })), 'docs.zip');
    const res = await post(form);
    expect(res.status).toBe(202);
    await post(sampleForm());
    // Same declaration, same files: the same bundle bytes, hence the same message id downstream.
    expect(handler.accepted).toHaveLength(2);
    expect(handler.accepted[0]!.bytes.equals(handler.accepted[1]!.bytes)).toBe(true);
  });

  it('every problem at once, each with the file and the rule, bilingual: missing, not PDF, duplicate, no document', async () => {
    const form = new FormData();
    form.append('attachment', file('just text'), '00000001_inv.pdf');
    form.append('attachment', file(pdf('a')), 'bl.pdf');
    form.append('attachment', file(pdf('b')), 'BL.pdf');
    form.append('extra', 'x');
    form.append(
      'manifest',
      JSON.stringify({ attachments: [{ file: 'contract.pdf', code: '00000004' }] }),
    );
    const res = await post(form);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_ERR_EDOC_ATTACHMENT');
    const details = res.body.details as { where: string; rule: string; zh: string; en: string }[];
    expect(details.map((d) => [d.where, d.rule]).sort()).toEqual(
      [
        ['00000001_inv.pdf', 'edoc-not-pdf'],
        ['BL.pdf', 'edoc-name-case'],
        ['contract.pdf', 'edoc-file-missing'],
        ['document', 'upload-document'],
        ['extra', 'upload-part'],
      ].sort(),
    );
    for (const d of details) expect(d.zh && d.en).toBeTruthy();
    expect(String(res.body.error)).toContain('00000001_inv.pdf [edoc-not-pdf]');
    expect(handler.accepted).toHaveLength(0);
  });

  it("too large and too many by the channel's translation.paperless limits: 413", async () => {
    const form = new FormData();
    form.append('document', file('<DecMessage/>'), 'dec.xml');
    form.append('attachment', file(pdf('x'.repeat(200))), '00000001_big.pdf');
    form.append('attachment', file(pdf('1')), '00000002_a.pdf');
    form.append('attachment', file(pdf('2')), '00000003_b.pdf');
    const res = await post(form, 'small');
    expect(res.status).toBe(413);
    const rules = (res.body.details as { where: string; rule: string }[]).map(
      (d) => `${d.where}:${d.rule}`,
    );
    expect(rules.sort()).toEqual(['00000001_big.pdf:edoc-too-large', 'attachment:edoc-too-many']);
  });

  it('a zip with a folder inside is refused; an entry over the limit is refused before inflating (zip bomb), others like plain files', async () => {
    const zip = new JSZip();
    zip.file('sub/inv.pdf', pdf('x'));
    zip.file('big.pdf', pdf('y'.repeat(500)));
    zip.file('bomb.pdf', Buffer.alloc(2 * 1024 * 1024));
    const form = new FormData();
    form.append('document', file('<DecMessage/>'), 'dec.xml');
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect(bytes.length).toBeLessThan(50_000);
    form.append('attachment', file(bytes), 'a.zip');
    const res = await post(form, 'small');
    expect(res.status).toBe(422);
    const rules = (res.body.details as { where: string; rule: string }[]).map(
      (d) => `${d.where}:${d.rule}`,
    );
    expect(rules.sort()).toEqual([
      'a.zip → bomb.pdf:edoc-too-large',
      'a.zip → sub/inv.pdf:upload-zip-path',
      'big.pdf:edoc-too-large',
    ]);
  });

  it('a multipart upload with only the declaration is a plain document', async () => {
    const form = new FormData();
    form.append('document', file('<DecMessage>plain</DecMessage>'), 'plain.xml');
    expect((await post(form)).status).toBe(202);
    expect(handler.accepted[0]!.bytes.toString()).toBe('<DecMessage>plain</DecMessage>');
  });

  it('the OpenAPI document describes the multipart form of the upload route', async () => {
    const res = await fetch(`${base}/openapi.json`);
    const spec = (await res.json()) as {
      paths: Record<string, { post: { requestBody: { content: Record<string, unknown> } } }>;
    };
    const content = spec.paths['/v1/channels/{channel}/documents']!.post.requestBody.content;
    expect(Object.keys(content).sort()).toEqual([
      'application/octet-stream',
      'multipart/form-data',
    ]);
    expect(JSON.stringify(content['multipart/form-data'])).toContain('"required":["document"]');
  });
});
