/**
 * 通关无纸化 over HTTP: a `multipart/form-data` upload carrying a declaration and its attachments
 * (随附单据) becomes the same document bundle the folder and SFTP intakes make, after the checks
 * an upload can answer at once (the translator checks the rest and answers in the receipt):
 *
 * - part `document`: the declaration file, exactly one;
 * - parts `attachment` (repeatable): PDF files, or a `.zip` holding them (flat, no folders);
 * - part `manifest` (optional): the manifest JSON (`edoc.json`), as a file or a text field.
 *
 * Every problem is reported at once, each with the file and the rule.
 */
import JSZip from 'jszip';
import type { ErrorDetail } from '../core/errors.js';
import type { BundleFile, DocumentBundle } from '../core/document-bundle.js';
import { isPdf, unsafeFileName } from '../core/edoc-files.js';
import { FOLDER_MANIFEST } from './companion-files.js';
import { safeUploadName } from './upload-names.js';

export interface UploadLimits {
  /** The channel's maxBytes: the declaration. */
  readonly maxDocumentBytes: number;
  readonly maxAttachmentBytes: number;
  readonly maxMarkBytes: number;
  readonly maxAttachments: number;
}

export type UploadResult =
  | { readonly ok: true; readonly bundle: DocumentBundle }
  | { readonly ok: false; readonly status: 400 | 413 | 422; readonly details: ErrorDetail[] };

const PARTS = new Set(['document', 'attachment', 'manifest']);

/** True for a multipart/form-data Content-Type. */
export const isMultipart = (contentType: string | undefined): boolean =>
  /^multipart\/form-data\b/i.test(contentType ?? '');

const detail = (where: string, rule: string, zh: string, en: string): ErrorDetail => ({
  where,
  rule,
  zh,
  en,
});

/** The file names a manifest lists as attachments and as marks; undefined when it is no JSON. */
function manifestNames(bytes: Buffer): { files: string[]; marks: Set<string> } | { error: string } {
  try {
    const m = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, '')) as {
      attachments?: { file?: unknown }[];
      marks?: { file?: unknown }[];
    };
    const names = (list: { file?: unknown }[] | undefined): string[] =>
      (Array.isArray(list) ? list : [])
        .map((e) => e?.file)
        .filter((f): f is string => typeof f === 'string');
    const marks = names(m.marks);
    return { files: [...names(m.attachments), ...marks], marks: new Set(marks) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** The files of an attached zip; folders are not allowed (the package is flat). */
async function unzip(
  name: string,
  bytes: Buffer,
  limits: UploadLimits,
  problems: ErrorDetail[],
): Promise<BundleFile[]> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch (err) {
    problems.push(
      detail(
        name,
        'upload-zip',
        `不是有效的 zip 文件：${(err as Error).message}`,
        `not a valid zip file: ${(err as Error).message}`,
      ),
    );
    return [];
  }
  const out: BundleFile[] = [];
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    const where = `${name} → ${entry.name}`;
    if (entry.name.includes('/') || entry.name.includes('\\')) {
      problems.push(
        detail(
          where,
          'upload-zip-path',
          'zip 内的文件须直接放在根目录，不可含文件夹',
          'files in the zip must sit at its top level, without folders',
        ),
      );
      continue;
    }
    // Checked before inflating, so a zip bomb costs nothing.
    const size = (entry as unknown as { _data?: { uncompressedSize?: number } })._data
      ?.uncompressedSize;
    const cap = Math.max(limits.maxAttachmentBytes, limits.maxMarkBytes);
    if (size === undefined || size > cap) {
      problems.push(
        detail(
          where,
          'edoc-too-large',
          `文件解压后 ${size ?? '?'} 字节，超过上限 ${cap} 字节`,
          `the file has ${size ?? '?'} bytes unpacked, more than the limit of ${cap}`,
        ),
      );
      continue;
    }
    out.push({ name: entry.name, bytes: await entry.async('nodebuffer') });
  }
  return out;
}

