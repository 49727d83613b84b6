import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type ParsedConfig } from './schema.js';
import { resolveConfig, type GatewayConfig } from './resolve.js';

/** One problem in a configuration file: where it is, what is wrong, how to fix it. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
  readonly fix?: string;
}

export class ConfigError extends Error {
  readonly code = 'GW_ERR_CONFIG';
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `配置文件有 ${problems.length} 处错误 / ${problems.length} problem(s) in ${file}:\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}${p.fix ? `\n      fix: ${p.fix}` : ''}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Replaces ${NAME} in every string with the environment variable NAME; missing ones are problems. */
function expandEnv(value: unknown, path: string, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, key: string) => {
      const v = env[key];
      if (v === undefined) {
        problems.push({ path, message: `environment variable ${key} is not set / 环境变量 ${key} 未设置`, fix: `export ${key}=...` });
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, `${path}[${i}]`, env, problems));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, expandEnv(v, path ? `${path}.${k}` : k, env, problems)]),
    );
  }
  return value;
}

function zodPath(issue: z.core.$ZodIssue): string {
  return issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(root)';
}

function fixFor(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === 'unrecognized_keys') return `remove or correct the key(s): ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type') {
    return /received undefined/.test(issue.message) ? 'add this field' : `write a ${issue.expected}${issue.expected === 'string' ? ' (quote it: "...")' : ''}`;
  }
  if (issue.code === 'invalid_value') return `use one of: ${issue.values.map(String).join(', ')}`;
  return undefined;
}

/** Parses and validates config text; returns every problem at once. */
export function parseConfigText(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): { config?: GatewayConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const doc = parseDocument(text, { prettyErrors: true });
  for (const e of doc.errors) {
    problems.push({ path: `line ${e.linePos?.[0]?.line ?? '?'}`, message: e.message, fix: 'fix the YAML syntax' });
  }
  if (problems.length) return { problems };
  const raw = expandEnv(doc.toJS() ?? {}, '', env, problems);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const envPaths = new Set(problems.map((p) => p.path));
    for (const issue of parsed.error.issues) {
      const path = zodPath(issue);
      if (envPaths.has(path)) continue; // the missing variable already explains it
      const fix = fixFor(issue);
      problems.push({ path, message: issue.message, ...(fix ? { fix } : {}) });
    }
    return { problems };
  }
  const baseDir = dirname(resolve(file));
  const resolved = resolveConfig(parsed.data as ParsedConfig, (p) => (isAbsolute(p) ? p : join(baseDir, p)), env);
  problems.push(...resolved.problems);
  return problems.length ? { problems } : { config: resolved.config, problems };
}

/** Loads a config file; throws ConfigError listing every problem. The result is deeply frozen. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [
      { path: '(file)', message: `cannot read: ${(err as Error).message} / 无法读取配置文件`, fix: 'check the path' },
    ]);
  }
  const { config, problems } = parseConfigText(text, file, env);
  if (!config) throw new ConfigError(file, problems);
  return config;
}
