import { GatewayError } from '../../core/errors.js';
import {
  cleanCell,
  type SourceCell,
  type SourceDocument,
  type SourceRecord,
  type SourceSection,
} from './document.js';
import { JsonSyntaxError, parseJsonText, type JsonEntry, type JsonNode } from './json-text.js';
import { hugeCell, problem, type TranslateProblem } from './problems.js';
import type { ReadOptions } from './read-options.js';
import { decodeText } from './text-encoding.js';

/**
 * JSON: `{ "head": { … }, "items": [ { … }, … ], "containers": [ … ] }`. A section is one object
 * (one record) or an array of objects; values are strings, numbers (kept exactly as written),
 * booleans, null (empty) or nested objects (flattened to dotted column names such as agent.code).
 * Which keys are sections comes from `json.sections`.
 */
export function readJson(bytes: Uint8Array, opts: ReadOptions): SourceDocument {
  const { file } = opts;
  const decoded = decodeText(bytes, opts.encoding, file);
  let root: JsonNode;
  try {
    root = parseJsonText(decoded.text);
  } catch (err) {
    const e = err as JsonSyntaxError;
    throw new GatewayError(
      'GW_ERR_INPUT_FORMAT',
      problem(
        e.atEnd ? 'json-truncated' : 'json-syntax',
        { file, line: e.line, col: e.col },
        e.atEnd ? `JSON 在第 ${e.line} 行意外结束：文件可能被截断` : `JSON 格式错误：${e.message}`,
        e.atEnd
          ? `the JSON ends unexpectedly at line ${e.line}: the file is probably truncated`
          : `JSON syntax error: ${e.message}`,
        { fixZh: '重新导出完整的 JSON 文件', fixEn: 'export the whole JSON file again' },
      ),
    );
  }
  if (root.kind !== 'object') {
    throw new GatewayError(
      'GW_ERR_INPUT_FORMAT',
      problem(
        'json-shape',
        { file, line: root.line, col: root.col },
        'JSON 顶层应为对象 { "head": …, "items": [ … ] }',
        'the JSON top level must be an object { "head": …, "items": [ … ] }',
      ),
    );
  }
  const problems: TranslateProblem[] = [];
  const sections = new Map<string, SourceSection>();
  const seen = new Set<string>();
  for (const entry of root.entries) {
    if (seen.has(entry.key))
      problems.push(
        problem(
          'json-duplicate-key',
          { file, path: `$.${entry.key}`, line: entry.line, col: entry.col },
          `键“${entry.key}”重复`,
          `key "${entry.key}" appears twice`,
        ),
      );
    seen.add(entry.key);
    const name = opts.json.sections[entry.key];
    if (name === undefined) continue;
    const base = `$.${entry.key}`;
    const nodes =
      entry.value.kind === 'array'
        ? entry.value.items.map((n, k) => ({ n, path: `${base}[${k}]` }))
        : [{ n: entry.value, path: base }];
    const records: SourceRecord[] = [];
    for (const { n, path } of nodes) {
      if (n.kind !== 'object') {
        problems.push(
          problem(
            'json-shape',
            { file, path, line: n.line, col: n.col },
            `${path} 应为对象`,
            `${path} must be an object`,
          ),
        );
        continue;
      }
      const cells = new Map<string, SourceCell>();
      // Nested objects flatten to dotted keys: { "agent": { "code": … } } gives the column agent.code.
      const collect = (entries: readonly JsonEntry[], prefix: string, at: string): void => {
        for (const f of entries) {
          const key = `${prefix}${f.key}`;
          const pos = {
            file,
            path: `${at}.${f.key}`,
            columnName: key,
            line: f.value.line,
            col: f.value.col,
          };
          if (f.value.kind === 'object') {
            collect(f.value.entries, `${key}.`, pos.path);
            continue;
          }
          if (f.value.kind === 'array') {
            problems.push(
              problem(
                'json-nested',
                pos,
                `${pos.path} 是数组；字段值只能是字符串、数字、布尔、null 或对象`,
                `${pos.path} is an array; a field value must be a string, number, boolean, null or object`,
              ),
            );
            continue;
          }
          if (cells.has(key))
            problems.push(
              problem('json-duplicate-key', pos, `键“${key}”重复`, `key "${key}" appears twice`),
            );
          if (f.value.text.length > opts.maxCellChars)
            problems.push(hugeCell(pos, f.value.text.length, opts.maxCellChars));
          cells.set(key, { value: cleanCell(f.value.text), pos });
        }
      };
      collect(n.entries, '', path);
      records.push({ pos: { file, path, line: n.line, col: n.col }, cells });
    }
    const prev = sections.get(name);
    sections.set(name, {
      name,
      pos: { file, path: base, line: entry.line, col: entry.col },
      records: [...(prev?.records ?? []), ...records],
    });
  }
  if (problems.length > 0) throw new GatewayError('GW_ERR_INPUT_FORMAT', problems);
  return { file, format: 'json', encoding: decoded.encoding, sections };
}
