import type { z } from 'zod';
import { didYouMean } from './did-you-mean.js';
import type { ConfigProblem } from './config-problem.js';

/**
 * Turns a schema issue into a problem an operator can act on: where it is, what is wrong in
 * Chinese and English, and how to fix it — from the schema itself (its keys, allowed values,
 * descriptions and messages), so a new field explains itself without changes here.
 */

type Segment = string | number;
type AnySchema = z.core.$ZodType;
interface Def {
  readonly type: string;
  readonly innerType?: AnySchema;
  readonly in?: AnySchema;
  readonly shape?: Record<string, AnySchema>;
  readonly element?: AnySchema;
  readonly options?: readonly AnySchema[];
  readonly discriminator?: string;
  readonly values?: readonly unknown[];
}

const defOf = (s: AnySchema): Def => s._zod.def as unknown as Def;
const descriptionOf = (s: AnySchema): string | undefined =>
  (s as { description?: string }).description;

/** The schema and what it says of itself, after optional/default wrappers. */
function unwrap(s: AnySchema): { schema: AnySchema; descriptions: string[] } {
  const descriptions: string[] = [];
  let cur = s;
  for (;;) {
    const d = descriptionOf(cur);
    if (d && !descriptions.includes(d)) descriptions.push(d);
    const def = defOf(cur);
    if (
      ['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional'].includes(
        def.type,
      ) &&
      def.innerType
    )
      cur = def.innerType;
    else if (def.type === 'pipe' && def.in) cur = def.in;
    else return { schema: cur, descriptions };
  }
}

/** For a union of objects, the member the raw value chose (by its discriminator) or the first that fits. */
function pickMember(
  options: readonly AnySchema[],
  discriminator: string | undefined,
  raw: unknown,
): AnySchema | undefined {
  const objects = options.map((o) => unwrap(o).schema).filter((o) => defOf(o).type === 'object');
  if (discriminator && raw && typeof raw === 'object') {
    const want = (raw as Record<string, unknown>)[discriminator];
    const hit = objects.find((o) => {
      const lit = defOf(o).shape?.[discriminator];
      return lit !== undefined && (defOf(unwrap(lit).schema).values ?? []).includes(want);
    });
    if (hit) return hit;
  }
  return objects[0];
}

/** The schema that describes the value at `path`, following the raw data through unions. */
function schemaAt(
  root: AnySchema,
  path: readonly Segment[],
  raw: unknown,
): { schema: AnySchema; descriptions: string[] } | undefined {
  let cur = unwrap(root);
  let value = raw;
  for (const seg of path) {
    let def = defOf(cur.schema);
    if (def.type === 'union' && def.options) {
      const member = pickMember(def.options, def.discriminator, value);
      if (!member) return undefined;
      cur = { schema: member, descriptions: cur.descriptions };
      def = defOf(member);
    }
    let next: AnySchema | undefined;
    if (def.type === 'object' && typeof seg === 'string') next = def.shape?.[seg];
    else if (def.type === 'array' && typeof seg === 'number') next = def.element;
    else if (def.type === 'record') next = (def as unknown as { valueType?: AnySchema }).valueType;
    if (!next) return undefined;
    cur = unwrap(next);
    value =
      value && typeof value === 'object' ? (value as Record<Segment, unknown>)[seg] : undefined;
  }
  return cur;
}

/** The keys an object at `path` accepts. */
function keysAt(root: AnySchema, path: readonly Segment[], raw: unknown): string[] {
  const at = schemaAt(root, path, raw);
  if (!at) return [];
  const def = defOf(at.schema);
  if (def.type === 'object') return Object.keys(def.shape ?? {});
  if (def.type === 'union' && def.options) {
    const member = pickMember(def.options, def.discriminator, valueAt(raw, path));
    return member ? Object.keys(defOf(member).shape ?? {}) : [];
  }
  return [];
}

function valueAt(raw: unknown, path: readonly Segment[]): unknown {
  let v = raw;
  for (const seg of path)
    v = v && typeof v === 'object' ? (v as Record<Segment, unknown>)[seg] : undefined;
  return v;
}

/** `channels[0].intake[0].stableMs`, or `(root)`. */
export function pathText(path: readonly PropertyKey[]): string {
  return (
    path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '') || '(root)'
  );
}

const shown = (v: unknown): string =>
  typeof v === 'string'
    ? JSON.stringify(v)
    : v === undefined
      ? 'nothing'
      : (JSON.stringify(v) ?? String(v));
/** A schema message written by us (not zod's generic "Invalid …"), e.g. 'like "30s, 2m"'. */
const ownMessage = (m: string): boolean =>
  !/^(Invalid|Too (big|small)|Expected|Unrecognized)/.test(m);