/** Parses and checks a multipart upload; on success the bundle the intake hands over. */
export async function bundleFromMultipart(
  body: Buffer,
  contentType: string,
  limits: UploadLimits,
): Promise<UploadResult> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), {
      headers: { 'content-type': contentType },
    }).formData();
  } catch (err) {
    return {
      ok: false,
      status: 400,
      details: [
        detail(
          'multipart/form-data',
          'upload-multipart',
          `无法解析 multipart 请求体：${(err as Error).message}`,
          `the multipart body cannot be parsed: ${(err as Error).message}`,
        ),
      ],
    };
  }
  const problems: ErrorDetail[] = [];
  const documents: BundleFile[] = [];
  let attachments: BundleFile[] = [];
  let manifest: BundleFile | undefined;
  for (const [field, value] of form) {
    if (!PARTS.has(field)) {
      problems.push(
        detail(
          field,
          'upload-part',
          `未知的表单字段“${field}”，只收 document、attachment、manifest`,
          `unknown form field "${field}"; only document, attachment and manifest are taken`,
        ),
      );
      continue;
    }
    if (typeof value === 'string') {
      if (field === 'manifest') manifest = { name: FOLDER_MANIFEST, bytes: Buffer.from(value) };
      else
        problems.push(
          detail(field, 'upload-part', `字段 ${field} 须为文件`, `field ${field} must be a file`),
        );
      continue;
    }
    const bytes = Buffer.from(await value.arrayBuffer());
    const name = safeUploadName(encodeURIComponent(value.name));
    if (field === 'manifest') {
      manifest = { name: FOLDER_MANIFEST, bytes };
      continue;
    }
    if (!name) {
      problems.push(
        detail(
          value.name || '(no name)',
          'edoc-file-name',
          '文件名须为单个、非隐藏的文件名',
          'the file name must be one plain, not hidden, file name',
        ),
      );
      continue;
    }
    if (field === 'document') documents.push({ name, bytes });
    else if (/\.zip$/i.test(name))
      attachments.push(...(await unzip(name, bytes, limits, problems)));
    else attachments.push({ name, bytes });
  }
  // A zip may carry the manifest as edoc.json (the folder convention).
  const zipped = attachments.filter((a) => a.name === FOLDER_MANIFEST);
  if (zipped.length > 0) {
    attachments = attachments.filter((a) => a.name !== FOLDER_MANIFEST);
    if (manifest || zipped.length > 1)
      problems.push(
        detail(
          FOLDER_MANIFEST,
          'edoc-manifest',
          '收到不止一份随附单据清单（manifest 字段与 zip 内的 edoc.json）',
          'more than one manifest (the manifest part and an edoc.json in a zip)',
        ),
      );
    else manifest = zipped[0];
  }
  if (documents.length !== 1)
    problems.push(
      detail(
        'document',
        'upload-document',
        `须恰好有一个 document 文件（报关单），收到 ${documents.length} 个`,
        `exactly one document part (the declaration) is needed, got ${documents.length}`,
      ),
    );
  const doc = documents[0];
  if (doc && doc.bytes.length === 0)
    problems.push(detail(doc.name, 'upload-empty', '报关单文件为空', 'the declaration is empty'));
  if (doc && doc.bytes.length > limits.maxDocumentBytes)
    return {
      ok: false,
      status: 413,
      details: [
        detail(
          doc.name,
          'upload-too-large',
          `报关单 ${doc.bytes.length} 字节，超过通道上限 ${limits.maxDocumentBytes} 字节`,
          `the declaration has ${doc.bytes.length} bytes, more than the channel limit of ${limits.maxDocumentBytes}`,
        ),
      ],
    };
  const listed = manifest ? manifestNames(manifest.bytes) : { files: [], marks: new Set<string>() };
  if ('error' in listed)
    problems.push(
      detail(
        FOLDER_MANIFEST,
        'edoc-manifest-json',
        `随附单据清单不是有效的 JSON：${listed.error}`,
        `the attachment manifest is not valid JSON: ${listed.error}`,
      ),
    );
  const marks = 'error' in listed ? new Set<string>() : listed.marks;
  problems.push(...checkFiles(attachments, marks, limits));
  if (!('error' in listed)) {
    const have = new Set(attachments.map((a) => a.name));
    for (const f of listed.files)
      if (!have.has(f))
        problems.push(
          detail(
            f,
            'edoc-file-missing',
            '清单列出的文件未随请求上传',
            'the manifest lists a file the upload does not carry',
          ),
        );
  }
  if (problems.length > 0 || !doc) {
    const tooLarge = problems.every((p) => /too-large|too-many/.test(p.rule ?? ''));
    return { ok: false, status: tooLarge ? 413 : 422, details: problems };
  }
  attachments = attachments.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { ok: true, bundle: { document: doc, attachments, ...(manifest ? { manifest } : {}) } };
}

/** Names, duplicates, count, PDF header and size of the attached files. */
function checkFiles(
  files: readonly BundleFile[],
  marks: ReadonlySet<string>,
  limits: UploadLimits,
): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (files.length > limits.maxAttachments)
    problems.push(
      detail(
        'attachment',
        'edoc-too-many',
        `随附文件 ${files.length} 个，超过上限 ${limits.maxAttachments} 个`,
        `${files.length} attached files, more than the limit of ${limits.maxAttachments}`,
      ),
    );
  const seen = new Map<string, string>();
  for (const f of files) {
    const other = seen.get(f.name.toLowerCase());
    if (other !== undefined)
      problems.push(
        other === f.name
          ? detail(f.name, 'edoc-duplicate', '同名文件上传了两次', 'two files of the same name')
          : detail(
              f.name,
              'edoc-name-case',
              `与 ${other} 仅大小写不同，Windows 上的客户端会把两者当作同一文件`,
              `differs from ${other} only in letter case; the client on Windows takes them for one file`,
            ),
      );
    seen.set(f.name.toLowerCase(), f.name);
    const unsafe = unsafeFileName(f.name);
    if (unsafe) problems.push(detail(f.name, 'edoc-file-name', unsafe.zh, unsafe.en));
    const mark = marks.has(f.name);
    const max = mark ? limits.maxMarkBytes : limits.maxAttachmentBytes;
    if (f.bytes.length === 0)
      problems.push(
        detail(f.name, 'edoc-empty', '文件为空（0 字节）', 'the file is empty (0 bytes)'),
      );
    else if (!mark && !isPdf(f.bytes))
      problems.push(
        detail(
          f.name,
          'edoc-not-pdf',
          '不是 PDF 文件（文件头无 %PDF-）；随附单据只收 PDF',
          'not a PDF (no %PDF- header); attached documents must be PDF',
        ),
      );
    if (f.bytes.length > max)
      problems.push(
        detail(
          f.name,
          mark ? 'mark-too-large' : 'edoc-too-large',
          `文件 ${f.bytes.length} 字节，超过上限 ${max} 字节`,
          `the file has ${f.bytes.length} bytes, more than the limit of ${max}`,
        ),
      );
  }
  return problems;
}
