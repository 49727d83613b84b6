import { ConfigError } from '../config/config-error.js';
import { describeProblems } from '../config/problem-text.js';
import { isGatewayError, type GatewayErrorJson } from '../core/errors.js';

/**
 * The one way the CLI prints an error: a GatewayError as its code, the catalogue text in Chinese
 * and English, then every detail with where it is and its fix — the same text the daemon writes
 * into an error receipt; a ConfigError as the list `config check` prints; anything else as its message.
 */
export function formatError(err: unknown): string {
  if (err instanceof ConfigError) return describeProblems(err.file, err.problems);
  if (!isGatewayError(err)) return err instanceof Error ? err.message : String(err);
  return formatErrorJson(err.toJSON());
}

/** The same text from an error's plain data (a validation result, a ledger entry). */
export function formatErrorJson(j: GatewayErrorJson): string {
  const lines = [
    `${j.code}: ${j.zh} / ${j.en}${j.details.length > 1 ? ` (${j.details.length})` : ''}`,
  ];
  for (const d of j.details) {
    lines.push(`  - ${d.where ? `[${d.where}] ` : ''}${d.zh}`);
    if (d.en !== d.zh) lines.push(`    ${d.en}`);
    if (d.fixZh || d.fixEn)
      lines.push(`    修正 / fix: ${[d.fixZh, d.fixEn].filter(Boolean).join(' / ')}`);
  }
  return lines.join('\n');
}

/** One line for a table cell (doctor): the first detail in Chinese and English, else the message. */
export function formatErrorLine(err: unknown): string {
  if (!isGatewayError(err)) return err instanceof Error ? err.message : String(err);
  const d = err.details[0] ?? err.toJSON();
  return d.zh === d.en ? d.en : `${d.zh} / ${d.en}`;
}

/** Prints the error on stderr and sets a failing exit code (2 for a bad configuration, else 1). */
export function reportError(err: unknown): void {
  console.error(formatError(err));
  process.exitCode = err instanceof ConfigError ? 2 : 1;
}
