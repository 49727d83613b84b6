import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { GatewayError, type ErrorDetail } from '../../core/errors.js';
import { mappingSchema, type Mapping } from './schema.js';

/** A mapping with the file it came from (positions of constants point into it). */
export interface LoadedMapping {
  readonly file: string;
  readonly mapping: Mapping;
}

/** Parses mapping YAML text; GW_ERR_MAPPING_CONFIG lists every problem with its path. */
export function parseMapping(text: string, file: string): LoadedMapping {
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
  const parsed = mappingSchema.safeParse(data);
  if (!parsed.success) {
    const details: ErrorDetail[] = parsed.error.issues.map((i) => ({
      where: `${file}, ${i.path.join('.') || '(top)'}`,
      zh: `映射配置错误：${i.message}`,
      en: `mapping error: ${i.message}`,
    }));
    throw new GatewayError('GW_ERR_MAPPING_CONFIG', details);
  }
  return { file, mapping: parsed.data };
}

/** Reads and parses a mapping file. */
export function loadMapping(path: string): LoadedMapping {
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
  return parseMapping(text, path);
}
