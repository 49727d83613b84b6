import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { configSchema, type ParsedConfig } from './schema.js';
import { resolveConfig, type GatewayConfig } from './resolve.js';
import { problemsFromIssue } from './issue-text.js';
import { rawReferenceProblems } from './raw-references.js';
import { byLine } from './problem-text.js';
import { lineOf } from './yaml-lines.js';

export { ConfigError, type ConfigProblem } from './config-error.js';
import { ConfigError, type ConfigProblem } from './config-error.js';

/** Replaces ${NAME} in every string with the environment variable NAME; missing ones are problems. */
function expandEnv(
  value: unknown,
  path: string,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, key: string) => {
      const v = env[key];
      if (v === undefined) {
        problems.push({
          path,
          message: `environment variable ${key} is not set / 环境变量 ${key} 未设置`,
          fix: `export ${key}=... before running eport / 运行前设置该环境变量`,
        });
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(value))
    return value.map((v, i) => expandEnv(v, `${path}[${i}]`, env, problems));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        expandEnv(v, path ? `${path}.${k}` : k, env, problems),
      ]),
    );
  }
  return value;
}

/** Parses and validates config text; returns every problem at once. */
export function parseConfigText(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): {
  config?: GatewayConfig;
  problems: ConfigProblem[];
  raw?: unknown;
  lines?: (path: string) => number | undefined;
} {
  const problems: ConfigProblem[] = [];
  const counter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter: counter });
  for (const e of doc.errors) {
    problems.push({
      path: `line ${e.linePos?.[0]?.line ?? '?'}`,
      message: `YAML syntax error / YAML 语法错误: ${e.message.split('\n')[0]}`,
      fix: 'fix the YAML syntax (indentation, quotes, colons) / 修正 YAML 语法',
    });
  }
  if (problems.length) return { problems };
  const lines = (path: string): number | undefined => lineOf(doc, counter, path);
  const withLines = (ps: ConfigProblem[]): ConfigProblem[] =>
    byLine(ps.map((p) => (p.line ? p : { ...p, line: lines(p.path) })));
  const raw = expandEnv(doc.toJS() ?? {}, '', env, problems);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    // Everything at once: missing variables, every schema issue, and the cross-references.
    const envPaths = new Set(problems.map((p) => p.path));
    for (const issue of parsed.error.issues) {
      for (const p of problemsFromIssue(issue, configSchema, raw))
        if (!envPaths.has(p.path)) problems.push(p); // a missing variable already explains it
    }
    problems.push(...rawReferenceProblems(raw, env));
    return { problems: withLines(problems), raw, lines };
  }
  const baseDir = dirname(resolve(file));
  const resolved = resolveConfig(
    parsed.data as ParsedConfig,
    (p) => (isAbsolute(p) ? p : join(baseDir, p)),
    env,
  );
  problems.push(...resolved.problems);
  return problems.length
    ? { problems: withLines(problems), raw, lines }
    : { config: resolved.config, problems, raw, lines };
}

/** Loads a config file; throws ConfigError listing every problem. The result is deeply frozen. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [
      {
        path: '(file)',
        message: `cannot read: ${(err as Error).message} / 无法读取配置文件`,
        fix: 'check the path / 检查文件路径',
      },
    ]);
  }
  const { config, problems } = parseConfigText(text, file, env);
  if (!config) throw new ConfigError(file, problems);
  return config;
}
