import { accessSync, constants, statSync } from 'node:fs';
import type { ConfigProblem } from './config-problem.js';
import { pathText } from './issue-text.js';

/**
 * Keys whose string value names a file or folder, wherever they sit in the configuration: a
 * soft-key `key`, a card `certificate`, a channel's `mapping` and `codesDir`, the `file` of
 * every secret (`{ file: ... }`), and the Single Window client's `impPath` (a share that must be
 * mounted) and `settingsFile`. Keyed by name so a new adapter's files are checked too.
 */
const NAMED: Readonly<Record<string, 'file' | 'folder'>> = {
  key: 'file',
  certificate: 'file',
  mapping: 'file',
  file: 'file',
  codesDir: 'folder',
  impPath: 'folder',
  settingsFile: 'file',
};

/** One problem for each file or folder the configuration names that is missing or unreadable. */
export function namedFileProblems(raw: unknown, abs: (p: string) => string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, [...path, i]));
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      const kind = NAMED[k];
      if (kind && typeof x === 'string' && x !== '') {
        const problem = check(abs(x), kind);
        if (problem) problems.push({ path: pathText([...path, k]), ...problem });
      } else if (k !== 'headers') walk(x, [...path, k]); // header names are not file keys
    }
  };
  walk(raw, []);
  return problems;
}

function check(path: string, kind: 'file' | 'folder'): Omit<ConfigProblem, 'path'> | undefined {
  const zhKind = kind === 'file' ? '文件' : '文件夹';
  try {
    const st = statSync(path);
    if (kind === 'folder' ? !st.isDirectory() : st.isDirectory()) {
      return {
        message: `${path} is not a ${kind} / ${path} 不是${zhKind}`,
        fix: `give the path of a ${kind} / 请填写${zhKind}的路径`,
      };
    }
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return {
        message: `${kind} not found: ${path} / ${zhKind}不存在`,
        fix: 'check the path; relative paths are relative to the configuration file / 检查路径；相对路径以配置文件所在目录为准',
      };
    }
    return {
      message: `cannot read ${path}: ${code ?? (err as Error).message} / 无法读取${zhKind}`,
      fix: 'let the user the gateway runs as read it (chown / chmod) / 请让运行网关的用户有读取权限',
    };
  }
}
