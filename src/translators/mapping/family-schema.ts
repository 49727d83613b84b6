import { z } from 'zod';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { GatewayError, type ErrorDetail } from '../../core/errors.js';
import type { TargetLayout } from './layout.js';
import { fieldRuleSchema, inputSchema, type FieldRule } from './schema.js';

/**
 * Mapping files of the message families other than DecMessage (CEB, manifest). Same field
 * rules, input options and value maps as a DecMessage mapping (schema.ts); the blocks are checked
 * against the family's layout for the message the file names, so a typo in an element name is a
 * configuration error rather than a silently missing element.
 */

const scalar = z.union([z.string(), z.number()]).transform((v) => String(v));
const fieldEntry = z.union([
  z
    .string()
    .min(1)
    .transform((column): FieldRule => ({ column })),
  fieldRuleSchema,
]);
const blockSchema = z
  .object({ from: z.string().min(1).optional(), fields: z.record(z.string(), fieldEntry) })
  .strict();

/** The generic shape; `familyMappingSchema` adds the family's own checks. */
const baseSchema = z
  .object({
    mappingVersion: z.literal(1),
    message: z.string().min(1),
    description: z.string().optional(),
    version: scalar.default('1.0').describe('version attribute or Head/Version'),
    input: inputSchema.default(() => inputSchema.parse({})),
    validation: z
      .object({ enabled: z.boolean().default(true) })
      .strict()
      .default({ enabled: true }),
    valueMaps: z.record(z.string(), z.record(z.string(), scalar)).default({}),
    blocks: z.record(z.string(), blockSchema),
  })
  .strict();

export type FamilyMapping = z.output<typeof baseSchema>;

/** A family mapping with the file it came from. */
export interface LoadedFamilyMapping {
  readonly file: string;
  readonly mapping: FamilyMapping;
  readonly layout: TargetLayout;
}

/**
 * Parses a family mapping: `layouts` names the messages the family knows (CEB311, MT1101 …) and
 * `required` the blocks each must map. Throws GW_ERR_MAPPING_CONFIG listing every problem.
 */
export function parseFamilyMapping(
  text: string,
  file: string,
  layouts: Readonly<Record<string, TargetLayout>>,
  required: (message: string) => readonly string[],
): LoadedFamilyMapping {
  let data: unknown;
  try {
    data = parseYaml(text, { uniqueKeys: true });
  } catch (err) {
    throw new GatewayError('GW_ERR_MAPPING_CONFIG', {
      where: file,
      zh: `映射文件不是有效的 YAML：${(err as Error).message}`,
      en: `the mapping is not valid YAML: ${(err as Error).message}`,
    });
  }
  const schema = baseSchema.superRefine((m, ctx) => {
    const layout = layouts[m.message];
    if (!layout) {
      ctx.addIssue({
        code: 'custom',
        path: ['message'],
        message: `unknown message ${m.message} (known: ${Object.keys(layouts).join(', ')})`,
      });
      return;
    }
    for (const key of required(m.message))
      if (!m.blocks[key])
        ctx.addIssue({ code: 'custom', path: ['blocks', key], message: `${key} is required` });
    for (const [key, block] of Object.entries(m.blocks)) {
      const spec = layout.blocks.find((b) => b.key === key);
      if (!spec) {
        ctx.addIssue({
          code: 'custom',
          path: ['blocks', key],
          message: `${m.message} has no block ${key} (known: ${layout.blocks.map((b) => b.key).join(', ')})`,
        });
        continue;
      }
      for (const [name, rule] of Object.entries(block.fields)) {
        const path = ['blocks', key, 'fields', name];
        if (!name.startsWith('@') && !spec.fields.some((f) => f.name === name))
          ctx.addIssue({ code: 'custom', path, message: `${key} has no element ${name}` });
        if (typeof rule.map === 'string' && !m.valueMaps[rule.map])
          ctx.addIssue({ code: 'custom', path, message: `valueMaps has no entry "${rule.map}"` });
        if (rule.sum !== undefined && !m.blocks[layout.itemBlock]?.fields[rule.sum])
          ctx.addIssue({
            code: 'custom',
            path,
            message: `sum refers to ${layout.itemBlock}.${rule.sum}, which is not mapped`,
          });
      }
    }
  });
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const details: ErrorDetail[] = parsed.error.issues.map((i) => ({
      where: `${file}, ${i.path.join('.') || '(top)'}`,
      zh: `映射配置错误：${i.message}`,
      en: `mapping error: ${i.message}`,
    }));
    throw new GatewayError('GW_ERR_MAPPING_CONFIG', details);
  }
  return { file, mapping: parsed.data, layout: layouts[parsed.data.message]! };
}

/** Reads and parses a family mapping file. */
export function loadFamilyMapping(
  path: string,
  layouts: Readonly<Record<string, TargetLayout>>,
  required: (message: string) => readonly string[],
): LoadedFamilyMapping {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new GatewayError('GW_ERR_MAPPING_CONFIG', {
      where: path,
      zh: `无法读取映射文件：${(err as Error).message}`,
      en: `cannot read the mapping file: ${(err as Error).message}`,
    });
  }
  return parseFamilyMapping(text, path, layouts, required);
}
