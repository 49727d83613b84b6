import type { ConfigProblem } from './config-problem.js';

/**
 * How every command prints configuration problems (`config check`, `start`, `doctor`, `status`…):
 * the GW_ERR_CONFIG line, then each problem with its path, its line in the file, and its fix.
 */
export function describeProblems(file: string, problems: readonly ConfigProblem[]): string {
  const n = problems.length;
  const lines = [
    `GW_ERR_CONFIG: 配置错误 / configuration error — ${file}: ${n} problem(s) / ${n} 处错误`,
  ];
  for (const p of problems) {
    lines.push(`  ✗ ${p.path}${p.line ? ` (line ${p.line})` : ''}: ${p.message}`);
    if (p.fix) lines.push(`      修正 / fix: ${p.fix}`);
  }
  return lines.join('\n');
}

/** Problems in file order (those without a line last), keeping the order within a line. */
export function byLine(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return problems
    .map((p, i) => [p, i] as const)
    .sort(([a, i], [b, j]) => (a.line ?? Infinity) - (b.line ?? Infinity) || i - j)
    .map(([p]) => p);
}
