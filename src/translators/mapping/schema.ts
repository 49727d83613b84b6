import { z } from 'zod';
import { CODE_TABLE_NAMES } from '../codes/code-tables.js';
import { BLOCKS, isBlockKey, type BlockKey } from '../dec/fields.js';

/**
 * The per-channel mapping file (YAML): how an enterprise's columns become DecMessage fields.
 * See samples/enterprise/*.yaml and the README section "Mapping files" for examples.
 *
 * A field rule has exactly one source and any number of transforms, applied in this order:
 * source -> default -> map -> lookup -> number (factor / unit / decimals) or date -> upper.
 */

const scalar = z.union([z.string(), z.number()]).transform((v) => String(v));

export const fieldRuleSchema = z
  .object({
    column: z
      .string()
      .min(1)
      .optional()
      .describe('source column (CSV/Excel header, JSON key, XML element) of the same record'),
    headColumn: z
      .string()
      .min(1)
      .optional()
      .describe(
        'a column of the head record, for item-level fields the enterprise keeps in the head',
      ),
    const: scalar.optional().describe('a constant value'),
    ref: z
      .string()
      .regex(/^([A-Za-z]+\.)?@?[A-Za-z][A-Za-z0-9]*$/)
      .optional()
      .describe('another mapped field: "DecHead.AgentCode", or "DeclPrice" in the same record'),
    seq: z.literal(true).optional().describe('1, 2, 3 … within the message (GNo)'),
    multiply: z
      .tuple([z.string(), z.string()])
      .optional()
      .describe('product of two fields of the same record, e.g. [DeclPrice, GQty]'),
    sum: z.string().optional().describe('sum of a DecList field over the message, e.g. "@NetWt"'),
    template: z
      .string()
      .optional()
      .describe('text with {column} placeholders, e.g. "{品牌类型}|{出口享惠情况}|{申报要素}"'),
    default: scalar.optional().describe('used when the source value is empty'),
    map: z
      .union([z.string(), z.record(z.string(), scalar)])
      .optional()
      .describe('value map: inline { 进口: I } or the name of an entry of valueMaps'),
    passthrough: z
      .boolean()
      .optional()
      .describe('with map: values the map does not list pass unchanged (else they are an error)'),
    lookup: z
      .enum(CODE_TABLE_NAMES)
      .optional()
      .describe('accept a code, its Chinese name or an alias from this code table'),
    factor: z
      .number()
      .positive()
      .optional()
      .describe('multiply a number, e.g. 0.001 for grams -> kilograms'),
    unit: z
      .object({ column: z.string().min(1), factors: z.record(z.string(), z.number().positive()) })
      .strict()
      .optional()
      .describe(
        'per-row unit conversion: the unit column names the unit, factors turn it into the target unit',
      ),
    decimals: z
      .number()
      .int()
      .min(0)
      .max(10)
      .optional()
      .describe('round numbers to this many decimals'),
    fixed: z.boolean().optional().describe('with decimals: keep trailing zeros (37000.00)'),
    optional: z
      .boolean()
      .optional()
      .describe('the column may be absent from the file (the value is then empty)'),
    upper: z.boolean().optional().describe('upper-case the value'),
  })
  .strict()
  .superRefine((r, ctx) => {
    const sources = (
      ['column', 'headColumn', 'const', 'ref', 'seq', 'multiply', 'sum', 'template'] as const
    ).filter((k) => r[k] !== undefined);
    if (sources.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `give exactly one of column, headColumn, const, ref, seq, multiply, sum, template (found ${sources.length === 0 ? 'none' : sources.join(', ')})`,
      });
    }
    if (r.passthrough && !r.map) ctx.addIssue({ code: 'custom', message: 'passthrough needs map' });
    if (r.fixed && r.decimals === undefined)
      ctx.addIssue({ code: 'custom', message: 'fixed needs decimals' });
  });

export type FieldRule = z.output<typeof fieldRuleSchema>;

/** `Field: 列名` is short for `Field: { column: 列名 }`. */
const fieldEntry = z.union([
  z
    .string()
    .min(1)
    .transform((column): FieldRule => ({ column })),
  fieldRuleSchema,
]);

const blockSchema = (key: BlockKey) =>
  z
    .object({
      from: z
        .string()
        .min(1)
        .optional()
        .describe(
          'section the records come from (head, items, containers …); none = one record of constants and refs',
        ),
      fields: z.record(z.string(), fieldEntry).superRefine((fields, ctx) => {
        const known = new Set(BLOCKS.find((b) => b.key === key)!.fields.map((f) => f.name));
        for (const name of Object.keys(fields)) {
          if (!name.startsWith('@') && !known.has(name))
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: `${key} has no element ${name}`,
            });
        }
      }),
    })
    .strict();

const blocksShape = Object.fromEntries(
  BLOCKS.map((b) => [b.key, blockSchema(b.key).optional()]),
) as {
  [K in BlockKey]: z.ZodOptional<ReturnType<typeof blockSchema>>;
};

const sheetSchema = z
  .object({
    section: z.string().min(1),
    layout: z
      .enum(['table', 'keyValue'])
      .default('table')
      .describe('table: header row + rows; keyValue: column A names, column B values'),
    headerRow: z.number().int().min(1).default(1),
    optional: z
      .boolean()
      .default(false)
      .describe('a missing sheet is an empty section instead of an error'),
  })
  .strict();

