import { z } from 'zod';
import { GatewayError } from '../../core/errors.js';

/**
 * The attachment manifest (随附单据清单) an enterprise puts next to a declaration, as
 * `<stem>.edoc.json` beside it or `edoc.json` inside its `<stem>.edoc/` folder. Every part is
 * optional: without a manifest, the files of the folder are classified by their names
 * (`<EdocCode or 类别名称>_<anything>.pdf`).
 */
const itemList = z
  .union([z.string(), z.array(z.number().int())])
  .describe('item numbers (商品序号) the document covers: "1,3" or [1, 3]');

export const attachmentEntrySchema = z
  .object({
    file: z
      .string()
      .min(1)
      .describe('the file name, in the folder or next to the declaration; becomes EdocCopId'),
    code: z
      .string()
      .min(1)
      .describe('随附单证类别: a code (00000001) or its name (发票) from the edoc-types table'),
    items: itemList.optional(),
    note: z.string().optional().describe('OpNote 操作说明'),
    edocId: z
      .string()
      .optional()
      .describe('EdocID when your system numbers it; default by the naming rule'),
    ownerCode: z.string().optional().describe('EdocOwnerCode; default DecHead/TradeCode'),
    ownerName: z.string().optional().describe('EdocOwnerName; default DecHead/TradeName'),
    signUnit: z.string().optional(),
    signTime: z.string().optional(),
  })
  .strict();

export const originEntrySchema = z
  .object({
    agreement: z.string().optional().describe('优惠贸易协定代码, e.g. "03": CertType becomes Y03'),
    proof: z.enum(['C', 'D']).optional().describe('原产地证明类型: C 原产地证书, D 原产地声明'),
    number: z.string().optional().describe('the certificate or declaration number'),
    certType: z
      .string()
      .optional()
      .describe('CertType as is (a 随附单证代码 for non-preferential proofs)'),
    ecoCertNo: z.string().optional().describe('EcoCertNo as is'),
    items: z
      .array(z.object({ decGNo: z.number().int(), ecoGNo: z.number().int() }).strict())
      .min(1)
      .describe('报关单商品项号 -> 原产地证明商品项号'),
    extend: z.string().optional().describe('ExtendFiled (sic)'),
  })
  .strict();

export const markEntrySchema = z
  .object({
    file: z.string().min(1).describe('标记唛码 image or document, embedded as DecMarkLob'),
  })
  .strict();

export const edocManifestSchema = z
  .object({
    attachments: z.array(attachmentEntrySchema).default([]),
    agencyAgreement: z
      .string()
      .optional()
      .describe(
        '代理报关委托协议编号 (ConsignNo): an EdocRealation of code 10000001 without a file',
      ),
    originCertificates: z.array(originEntrySchema).default([]),
    marks: z.array(markEntrySchema).default([]),
  })
  .strict();

export type EdocManifest = z.output<typeof edocManifestSchema>;
export type AttachmentEntry = z.output<typeof attachmentEntrySchema>;
export type OriginEntry = z.output<typeof originEntrySchema>;

export const EMPTY_MANIFEST: EdocManifest = { attachments: [], originCertificates: [], marks: [] };

/** Parses the manifest bytes; any problem is GW_ERR_EDOC_ATTACHMENT naming the file and the path. */
export function parseEdocManifest(bytes: Buffer, file: string): EdocManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new GatewayError('GW_ERR_EDOC_ATTACHMENT', {
      where: file,
      rule: 'edoc-manifest-json',
      zh: `随附单据清单不是有效的 JSON：${(err as Error).message}`,
      en: `the attachment manifest is not valid JSON: ${(err as Error).message}`,
      fixZh: '按 README“通关无纸化”一节的格式以 UTF-8 保存清单',
      fixEn:
        'save the manifest as UTF-8 JSON in the format of the README section on paperless clearance',
    });
  }
  const parsed = edocManifestSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new GatewayError(
    'GW_ERR_EDOC_ATTACHMENT',
    parsed.error.issues.map((i) => ({
      where: `${file}, $.${i.path.join('.')}`,
      rule: 'edoc-manifest',
      zh: `随附单据清单字段无效：${i.message}`,
      en: `attachment manifest field invalid: ${i.message}`,
      fixZh: '对照 README“通关无纸化”一节修正清单',
      fixEn: 'correct the manifest against the README section on paperless clearance',
    })),
  );
}
