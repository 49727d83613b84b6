import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { GatewayError, isGatewayError } from '../core/errors.js';
import { decodeXml } from '../core/xml-text.js';
import {
  createTranslator,
  joinCsvParts,
  loadMapping,
  translateAll,
  translationSchema,
  type StandardMessage,
  type TranslationOptions,
  type Translator,
  type TranslatorKind,
} from '../translators/index.js';
import { decodeText } from '../translators/source/text-encoding.js';

/** Options shared by `eport translate` and `eport validate` to choose a translator. */
export interface TranslatorCliOptions {
  readonly config?: string;
  readonly channel?: string;
  readonly mapping?: string;
  readonly format?: string;
  readonly encoding?: string;
  readonly codes?: string;
  /** commander's --no-validate gives validate: false. */
  readonly validate?: boolean;
}

const FORMATS = ['auto', 'csv', 'json', 'xlsx', 'xml'] as const;
const ENCODINGS = ['auto', 'UTF-8', 'GBK', 'GB18030'] as const;

/** True when the bytes are XML whose root element is DecMessage (any prefix). */
export function looksLikeDecMessage(bytes: Buffer, file: string): boolean {
  return standardXmlKind(bytes, file) === 'dec-xml';
}

/** The pass-through translator for a standard message by its root element, if it is one. */
export function standardXmlKind(bytes: Buffer, file: string): 'dec-xml' | 'ceb-xml' | 'manifest-xml' | undefined {
  let text: string;
  try {
    text = decodeXml(bytes, file).text;
  } catch {
    return undefined;
  }
  const root = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:[A-Za-z_][\w.-]*:)?(DecMessage|CEB\d{3}Message|Manifest)[\s>/]/.exec(text)?.[1];
  if (root === 'DecMessage') return 'dec-xml';
  if (root?.startsWith('CEB')) return 'ceb-xml';
  if (root === 'Manifest') return 'manifest-xml';
  return undefined;
}

/**
 * The translator the command line asks for: a channel of a configuration file (`--config` and
 * `--channel`), or a mapping (`--mapping`), or, for standard DecMessage XML, the pass-through
 * translator with validation on. Translators are cached per kind, so a folder is set up once.
 */
export class CliTranslators {
  private readonly cache = new Map<string, Translator>();
  private readonly channelSpec: { kind: TranslatorKind; options: TranslationOptions; base: string } | undefined;

  constructor(private readonly opts: TranslatorCliOptions) {
    if (opts.format && !(FORMATS as readonly string[]).includes(opts.format)) throw new Error(`--format must be one of ${FORMATS.join(', ')}`);
    if (opts.encoding && !(ENCODINGS as readonly string[]).includes(opts.encoding)) throw new Error(`--encoding must be one of ${ENCODINGS.join(', ')}`);
    if (opts.channel) {
      if (!opts.config) throw new Error('--channel needs --config <file> / --channel 需要同时给出 --config');
      const config = loadConfig(opts.config);
      const ch = config.channels.find((c) => c.name === opts.channel);
      if (!ch) throw new Error(`no channel "${opts.channel}" in ${opts.config}; channels: ${config.channels.map((c) => c.name).join(', ')} / 找不到通道`);
      // `translation` is the per-channel option block of translators/factory.ts; read it loosely
      // so this works before and after the configuration schema carries it.
      const raw = (ch as unknown as { translation?: unknown }).translation;
      this.channelSpec = { kind: ch.translator as TranslatorKind, options: translationSchema.parse(raw ?? {}), base: dirname(resolve(opts.config)) };
    }
  }

  private overrides(): TranslationOptions {
    return {
      ...(this.opts.format ? { format: this.opts.format as TranslationOptions['format'] } : {}),
      ...(this.opts.encoding ? { encoding: this.opts.encoding as TranslationOptions['encoding'] } : {}),
      ...(this.opts.codes ? { codesDir: this.opts.codes } : {}),
      ...(this.opts.validate === false ? { validate: false } : {}),
    };
  }

  private make(key: string, kind: TranslatorKind, options: TranslationOptions, resolvePath: (p: string) => string): Translator {
    let t = this.cache.get(key);
    if (!t) {
      t = createTranslator(kind, options, resolvePath);
      this.cache.set(key, t);
    }
    return t;
  }

  /** The translator for one file. */
  for(file: string, bytes: Buffer): Translator {
    if (this.channelSpec) {
      const { kind, options, base } = this.channelSpec;
      return this.make('channel', kind, { ...options, ...this.overrides() }, (p) => (isAbsolute(p) ? p : join(base, p)));
    }
    const fmt = this.opts.format;
    const standard = !fmt || fmt === 'auto' || fmt === 'xml' ? standardXmlKind(bytes, file) : undefined;
    if (standard && !this.opts.mapping) {
      // Standard XML dropped as-is: the CLI validates it unless told not to.
      return this.make(standard, standard, { validate: true, ...this.overrides() }, (p) => p);
    }
    if (!this.opts.mapping) {
      throw new GatewayError('GW_ERR_CONFIG', {
        where: file,
        zh: '不是标准 DecMessage 报文：请用 --mapping 指定映射文件，或用 --config 与 --channel 指定通道',
        en: 'not a standard DecMessage: give a mapping with --mapping, or a channel with --config and --channel',
      });
    }
    const kind = kindOfMapping(this.opts.mapping);
    return this.make(kind, kind, { mapping: this.opts.mapping, ...this.overrides() }, (p) => p);
  }
}