export const inputSchema = z
  .object({
    format: z
      .enum(['auto', 'csv', 'json', 'xlsx', 'xml'])
      .default('auto')
      .describe('auto: by file extension, then by content'),
    encoding: z
      .enum(['auto', 'UTF-8', 'GBK', 'GB18030'])
      .default('auto')
      .describe('text encoding of CSV/JSON; XML follows its declaration'),
    maxCellChars: z.number().int().positive().default(2000).describe('longer cells are refused'),
    csv: z
      .object({
        delimiter: z.string().length(1).default(','),
        recordTypeColumn: z
          .string()
          .optional()
          .describe('record-type column of the one-header layout'),
        sections: z
          .record(z.string(), z.string())
          .default({ H: 'head', I: 'items' })
          .describe('record type or [marker] -> section'),
      })
      .strict()
      .default({ delimiter: ',', sections: { H: 'head', I: 'items' } }),
    xlsx: z
      .object({ sheets: z.record(z.string(), sheetSchema) })
      .strict()
      .default({
        sheets: {
          表头: { section: 'head', layout: 'keyValue', headerRow: 1, optional: false },
          表体: { section: 'items', layout: 'table', headerRow: 1, optional: false },
        },
      }),
    json: z
      .object({ sections: z.record(z.string(), z.string()) })
      .strict()
      .default({ sections: { head: 'head', items: 'items' } }),
    xml: z
      .object({ sections: z.record(z.string(), z.string()) })
      .strict()
      .default({ sections: { head: 'HEAD', items: 'ITEMS/ITEM' } }),
  })
  .strict();

export const splitSchema = z
  .object({
    maxItems: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(50)
      .describe('items per declaration (customs allow 50)'),
    mode: z
      .enum(['reject', 'split'])
      .default('reject')
      .describe(
        'reject: more items is an error; split: several declarations with linked ClientSeqNo',
      ),
    clientSeqNo: z
      .string()
      .refine((s) => s.includes('{base}') && s.includes('{n}'), 'must contain {base} and {n}')
      .default('{base}-{n}')
      .describe('ClientSeqNo of each part'),
    apportion: z
      .array(z.enum(['GrossWet', 'NetWt', 'PackNo']))
      .default([])
      .describe('head totals shared among the parts in proportion to `by`'),
    by: z.string().default('@NetWt').describe('the DecList field whose sums weight the shares'),
  })
  .strict();

export const mappingSchema = z
  .object({
    mappingVersion: z.literal(1),
    message: z.literal('DecMessage').default('DecMessage'),
    description: z.string().optional(),
    version: scalar
      .default('4.8')
      .refine((v) => v.length <= 5, 'at most 5 characters')
      .describe(
        'value of the DecMessage version attribute (specification: at most 5 characters; 4.8 as written by a current bridge, unverified)',
      ),
    versionAttribute: z
      .enum(['Version', 'version'])
      .default('Version')
      .describe(
        'spelling of the version attribute: Version as the import specification lists it, or version as older generators write it (unverified)',
      ),
    input: inputSchema.default(() => inputSchema.parse({})),
    split: splitSchema.default(() => splitSchema.parse({})),
    validation: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe('check the filling rules before the message goes to signing'),
        totalTolerance: z
          .string()
          .regex(/^\d+(\.\d+)?$/)
          .default('1')
          .describe('largest accepted |DeclTotal - DeclPrice × GQty|'),
      })
      .strict()
      .default({ enabled: true, totalTolerance: '1' }),
    valueMaps: z
      .record(z.string(), z.record(z.string(), scalar))
      .default({})
      .describe('named value maps for `map: name`'),
    blocks: z.object(blocksShape).strict(),
  })
  .strict()
  .superRefine((m, ctx) => {
    for (const key of ['DecHead', 'DecList', 'DecSign'] as const) {
      if (!m.blocks[key])
        ctx.addIssue({ code: 'custom', path: ['blocks', key], message: `${key} is required` });
    }
    if (m.blocks.DecSign && !m.blocks.DecSign.fields['ClientSeqNo']) {
      ctx.addIssue({
        code: 'custom',
        path: ['blocks', 'DecSign', 'fields'],
        message: 'ClientSeqNo must be mapped: receipts are matched on it',
      });
    }
    for (const [key, block] of Object.entries(m.blocks)) {
      if (!block || !isBlockKey(key)) continue;
      for (const [name, rule] of Object.entries(block.fields)) {
        const path = ['blocks', key, 'fields', name];
        if (typeof rule.map === 'string' && !m.valueMaps[rule.map])
          ctx.addIssue({ code: 'custom', path, message: `valueMaps has no entry "${rule.map}"` });
        const refs = [...(rule.ref ? [rule.ref] : []), ...(rule.multiply ?? [])];
        for (const ref of refs) {
          const [b, f]: (string | undefined)[] = ref.includes('.') ? ref.split('.') : [key, ref];
          const target = b && isBlockKey(b) ? m.blocks[b] : undefined;
          if (!target || !f || !target.fields[f])
            ctx.addIssue({
              code: 'custom',
              path,
              message: `refers to ${b}.${f}, which is not mapped`,
            });
          else if (b !== key && BLOCKS.find((x) => x.key === b)!.repeated)
            ctx.addIssue({
              code: 'custom',
              path,
              message: `cannot refer to the repeated block ${b}`,
            });
        }
        if (rule.sum !== undefined && !m.blocks.DecList?.fields[rule.sum])
          ctx.addIssue({
            code: 'custom',
            path,
            message: `sum refers to DecList.${rule.sum}, which is not mapped`,
          });
      }
    }
  });

export type Mapping = z.output<typeof mappingSchema>;
export type MappingInput = z.input<typeof mappingSchema>;
