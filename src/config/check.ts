import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ConfigProblem } from './config-problem.js';
import { parseConfigText } from './load.js';
import { namedFileProblems } from './named-files.js';
import { byLine } from './problem-text.js';
import type { GatewayConfig } from './resolve.js';

/**
 * Everything `eport config check` and `eport doctor` find in a configuration file, at once: YAML
 * syntax, missing environment variables, schema, cross-references, and every file the
 * configuration names (keys, certificates, secrets, mappings, code-table folders), with mappings
 * and code tables loaded as `start` would load them. `config` is set when the file resolves (even
 * if a named file is missing), so doctor can go on checking the machine.
 */
export async function checkConfigFile(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ config?: GatewayConfig; problems: ConfigProblem[] }> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return {
      problems: [
        {
          path: '(file)',
          message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} / 无法读取配置文件`,
          fix: 'check the path / 检查文件路径',
        },
      ],
    };
  }
  const parsed = parseConfigText(text, file, env);
  if (parsed.raw === undefined) return { problems: parsed.problems };
  const baseDir = dirname(resolve(file));
  const abs = (p: string): string => (isAbsolute(p) ? p : join(baseDir, p));
  const problems = [...parsed.problems];
  // A secret file resolveConfig could not read is reported once, at the secret.
  const covered = (path: string): boolean =>
    problems.some((p) => path === p.path || path.startsWith(`${p.path}.`));
  for (const p of namedFileProblems(parsed.raw, abs))
    if (!covered(p.path))
      problems.push({ ...p, ...(parsed.lines?.(p.path) ? { line: parsed.lines(p.path)! } : {}) });
  if (parsed.config) {
    for (const p of await translationProblems(parsed.config, covered))
      problems.push({ ...p, ...(parsed.lines?.(p.path) ? { line: parsed.lines(p.path)! } : {}) });
  }
  return { ...(parsed.config ? { config: parsed.config } : {}), problems: byLine(problems) };
}

/** Loads each channel's mapping and code tables as `start` does; their problems, at the channel. */
async function translationProblems(
  config: GatewayConfig,
  covered: (path: string) => boolean,
): Promise<ConfigProblem[]> {
  const { createTranslator } = await import('../translators/factory.js');
  const { isGatewayError } = await import('../core/errors.js');
  const problems: ConfigProblem[] = [];
  config.channels.forEach((ch, i) => {
    const path = `channels[${i}].translation${ch.translation.mapping ? '.mapping' : ch.translation.codesDir ? '.codesDir' : ''}`;
    if (['', '.mapping', '.codesDir'].some((k) => covered(`channels[${i}].translation${k}`)))
      return; // a missing file says it already
    try {
      createTranslator(ch.translator, ch.translation);
    } catch (err) {
      if (!isGatewayError(err)) {
        problems.push({ path, message: `${(err as Error).message}` });
        return;
      }
      const details = err.details.length
        ? err.details
        : [{ zh: err.toJSON().zh, en: err.toJSON().en }];
      for (const d of details) {
        const fix = [d.fixEn, d.fixZh].filter(Boolean).join(' / ');
        problems.push({
          path,
          message: `${err.code}: ${d.where ? `${d.where}: ` : ''}${d.en}${d.zh !== d.en ? ` / ${d.zh}` : ''}`,
          ...(fix ? { fix } : {}),
        });
      }
    }
  });
  return problems;
}