/** The translator a mapping file is for, by its `message:` (DecMessage when absent). */
export function kindOfMapping(path: string): TranslatorKind {
  let message = '';
  try {
    message = String((parseYaml(readFileSync(path, 'utf8')) as { message?: unknown } | null)?.message ?? '');
  } catch {
    return 'enterprise'; // the translator reports the unreadable mapping with its position
  }
  if (/^CEB/i.test(message)) return 'ceb';
  if (/^MT\d{4}$/i.test(message)) return 'manifest';
  return 'enterprise';
}

/** Prints a GatewayError for an operator: code, catalogue text, then every detail with its fix. */
export function formatError(err: unknown): string {
  if (!isGatewayError(err)) return err instanceof Error ? err.message : String(err);
  const j = err.toJSON();
  const lines = [`${j.code}: ${j.zh} / ${j.en}${j.details.length > 1 ? ` (${j.details.length})` : ''}`];
  for (const d of j.details) {
    lines.push(`  - ${d.where ? `[${d.where}] ` : ''}${d.zh}`);
    if (d.en !== d.zh) lines.push(`    ${d.en}`);
    if (d.fixZh || d.fixEn) lines.push(`    修正 / fix: ${[d.fixZh, d.fixEn].filter(Boolean).join(' / ')}`);
  }
  return lines.join('\n');
}

/** Joins a CSV head file and items file into one sections-layout input (UTF-8). */
function joinPair(headFile: string, itemsFile: string, mappingFile: string, encoding: string | undefined): Buffer {
  const { mapping } = loadMapping(mappingFile);
  const markerOf = (section: string | undefined): string => {
    const key = Object.entries(mapping.input.csv.sections).find(([, v]) => v === section)?.[0];
    if (!key) throw new Error(`the mapping's csv.sections has no marker for section "${section ?? ''}"`);
    return key;
  };
  const setting = (encoding ?? mapping.input.encoding) as (typeof ENCODINGS)[number];
  const text = (f: string): string => decodeText(readFileSync(f), setting, basename(f)).text;
  return Buffer.from(
    joinCsvParts([
      { marker: markerOf(mapping.blocks.DecHead?.from), text: text(headFile) },
      { marker: markerOf(mapping.blocks.DecList?.from), text: text(itemsFile) },
    ]),
    'utf8',
  );
}

/** Registers `eport translate FILE`. */
export function registerTranslate(program: Command): void {
  program
    .command('translate')
    .description('translate an enterprise file (CSV, JSON, Excel, XML) or a DecMessage into standard DecMessage XML / 把企业文件转换为标准报关单报文')
    .argument('<file>', 'input file')
    .option('-c, --config <file>', 'gateway configuration file (with --channel)')
    .option('--channel <name>', "use this channel's translator and mapping")
    .option('-m, --mapping <file>', 'mapping YAML for enterprise formats')
    .option('-f, --format <format>', `input format: ${FORMATS.join(' | ')}`)
    .option('-e, --encoding <encoding>', `text encoding of CSV/JSON: ${ENCODINGS.join(' | ')}`)
    .option('--items <file>', 'CSV items file that goes with a CSV head file (a head + items pair)')
    .option('--codes <dir>', 'folder of code tables that replace the bundled ones')
    .option('--no-validate', 'skip the filling-rule validation (not recommended)')
    .option('-o, --out <dir>', 'write <ClientSeqNo>.xml files into this folder (default: one message to stdout)')
    .action(async (file: string, opts: TranslatorCliOptions & { items?: string; out?: string }) => {
      try {
        let bytes: Buffer = readFileSync(file);
        let cliOpts: TranslatorCliOptions = opts;
        if (opts.items) {
          if (!opts.mapping) throw new Error('--items needs --mapping / --items 需要 --mapping');
          bytes = joinPair(file, opts.items, opts.mapping, opts.encoding);
          cliOpts = { ...opts, format: 'csv', encoding: 'UTF-8' };
        }
        const translators = new CliTranslators(cliOpts);
        const messages: readonly StandardMessage[] = await translateAll(translators.for(file, bytes), bytes, { channel: opts.channel ?? 'cli', fileName: basename(file) });
        if (!opts.out) {
          if (messages.length !== 1) throw new Error(`${messages.length} messages (the input was split); give --out <dir> / 输入被拆分为 ${messages.length} 份报文，请用 --out 指定输出目录`);
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
        console.error(formatError(err));
        process.exitCode = 1;
      }
    });
}
