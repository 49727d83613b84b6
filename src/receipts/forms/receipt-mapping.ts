/**
 * The receipt mapping (YAML): the reverse of an intake mapping. It lays a receipt out in the
 * enterprise's own format, field names and encoding, for ERPs that read neither customs XML nor
 * our JSON. Example (samples/receipt-forms/receipt-mapping-gbk.yaml):
 *
 *   format: csv            # csv, xml or json
 *   encoding: GBK          # UTF-8, GBK or GB18030
 *   fields:                # output column / element -> source, in this order
 *     单据编号: businessKey
 *     状态: { source: code, map: { R: 结关, E: 退单 } }
 *     时间: { source: time, date: YYYYMMDDHHmmss }
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { GatewayError, type ErrorDetail } from '../../core/errors.js';

/** What a field can be taken from: the receipt view's fields. */
export const RECEIPT_SOURCES = [
  'businessKey',
  'seqNo',
  'entryId',
  'code',
  'statusZh',
  'statusEn',
  'text',
  'status',
  'negative',
  'time',
  'errors',
  'kind',
  'family',
  'messageType',
  'messageId',
  'channel',
] as const;
export type ReceiptSource = (typeof RECEIPT_SOURCES)[number];

const xmlName = z
  .string()
  .regex(
    /^[\p{L}_][\p{L}\p{N}_.-]*$/u,
    'an XML element name (letters, digits, _ . -; Chinese is fine)',
  );

const ruleSchema = z
  .object({
    source: z.enum(RECEIPT_SOURCES).optional().describe('the receipt field to take'),
    const: z
      .union([z.string(), z.number()])
      .transform(String)
      .optional()
      .describe('a constant value'),
    template: z
      .string()
      .optional()
      .describe('text with {field} placeholders, e.g. "{code}-{statusZh}"'),
    map: z
      .record(z.string(), z.union([z.string(), z.number()]).transform(String))
      .optional()
      .describe('value map, e.g. { R: 结关 }; unlisted values pass unchanged'),
    default: z.string().optional().describe('used when the value is empty'),
    date: z
      .string()
      .optional()
      .describe('for time: a pattern of YYYY MM DD HH mm ss, e.g. YYYYMMDDHHmmss'),
    maxLength: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('cut longer values (fixed-width ERP fields), counted in characters'),
  })
  .strict()
  .superRefine((r, ctx) => {
    const n = [r.source, r.const, r.template].filter((x) => x !== undefined).length;
    if (n !== 1)
      ctx.addIssue({ code: 'custom', message: 'give exactly one of source, const, template' });
    if (r.date && r.source !== 'time')
      ctx.addIssue({ code: 'custom', message: 'date applies to source: time only' });
  });
export type ReceiptFieldRule = z.output<typeof ruleSchema>;

/** `名称: seqNo` is short for `名称: { source: seqNo }`. */
const fieldEntry = z.union([
  z.enum(RECEIPT_SOURCES).transform((source): ReceiptFieldRule => ({ source })),
  ruleSchema,
]);

export const receiptMappingSchema = z
  .object({
    format: z.enum(['csv', 'xml', 'json']).describe('layout of the receipt file'),
    encoding: z
      .enum(['UTF-8', 'GBK', 'GB18030'])
      .default('UTF-8')
      .describe('GBK for older ERPs; characters GBK lacks become "?"'),
    extension: z
      .string()
      .regex(/^[A-Za-z0-9]{1,10}$/)
      .optional()
      .describe('file extension; default the format'),
    csv: z
      .object({
        delimiter: z.string().length(1).default(','),
        header: z.boolean().default(true).describe('first line names the fields'),
        lineEnding: z.enum(['crlf', 'lf']).default('crlf'),
      })
      .strict()
      .default({ delimiter: ',', header: true, lineEnding: 'crlf' }),
    xml: z
      .object({ root: xmlName.default('Receipts'), record: xmlName.default('Receipt') })
      .strict()
      .default({ root: 'Receipts', record: 'Receipt' }),
    fields: z
      .record(z.string().min(1), fieldEntry)
      .refine((f) => Object.keys(f).length > 0, 'list at least one field')
      .describe('output field -> where its value comes from, in output order'),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.format !== 'xml') return;
    for (const name of Object.keys(m.fields)) {
      if (!xmlName.safeParse(name).success)
        ctx.addIssue({
          code: 'custom',
          path: ['fields', name],
          message: 'not a valid XML element name',
        });
    }
  });

export type ReceiptMapping = z.output<typeof receiptMappingSchema>;

/** Parses receipt-mapping YAML; GW_ERR_MAPPING_CONFIG lists every problem with its path. */
export function parseReceiptMapping(text: string, file: string): ReceiptMapping {
  let data: unknown;
  try {
    data = parseYaml(text, { uniqueKeys: true });
  } catch (err) {
    throw new GatewayError('GW_ERR_MAPPING_CONFIG', {
      where: file,
      zh: `回执映射不是有效的 YAML：${(err as Error).message}`,
      en: `the receipt mapping is not valid YAML: ${(err as Error).message}`,
    });
  }
  const parsed = receiptMappingSchema.safeParse(data);
  if (!parsed.success) {
    const details: ErrorDetail[] = parsed.error.issues.map((i) => ({
      where: `${file}, ${i.path.join('.') || '(top)'}`,
      zh: `回执映射错误：${i.message}`,
      en: `receipt mapping error: ${i.message}`,
      fixZh: `字段来源可用：${RECEIPT_SOURCES.join(', ')}`,
      fixEn: `sources: ${RECEIPT_SOURCES.join(', ')}`,
    }));
    throw new GatewayError('GW_ERR_MAPPING_CONFIG', details);
  }
  return parsed.data;
}

export function loadReceiptMapping(path: string): ReceiptMapping {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new GatewayError('GW_ERR_MAPPING_CONFIG', {
      where: path,
      zh: `无法读取回执映射文件：${(err as Error).message}`,
      en: `cannot read the receipt mapping: ${(err as Error).message}`,
    });
  }
  return parseReceiptMapping(text, path);
}
