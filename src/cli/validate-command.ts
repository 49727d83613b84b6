import type { Command } from 'commander';
import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { GatewayError } from '../core/errors.js';
import type { TranslatorCliOptions } from './cli-translators.js';
import { formatErrorJson, reportError } from './format-error.js';

const INPUT_EXTENSIONS = new Set(['.csv', '.txt', '.json', '.xlsx', '.xml']);

/** One file's outcome, as `--json` prints it. */
export interface ValidateResult {
  readonly file: string;
  readonly ok: boolean;
  /** ClientSeqNo of each message the file makes. */
  readonly messages: readonly string[];
  readonly error?: ReturnType<GatewayError['toJSON']>;
}

/**
 * Files named on the command line, with folders expanded (recursively, dot-files skipped). A path
 * that does not exist stays in the list, so it is reported like any other bad file.
 */
export function expandInputs(args: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) walk(join(p, name));
    } else if (INPUT_EXTENSIONS.has(extname(p).toLowerCase())) out.push(p);
  };
  for (const a of args) {
    if (statSync(a, { throwIfNoEntry: false })?.isDirectory()) walk(a);
    else out.push(a);
  }
  return out;
}

/** Display width in a terminal: CJK and full-width characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s)
    w +=
      /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\u{20000}-\u{3FFFD}]/u.test(
        ch,
      )
        ? 2
        : 1;
  return w;
}
const padEnd = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - width(s)));

/** A plain-text table with a header row and a rule. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => width(r[c] ?? ''))));
  const line = (r: readonly string[]): string =>
    r
      .map((cell, c) => padEnd(cell, widths[c]!))
      .join('  ')
      .trimEnd();
  return [
    line(rows[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** A one-line progress bar on stderr, only when it is a terminal. */
class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  constructor(private readonly total: number) {}
  show(done: number, file: string): void {
    if (!this.tty) return;
    const cols = 24;
    const filled = Math.round((done / Math.max(1, this.total)) * cols);
    const name = basename(file);
    process.stderr.write(
      `\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(cols - filled)}] ${done}/${this.total} ${name.length > 40 ? `${name.slice(0, 39)}…` : name}`,
    );
  }
  end(): void {
    if (this.tty) process.stderr.write('\r\x1b[K');
  }
}

/** Validates files one by one; never throws for a bad file. */
export async function validateFiles(
  files: readonly string[],
  opts: TranslatorCliOptions,
  onProgress?: (done: number, file: string) => void,
): Promise<ValidateResult[]> {
  const { CliTranslators } = await import('./cli-translators.js');
  const { readInput } = await import('./read-input.js');
  const { translateAll } = await import('../translators/translator.js');
  const { toGatewayError } = await import('../core/errors.js');
  const translators = new CliTranslators(opts);
  const results: ValidateResult[] = [];
  for (const [i, file] of files.entries()) {
    onProgress?.(i, file);
    try {
      const bytes = readInput(file);
      const messages = await translateAll(translators.for(file, bytes), bytes, {
        channel: opts.channel ?? 'cli',
        fileName: basename(file),
      });
      results.push({ file, ok: true, messages: messages.map((m) => m.businessKey) });
    } catch (err) {
      results.push({ file, ok: false, messages: [], error: toGatewayError(err).toJSON() });
    }
  }
  onProgress?.(files.length, '');
  return results;
}

/** Registers `eport validate FILE...`. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'check files or folders against the mapping and the filling rules; exit 1 on any error / 校验文件或目录',
    )
    .argument('<files...>', 'files or folders (folders are searched for .csv .json .xlsx .xml)')
    .option('-c, --config <file>', 'gateway configuration file (with --channel)')
    .option('--channel <name>', "use this channel's translator and mapping")
    .option('-m, --mapping <file>', 'mapping YAML for enterprise formats')
    .option('-f, --format <format>', 'input format: auto | csv | json | xlsx | xml')
    .option('-e, --encoding <encoding>', 'text encoding of CSV/JSON: auto | UTF-8 | GBK | GB18030')
    .option('--codes <dir>', 'folder of code tables that replace the bundled ones')
    .option('--json', 'machine-readable output')
    .action(async (args: string[], opts: TranslatorCliOptions & { json?: boolean }) => {
      let files: string[];
      try {
        files = expandInputs(args);
      } catch (err) {
        reportError(err);
        return;
      }
      const progress = new Progress(files.length);
      let results: ValidateResult[];
      try {
        results = await validateFiles(files, opts, (done, file) => progress.show(done, file));
      } catch (err) {
        progress.end();
        reportError(err);
        return;
      }
      progress.end();
      const failed = results.filter((r) => !r.ok);
      if (failed.length > 0) process.exitCode = 1;
      if (opts.json) {
        console.log(
          JSON.stringify({ files: results.length, failed: failed.length, results }, null, 2),
        );
        return;
      }
      const rows = [
        ['文件 File', '结果 Result', '报文 Messages', '错误 Errors'],
        ...results.map((r) => [
          r.file,
          r.ok ? 'OK 通过' : `${r.error!.code}`,
          r.messages.join(', ') || '-',
          r.ok ? '0' : String(Math.max(1, r.error!.details.length)),
        ]),
      ];
      console.log(table(rows));
      for (const r of failed) {
        console.log(`\n${r.file}:`);
        console.log(`  ${formatErrorJson(r.error!)}`);
      }
      console.log(
        `\n${results.length} 个文件 file(s), ${results.length - failed.length} 通过 passed, ${failed.length} 未通过 failed`,
      );
    });
}
