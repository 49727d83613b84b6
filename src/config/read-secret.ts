import { readFileSync } from 'node:fs';
import type { ConfigProblem } from './config-problem.js';

/**
 * A secret from the environment (or the file its NAME_FILE variable names) or from a file; on
 * failure, records a problem with its fix and returns undefined.
 */
export function readSecret(
  s: { env?: string | undefined; file?: string | undefined },
  path: string,
  abs: (p: string) => string,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
): string | undefined {
  if (s.env) {
    const v = env[s.env];
    if (v !== undefined) return v;
    // The NAME_FILE convention (Docker and Kubernetes secrets): the variable names a file.
    const file = env[`${s.env}_FILE`];
    if (file !== undefined) return readSecret({ file }, path, abs, env, problems);
    problems.push({
      path,
      message: `environment variable ${s.env} (or ${s.env}_FILE) is not set / 环境变量未设置`,
      fix: `export ${s.env}=... or ${s.env}_FILE=/run/secrets/... / 运行前设置该环境变量`,
    });
    return undefined;
  }
  try {
    return readFileSync(abs(s.file!), 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    problems.push({
      path,
      message: `cannot read secret file: ${(err as Error).message} / 无法读取密码文件`,
      fix: 'check the path and permissions; relative paths are relative to the configuration file / 检查路径和权限',
    });
    return undefined;
  }
}
