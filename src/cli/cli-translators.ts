import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { GatewayError } from '../core/errors.js';
import { decodeXml } from '../core/xml-text.js';
import { intakeRefusals } from '../gateway/intake-refusals.js';
import { readInput } from './read-input.js';
import {
  createTranslator,
  type TranslationOptions,
  type TranslatorKind,
} from '../translators/factory.js';
import { loadMapping } from '../translators/mapping/load.js';
import { joinCsvParts } from '../translators/source/csv-reader.js';
import { decodeText } from '../translators/source/text-encoding.js';
import type { Translator } from '../translators/translator.js';

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

export const FORMATS = ['auto', 'csv', 'json', 'xlsx', 'xml'] as const;
export const ENCODINGS = ['auto', 'UTF-8', 'GBK', 'GB18030'] as const;

/** The pass-through translator for a standard message by its root element, if it is one. */
export function standardXmlKind(
  bytes: Buffer,
  file: string,
): 'dec-xml' | 'ceb-xml' | 'manifest-xml' | undefined {
  let text: string;
  try {
    text = decodeXml(bytes, file).text;
  } catch {
    return undefined;
  }
  const root =
    /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:[A-Za-z_][\w.-]*:)?(DecMessage|CEB\d{3}Message|Manifest)[\s>/]/.exec(
      text,
    )?.[1];
  if (root === 'DecMessage') return 'dec-xml';
  if (root?.startsWith('CEB')) return 'ceb-xml';
  if (root === 'Manifest') return 'manifest-xml';
  return undefined;
}

/** XML by its first bytes (after a BOM and blanks) or its name: what a dec-xml inbox would take. */
function looksLikeXml(bytes: Buffer, file: string): boolean {
  const head = bytes
    .subarray(0, 64)
    .toString('latin1')
    .replace(/^\xEF\xBB\xBF/, '')
    .replace(/^\xFF\xFE|^\xFE\xFF/, '')
    .trimStart();
  return head.startsWith('<') || /\.xml$/i.test(file);
}

/**
 * The translator the command line asks for: a channel of a configuration file (`--config` and
 * `--channel`), or a mapping (`--mapping`), or, for XML, the pass-through translator the daemon's
 * default channel uses, with validation on. An empty file is refused as the inbox refuses it, so
 * the CLI reports what the daemon would. Translators are cached per kind, so a folder is set up once.
 */
export class CliTranslators {
  private readonly cache = new Map<string, Translator>();
  private readonly channelSpec:
    { kind: TranslatorKind; options: TranslationOptions; base: string } | undefined;

  constructor(private readonly opts: TranslatorCliOptions) {
    if (opts.format && !(FORMATS as readonly string[]).includes(opts.format))
      throw new Error(`--format must be one of ${FORMATS.join(', ')} / --format 取值无效`);
    if (opts.encoding && !(ENCODINGS as readonly string[]).includes(opts.encoding))
      throw new Error(`--encoding must be one of ${ENCODINGS.join(', ')} / --encoding 取值无效`);
    if (opts.channel) {
      if (!opts.config)
        throw new Error('--channel needs --config <file> / --channel 需要同时给出 --config');
      const config = loadConfig(opts.config);
      const ch = config.channels.find((c) => c.name === opts.channel);
      if (!ch)
        throw new Error(
          `no channel "${opts.channel}" in ${opts.config}; channels: ${config.channels.map((c) => c.name).join(', ')} / 找不到通道`,
        );
      // The resolved channel's paths are absolute already.
      this.channelSpec = {
        kind: ch.translator,
        options: ch.translation,
        base: dirname(resolve(opts.config)),
      };
    }
  }

  private overrides(): TranslationOptions {
    return {
      ...(this.opts.format ? { format: this.opts.format as TranslationOptions['format'] } : {}),
      ...(this.opts.encoding
        ? { encoding: this.opts.encoding as TranslationOptions['encoding'] }
        : {}),
      ...(this.opts.codes ? { codesDir: this.opts.codes } : {}),
      ...(this.opts.validate === false ? { validate: false } : {}),
    };
  }

  private make(
    key: string,
    kind: TranslatorKind,
    options: TranslationOptions,
    resolvePath: (p: string) => string,
  ): Translator {
    let t = this.cache.get(key);
    if (!t) {
      t = createTranslator(kind, options, resolvePath);
      this.cache.set(key, t);
    }
    return t;
  }

  /** The translator for one file; throws the daemon's error for a file no channel would take. */
  for(file: string, bytes: Buffer): Translator {
    if (bytes.length === 0) throw intakeRefusals.empty(basename(file), 'folder');
    if (this.channelSpec) {
      const { kind, options, base } = this.channelSpec;
      return this.make('channel', kind, { ...options, ...this.overrides() }, (p) =>
        isAbsolute(p) ? p : join(base, p),
      );
    }
    const fmt = this.opts.format;
    if (
      !this.opts.mapping &&
      (!fmt || fmt === 'auto' || fmt === 'xml') &&
      looksLikeXml(bytes, file)
    ) {
      // Standard XML dropped as-is. Undecodable or foreign XML goes to dec-xml (the default
      // channel translator), which reports the encoding or the root exactly as the daemon does.
      const kind = standardXmlKind(bytes, file) ?? 'dec-xml';
      return this.make(kind, kind, { validate: true, ...this.overrides() }, (p) => p);
    }
    if (!this.opts.mapping) {
      throw new GatewayError('GW_ERR_CONFIG', {
        where: file,
        zh: '不是 XML 报文，需要映射文件才能转换',
        en: 'not an XML message; an enterprise file needs a mapping',
        fixZh: '用 --mapping 指定映射文件，或用 --config 与 --channel 指定通道',
        fixEn: 'give a mapping with --mapping, or a channel with --config and --channel',
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
    message = String(
      (parseYaml(readFileSync(path, 'utf8')) as { message?: unknown } | null)?.message ?? '',
    );
  } catch {
    return 'enterprise'; // the translator reports the unreadable mapping with its position
  }
  if (/^CEB/i.test(message)) return 'ceb';
  if (/^MT\d{4}$/i.test(message)) return 'manifest';
  if (/^(INV|SAS)\d{3}$/i.test(message)) return 'jin2';
  return 'enterprise';
}

/** Joins a CSV head file and items file into one sections-layout input (UTF-8). */
export function joinPair(
  headFile: string,
  itemsFile: string,
  mappingFile: string,
  encoding: string | undefined,
): Buffer {
  const { mapping } = loadMapping(mappingFile);
  const markerOf = (section: string | undefined): string => {
    const key = Object.entries(mapping.input.csv.sections).find(([, v]) => v === section)?.[0];
    if (!key)
      throw new Error(`the mapping's csv.sections has no marker for section "${section ?? ''}"`);
    return key;
  };
  const setting = (encoding ?? mapping.input.encoding) as (typeof ENCODINGS)[number];
  const text = (f: string): string => decodeText(readInput(f), setting, basename(f)).text;
  return Buffer.from(
    joinCsvParts([
      { marker: markerOf(mapping.blocks.DecHead?.from), text: text(headFile) },
      { marker: markerOf(mapping.blocks.DecList?.from), text: text(itemsFile) },
    ]),
    'utf8',
  );
}