/** One problem per issue (one per key for unknown keys), each with Chinese and English text and a fix. */
export function problemsFromIssue(
  issue: z.core.$ZodIssue,
  root: AnySchema,
  raw: unknown,
): ConfigProblem[] {
  const path = issue.path as Segment[];
  const value = valueAt(raw, path);
  const at = schemaAt(root, path, raw);
  const about = at?.descriptions.join('; ');
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = keysAt(root, path, raw);
      return issue.keys.map((key) => {
        const guess = didYouMean(key, known);
        return {
          path: pathText([...path, key]),
          message: `unknown key "${key}" / 未知字段 "${key}"`,
          fix: guess
            ? `did you mean "${guess}"? / 是否应为 "${guess}"？`
            : `remove it; keys allowed here: ${known.join(', ')} / 删除该字段；此处可用的字段见上`,
        };
      });
    }
    case 'invalid_type': {
      if (value === undefined) {
        return [
          {
            path: pathText(path),
            message: 'required field is missing / 缺少必填字段',
            fix: `add ${String(path.at(-1) ?? 'it')}${about ? `: ${about}` : ''} / 请添加该字段`,
          },
        ];
      }
      return [
        {
          path: pathText(path),
          message: `${shown(value)} is not a ${issue.expected} / 类型错误，应为 ${issue.expected}`,
          fix: `write a ${issue.expected}${issue.expected === 'string' ? ' (quote it: "...")' : ''}${about ? ` — ${about}` : ''} / 请改为正确的类型`,
        },
      ];
    }
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      const guess = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
      return [
        {
          path: pathText(path),
          message: `${shown(value)} is not allowed here / 取值无效`,
          fix: `${guess ? `did you mean "${guess}"? ` : ''}use one of: ${allowed.join(', ')} / 可选值：${allowed.join('、')}`,
        },
      ];
    }
    case 'invalid_union': {
      const disc = (issue as { discriminator?: string; options?: unknown[] }).discriminator;
      const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
      if (disc && options.length) {
        const guess = typeof value === 'string' ? didYouMean(value, options) : undefined;
        return [
          {
            path: pathText(path),
            message: `unknown ${disc} ${shown(value)} / 未知的 ${disc}`,
            fix: `${guess ? `did you mean "${guess}"? ` : ''}use one of: ${options.join(', ')} / 可选值：${options.join('、')}`,
          },
        ];
      }
      return [
        {
          path: pathText(path),
          message: `${shown(value)} is not valid here / 取值无效`,
          fix: about
            ? `write ${about} / 请按说明填写`
            : 'see `eport config schema` / 请参阅 eport config schema',
        },
      ];
    }
    case 'invalid_format': {
      if (issue.format === 'url') {
        return [
          {
            path: pathText(path),
            message: `${shown(value)} is not a URL / 不是有效的 URL`,
            fix: 'write a full URL, e.g. https://host:port/path / 请写完整的 URL',
          },
        ];
      }
      const how = ownMessage(issue.message)
        ? `write it ${issue.message.startsWith('like') ? '' : 'as '}${issue.message}`
        : about
          ? `write ${about}`
          : 'see `eport config schema`';
      return [
        {
          path: pathText(path),
          message: `${shown(value)} has the wrong format / 格式不正确`,
          fix: `${how} / 请按示例格式填写`,
        },
      ];
    }
    case 'too_big':
    case 'too_small': {
      const big = issue.code === 'too_big';
      const limit = String(big ? issue.maximum : issue.minimum);
      const list = issue.origin === 'array';
      const en = list
        ? big
          ? `at most ${limit} entries`
          : `at least ${limit} entr${limit === '1' ? 'y' : 'ies'}`
        : `${big ? 'at most' : 'at least'} ${limit}${issue.origin === 'string' ? ' characters' : ''}`;
      const zh = list
        ? big
          ? `最多 ${limit} 项`
          : `至少需要 ${limit} 项`
        : big
          ? `不能大于 ${limit}`
          : `不能小于 ${limit}`;
      return [
        {
          path: pathText(path),
          message: `${list ? 'needs' : `${shown(value)} is out of range; must be`} ${en} / ${zh}`,
          fix: `${list ? (big ? 'remove entries' : 'add an entry') : `use a value ${en}`}${about ? ` — ${about}` : ''} / 请修改`,
        },
      ];
    }
    default:
      // A rule of the schema's own (refine): its message says what is missing.
      return [
        {
          path: pathText(path),
          message: issue.message,
          fix: `${about ? `${about}; ` : ''}complete this entry as the message says; \`eport config schema\` lists its fields / 按提示补全该项`,
        },
      ];
  }
}
