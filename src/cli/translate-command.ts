import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { reportError } from './format-error.js';
import type { TranslatorCliOptions } from './cli-translators.js';

const FORMATS = 'auto | csv | json | xlsx | xml';
const ENCODINGS = 'auto | UTF-8 | GBK | GB18030';

/** Registers `eport translate FILE`. The translators load when the command runs, not at CLI start. */
export function registerTranslate(program: Command): void {
  program
    .command('translate')
    .description(
      'translate an enterprise file (CSV, JSON, Excel, XML) or a DecMessage into standard DecMessage XML / 把企业文件转换为标准报关单报文',
    )
    .argument('<file>', 'input file')
    .option('-c, --config <file>', 'gateway configuration file (with --channel)')
    .option('--channel <name>', "use this channel's translator and mapping")
    .option('-m, --mapping <file>', 'mapping YAML for enterprise formats')
    .option('-f, --format <format>', `input format: ${FORMATS}`)
    .option('-e, --encoding <encoding>', `text encoding of CSV/JSON: ${ENCODINGS}`)
    .option('--items <file>', 'CSV items file that goes with a CSV head file (a head + items pair)')
    .option('--codes <dir>', 'folder of code tables that replace the bundled ones')
    .option('--no-validate', 'skip the filling-rule validation (not recommended)')
    .option(
      '-o, --out <dir>',
      'write <ClientSeqNo>.xml files into this folder (default: one message to stdout)',
    )
    .action(async (file: string, opts: TranslatorCliOptions & { items?: string; out?: string }) => {
      try {
        const { CliTranslators, joinPair } = await import('./cli-translators.js');
        const { readInput } = await import('./read-input.js');
        const { translateAll } = await import('../translators/translator.js');
        let bytes: Buffer = readInput(file);
        let cliOpts: TranslatorCliOptions = opts;
        if (opts.items) {
          if (!opts.mapping) throw new Error('--items needs --mapping / --items 需要 --mapping');
          bytes = joinPair(file, opts.items, opts.mapping, opts.encoding);
          cliOpts = { ...opts, format: 'csv', encoding: 'UTF-8' };
        }
        const translators = new CliTranslators(cliOpts);
        const messages = await translateAll(translators.for(file, bytes), bytes, {
          channel: opts.channel ?? 'cli',
          fileName: basename(file),
        });
        if (!opts.out) {
          if (messages.length !== 1)
            throw new Error(
              `${messages.length} messages (the input was split); give --out <dir> / 输入被拆分为 ${messages.length} 份报文，请用 --out 指定输出目录`,
            );
          process.stdout.write(messages[0]!.xml);
          return;
        }
        mkdirSync(opts.out, { recursive: true });
        for (const m of messages) {
          const target = join(opts.out, `${m.businessKey}.xml`);
          writeFileSync(target, m.xml);
          console.error(`wrote / 已写入 ${target}`);
        }
      } catch (err) {
        reportError(err);
      }
    });
}
