/**
 * The package a declaration with attachments (通关无纸化) goes to the Single Window client in:
 * one zip holding the DecMessage as `<stem>.xml` (the zip's own stem) and every attachment file
 * named by an `EdocRealation/EdocCopId`, so file count = attached files + 1 (seed-subsystems.md
 * §4.2 [R×2]). Checked before anything is written: each EdocCopId names exactly one file, names
 * are distinct (case-insensitively, as on Windows), each file is a PDF within the size the client
 * takes. The zip is deterministic (sorted, fixed dates), so a resend finds its own earlier copy.
 */
import JSZip from 'jszip';
import { safeXmlParser } from '../../core/safe-xml.js';
import { GatewayError, type ErrorDetail } from '../../core/errors.js';
import { DEFAULT_MAX_ATTACHMENT_BYTES, isPdf, unsafeFileName } from '../../core/edoc-files.js';
import type { BundleFile } from '../../core/document-bundle.js';

export interface PackageOptions {
  /** Largest attachment the client takes; default {@link DEFAULT_MAX_ATTACHMENT_BYTES}. */
  readonly maxAttachmentBytes?: number;
}

const FIXED_DATE = new Date(Date.UTC(2000, 0, 1));
const parser = safeXmlParser({
  removeNSPrefix: true,
  parseTagValue: false,
  ignoreAttributes: true,
  isArray: (name) => name === 'EdocRealation',
});

/** The non-empty EdocCopId values of a DecMessage, in document order. */
export function edocCopIds(xml: string): string[] {
  const doc = parser.parse(xml, 'DecMessage') as {
    DecMessage?: { EdocRealation?: { EdocCopId?: unknown }[] };
  };
  return (doc.DecMessage?.EdocRealation ?? [])
    .map((e) => String(e.EdocCopId ?? '').trim())
    .filter((s) => s !== '');
}

/** Builds and checks the zip for `<stem>.zip`; throws GW_ERR_EDOC_PACKAGE listing every inconsistency. */
export async function buildClientPackage(
  stem: string,
  xml: Buffer,
  files: readonly BundleFile[],
  options: PackageOptions = {},
): Promise<Buffer> {
  const max = options.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
  const zipName = `${stem}.zip`;
  const problems: ErrorDetail[] = [];
  const add = (
    file: string,
    rule: string,
    zh: string,
    en: string,
    fixZh?: string,
    fixEn?: string,
  ): void => {
    problems.push({
      where: `${zipName} → ${file}`,
      rule,
      zh,
      en,
      ...(fixZh ? { fixZh, fixEn: fixEn ?? '' } : {}),
    });
  };
  const byName = new Map(files.map((f) => [f.name, f]));
  const ids = edocCopIds(xml.toString('utf8'));
  const seen = new Map<string, string>([[`${stem}.xml`.toLowerCase(), `${stem}.xml`]]);
  const chosen: BundleFile[] = [];
  for (const id of ids) {
    const other = seen.get(id.toLowerCase());
    if (other !== undefined) {
      add(
        id,
        'package-duplicate-name',
        other === id
          ? '多条随附单据的 EdocCopId 相同'
          : `与 ${other} 仅大小写不同，Windows 上是同一文件`,
        other === id
          ? 'several EdocRealation entries share this EdocCopId'
          : `differs from ${other} only in letter case: one file on Windows`,
        '每个随附文件使用不同的文件名',
        'give every attached file its own name',
      );
      continue;
    }
    seen.set(id.toLowerCase(), id);
    const f = byName.get(id);
    if (!f) {
      add(
        id,
        'package-file-missing',
        'EdocCopId 指向的文件不在随附文件中',
        'the file EdocCopId names is not among the attachments',
        '随报关单提供该文件，或删去这条随附单据',
        'supply the file with the declaration, or remove the entry',
      );
      continue;
    }
    const unsafe = unsafeFileName(id);
    if (unsafe) add(id, 'package-file-name', unsafe.zh, unsafe.en);
    if (!isPdf(f.bytes))
      add(
        id,
        'package-not-pdf',
        '不是 PDF 文件（文件头无 %PDF-），客户端不接收',
        'not a PDF (no %PDF- header); the client does not take it',
        '以 PDF 格式提供该单据',
        'supply the document as PDF',
      );
    if (f.bytes.length > max)
      add(
        id,
        'package-too-large',
        `文件 ${f.bytes.length} 字节，超过客户端上限 ${max} 字节`,
        `the file has ${f.bytes.length} bytes, more than the client's limit of ${max}`,
        '压缩该 PDF，或按客户端实际上限调整传输的 maxAttachmentBytes',
        "compress the PDF, or set the transport's maxAttachmentBytes to what your client takes",
      );
    chosen.push(f);
  }
  if (problems.length > 0) throw new GatewayError('GW_ERR_EDOC_PACKAGE', problems);

  const zip = new JSZip();
  const opts = { date: FIXED_DATE, binary: true, createFolders: false } as const;
  zip.file(`${stem}.xml`, xml, opts);
  for (const f of [...chosen].sort((a, b) => (a.name < b.name ? -1 : 1)))
    zip.file(f.name, f.bytes, opts);
  const bytes = await zip.generateAsync({
    type: 'nodebuffer',
    compression: 'DEFLATE',
    platform: 'DOS',
  });
  await checkClientPackage(zipName, bytes, ids.length);
  return bytes;
}

/**
 * The rules the client applies to a package, checked on the bytes themselves: exactly one XML,
 * named like the zip; entry count = `edocFiles` + 1. Throws GW_ERR_EDOC_PACKAGE.
 */
export async function checkClientPackage(
  zipName: string,
  bytes: Buffer,
  edocFiles: number,
): Promise<void> {
  const zip = await JSZip.loadAsync(bytes);
  const names = Object.values(zip.files)
    .filter((e) => !e.dir)
    .map((e) => e.name);
  const stem = zipName.replace(/\.zip$/i, '');
  const xmls = names.filter((n) => n.toLowerCase().endsWith('.xml'));
  const problems: ErrorDetail[] = [];
  if (xmls.length !== 1 || xmls[0] !== `${stem}.xml`) {
    problems.push({
      where: zipName,
      rule: 'package-xml',
      zh: `压缩包应恰含一个名为 ${stem}.xml 的报文，实际为：${xmls.join('、') || '无'}`,
      en: `the zip must hold exactly one message named ${stem}.xml, found: ${xmls.join(', ') || 'none'}`,
    });
  }
  if (names.length !== edocFiles + 1) {
    problems.push({
      where: zipName,
      rule: 'package-count',
      zh: `文件数 ${names.length} 应为随附单据数 ${edocFiles} + 1`,
      en: `${names.length} files, but must be the ${edocFiles} attachments + 1`,
    });
  }
  if (problems.length > 0) throw new GatewayError('GW_ERR_EDOC_PACKAGE', problems);
}
