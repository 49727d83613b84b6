import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { GatewayError } from '../../core/errors.js';

/**
 * Code tables (eport-formats.md §9) are data files, loaded at run time so they can be updated
 * without touching code: the bundled tables live in `codes/tables/*.json`, and a configured
 * override directory may hold files of the same name, which replace the bundled table whole.
 *
 * A table file: `{ table, titleZh, titleEn, source, matchParent?, entries: [[code, 中文名, alias…], …] }`.
 */

export const CODE_TABLE_NAMES = [
  'trade-modes',
  'levy-natures',
  'transport-modes',
  'transaction-modes',
  'package-types',
  'units',
  'currencies',
  'countries',
  'customs-areas',
  'container-types',
  'duty-modes',
  'edoc-types',
] as const;

export type CodeTableName = (typeof CODE_TABLE_NAMES)[number];

const tableFileSchema = z
  .object({
    table: z.string(),
    titleZh: z.string(),
    titleEn: z.string(),
    source: z.string().optional(),
    matchParent: z
      .boolean()
      .optional()
      .describe('accept XXnn when XX00 is listed (subordinate customs areas)'),
    entries: z.array(z.array(z.string().min(1)).min(2)).min(1),
  })
  .strict();

const levyRulesSchema = z
  .object({
    table: z.literal('trade-levy-rules'),
    titleZh: z.string(),
    titleEn: z.string(),
    source: z.string().optional(),
    rules: z.array(
      z
        .object({
          tradeModes: z.array(z.string()).min(1),
          cutModes: z.array(z.string()).optional(),
          notCutModes: z.array(z.string()).optional(),
          zh: z.string(),
          en: z.string(),
        })
        .strict(),
    ),
  })
  .strict();

/** One TradeMode/CutMode consistency rule. */
export type TradeLevyRule = z.output<typeof levyRulesSchema>['rules'][number];

export interface CodeEntry {
  readonly code: string;
  readonly zh: string;
  readonly aliases: readonly string[];
}

/** Folds case and full-width forms so `ｋｇ`, `KG` and `kg` meet. */
const fold = (s: string): string => s.normalize('NFKC').trim().toUpperCase();

export class CodeTable {
  private readonly byCode: ReadonlyMap<string, CodeEntry>;
  private readonly byName: ReadonlyMap<string, string>;

  constructor(
    readonly name: string,
    readonly titleZh: string,
    readonly titleEn: string,
    readonly entries: readonly CodeEntry[],
    readonly matchParent: boolean,
  ) {
    this.byCode = new Map(entries.map((e) => [e.code, e]));
    const byName = new Map<string, string>();
    for (const e of entries)
      for (const n of [e.zh, ...e.aliases]) if (!byName.has(fold(n))) byName.set(fold(n), e.code);
    this.byName = byName;
  }

  /** True when `code` is a valid code (or, with matchParent, a subordinate of a listed XX00 code). */
  has(code: string): boolean {
    if (this.byCode.has(code)) return true;
    return this.matchParent && code.length === 4 && this.byCode.has(`${code.slice(0, 2)}00`);
  }

  /** The Chinese name of a code, when listed. */
  nameOf(code: string): string | undefined {
    return this.byCode.get(code)?.zh;
  }

  /** A code from what an enterprise wrote: the code itself, its Chinese name, or an alias. */
  lookup(text: string): string | undefined {
    if (this.has(text)) return text;
    return this.byName.get(fold(text));
  }

  /** A few codes with names, for "use one of …" hints. */
  sample(n = 6): string {
    return this.entries
      .slice(0, n)
      .map((e) => `${e.code} ${e.zh}`)
      .join('、');
  }
}

export interface CodeTables {
  get(name: CodeTableName): CodeTable;
  readonly tradeLevyRules: readonly TradeLevyRule[];
}

/**
 * The bundled tables' folder. In a source checkout (tsx, vitest) it sits next to this file; the
 * compiled dist/ has no copy, so fall back to the source folder in the package.
 */
export function bundledCodesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, 'tables'),
    resolve(here, '..', '..', '..', 'src', 'translators', 'codes', 'tables'),
  ];
  const found = candidates.find((d) => existsSync(join(d, 'trade-modes.json')));
  if (!found)
    throw new GatewayError(
      'GW_ERR_CONFIG',
      `code tables not found in ${candidates.join(' or ')} / 找不到代码表`,
    );
  return found;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new GatewayError('GW_ERR_CONFIG', {
      where: path,
      zh: `代码表无法读取：${(err as Error).message}`,
      en: `code table cannot be read: ${(err as Error).message}`,
    });
  }
}

function tableFile(dir: string, overrideDir: string | undefined, name: string): string {
  const override = overrideDir ? join(overrideDir, `${name}.json`) : undefined;
  return override && existsSync(override) ? override : join(dir, `${name}.json`);
}

function loadTable(path: string, name: string): CodeTable {
  const parsed = tableFileSchema.safeParse(readJson(path));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GatewayError('GW_ERR_CONFIG', {
      where: `${path}${issue ? `, ${issue.path.join('.')}` : ''}`,
      zh: `代码表格式错误：${issue?.message ?? ''}`,
      en: `code table is malformed: ${issue?.message ?? ''}`,
    });
  }
  const t = parsed.data;
  const entries = t.entries.map(([code, zh, ...aliases]) => ({ code: code!, zh: zh!, aliases }));
  return new CodeTable(name, t.titleZh, t.titleEn, entries, t.matchParent ?? false);
}

const cache = new Map<string, CodeTables>();

/**
 * Loads every code table, bundled or overridden. Cached per override folder: the tables are read
 * once per process, at translator construction, never during a translation.
 */
export function loadCodeTables(options: { overrideDir?: string | undefined } = {}): CodeTables {
  const key = options.overrideDir ?? '';
  const hit = cache.get(key);
  if (hit) return hit;
  const dir = bundledCodesDir();
  if (options.overrideDir && !existsSync(options.overrideDir)) {
    throw new GatewayError('GW_ERR_CONFIG', {
      where: options.overrideDir,
      zh: '代码表覆盖目录不存在',
      en: 'the code-table override folder does not exist',
    });
  }
  if (options.overrideDir) {
    const known = new Set<string>([...CODE_TABLE_NAMES, 'trade-levy-rules']);
    const stray = readdirSync(options.overrideDir).filter(
      (f) => f.endsWith('.json') && !known.has(f.slice(0, -5)),
    );
    if (stray.length > 0) {
      throw new GatewayError('GW_ERR_CONFIG', {
        where: options.overrideDir,
        zh: `未知的代码表文件：${stray.join('、')}`,
        en: `unknown code-table files: ${stray.join(', ')}`,
      });
    }
  }
  const tables = new Map<CodeTableName, CodeTable>(
    CODE_TABLE_NAMES.map((n) => [n, loadTable(tableFile(dir, options.overrideDir, n), n)]),
  );
  const rulesPath = tableFile(dir, options.overrideDir, 'trade-levy-rules');
  const rules = levyRulesSchema.safeParse(readJson(rulesPath));
  if (!rules.success)
    throw new GatewayError('GW_ERR_CONFIG', {
      where: rulesPath,
      zh: '监管方式/征免性质规则文件格式错误',
      en: 'trade/levy rule file is malformed',
    });
  const result: CodeTables = {
    get: (name) => tables.get(name)!,
    tradeLevyRules: rules.data.rules,
  };
  cache.set(key, result);
  return result;
}
