import { readFileSync } from 'node:fs';
import { parse as parseYaml, stringify } from 'yaml';
import { z } from 'zod';
import { GatewayError } from '../../core/errors.js';
import { parseFamilyMapping, type LoadedFamilyMapping } from '../mapping/family-schema.js';
import { JIN2_LAYOUTS } from './layout.js';

/**
 * How a 金二 message is written, from the mapping's `output:` section (all optional):
 * - `elementCase`: `xsd` (default) spells elements as the 2017 XSDs do (`bondInvtNo`); `pascal`
 *   upper-cases their first letter (`BondInvtNo`), as the client import files of two open-source
 *   tools do. Which one today's client wants is unverified (seed-subsystems.md §9), hence a setting.
 * - `root`: `Package` (default; the XSDs' global Package element) or `Signature`
 *   (`Signature/Object/Package`, the enveloping shape the XSDs and client files wrap it in).
 */
export const jin2OutputSchema = z
  .object({
    elementCase: z.enum(['xsd', 'pascal']).default('xsd'),
    root: z.enum(['Package', 'Signature']).default('Package'),
  })
  .strict();

export type Jin2Output = z.output<typeof jin2OutputSchema>;

export interface LoadedJin2Mapping {
  readonly family: LoadedFamilyMapping;
  readonly output: Jin2Output;
}

/** Every 金二 mapping maps the envelope and the head; the item blocks are optional. */
const required = (message: string): readonly string[] => {
  const l = JIN2_LAYOUTS[message as keyof typeof JIN2_LAYOUTS];
  return l ? ['EnvelopInfo', l.headBlock] : [];
};

/** Parses a 金二 mapping (YAML with `message: INV101` / `SAS101` / `SAS111` / `SAS121`); GW_ERR_MAPPING_CONFIG on problems. */
export function parseJin2Mapping(text: string, file: string): LoadedJin2Mapping {
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
  const { output, ...rest } = (data && typeof data === 'object' ? data : {}) as Record<
    string,
    unknown
  >;
  const parsed = jin2OutputSchema.safeParse(output ?? {});
  if (!parsed.success) {
    throw new GatewayError(
      'GW_ERR_MAPPING_CONFIG',
      parsed.error.issues.map((i) => ({
        where: `${file}, output.${i.path.join('.')}`,
        zh: `映射配置错误：${i.message}`,
        en: `mapping error: ${i.message}`,
      })),
    );
  }
  return {
    family: parseFamilyMapping(stringify(rest), file, JIN2_LAYOUTS, required),
    output: parsed.data,
  };
}

/** Reads and parses a 金二 mapping file. */
export function loadJin2Mapping(path: string): LoadedJin2Mapping {
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
  return parseJin2Mapping(text, path);
}
