import { GatewayError } from '../core/errors.js';
import { loadCodeTables } from './codes/code-tables.js';
import { DecXmlTranslator } from './dec-xml/dec-xml-translator.js';
import { CebXmlTranslator } from './ceb/ceb-xml-translator.js';
import { ManifestXmlTranslator } from './manifest/manifest-xml-translator.js';
import { AmendTranslator } from './amend/amend-translator.js';
import { EnterpriseTranslator } from './enterprise/enterprise-translator.js';
import { loadMapping } from './mapping/load.js';
import { CebTranslator } from './ceb/ceb-translator.js';
import { loadCebMapping } from './ceb/mapping.js';
import { ManifestTranslator } from './manifest/manifest-translator.js';
import { loadManifestMapping } from './manifest/mapping.js';
import { Jin2Translator } from './jin2/jin2-translator.js';
import { loadJin2Mapping } from './jin2/mapping.js';
import type { Translator } from './translator.js';
import { decRuleSettingsSchema } from './validation/dec-rule-settings.js';
import { AcdTranslator } from './acd/acd-translator.js';
import { DEFAULT_PAPERLESS_LIMITS, PaperlessTranslator } from './paperless/paperless-translator.js';

// The channel options live in a file of their own: the configuration schema needs them without
// loading every translator (and exceljs) on each CLI start.
export {
  TRANSLATOR_KINDS,
  translationSchema,
  type TranslatorKind,
  type TranslationOptions,
} from './translation-options.js';
import type { TranslationOptionsInput, TranslatorKind } from './translation-options.js';

/**
 * Makes the translator a channel names. Does all file I/O here (mapping, code tables), so the
 * translator itself stays pure. Throws GW_ERR_MAPPING_CONFIG / GW_ERR_CONFIG for bad settings.
 *
 * @param resolvePath turns a configured path into an absolute one (relative to the config file).
 */
export function createTranslator(
  kind: TranslatorKind,
  options: TranslationOptionsInput = {},
  resolvePath: (p: string) => string = (p) => p,
): Translator {
  const codes = loadCodeTables(
    options.codesDir ? { overrideDir: resolvePath(options.codesDir) } : {},
  );
  // Parsed again so a caller may pass a partial object; the configuration loader already did.
  const decRules = options.decRules ? decRuleSettingsSchema.parse(options.decRules) : undefined;
  if (kind === 'ceb-xml')
    return new CebXmlTranslator({ codes, validate: options.validate ?? true });
  if (kind === 'manifest-xml')
    return new ManifestXmlTranslator({ codes, validate: options.validate ?? true });
  if (kind === 'amend')
    return new AmendTranslator({
      ...(options.rootElement ? { rootElement: options.rootElement } : {}),
    });
  if (kind === 'acd') return new AcdTranslator(codes);
  // 报关单 translators take attachments too: a document bundle gets its EdocRealation entries.
  const paperless = (inner: Translator): Translator =>
    new PaperlessTranslator(inner, codes, {
      maxAttachmentBytes:
        options.paperless?.maxAttachmentBytes ?? DEFAULT_PAPERLESS_LIMITS.maxAttachmentBytes,
      maxMarkBytes: options.paperless?.maxMarkBytes ?? DEFAULT_PAPERLESS_LIMITS.maxMarkBytes,
      ...(options.paperless?.maxAttachments
        ? { maxAttachments: options.paperless.maxAttachments }
        : {}),
      ...(options.paperless?.splitAttachments
        ? { splitAttachments: options.paperless.splitAttachments }
        : {}),
    });
  if (kind === 'dec-xml') {
    return paperless(
      new DecXmlTranslator({
        validate: options.validate ?? true,
        codes,
        ...(decRules ? { rules: decRules } : {}),
      }),
    );
  }
  if (!options.mapping) {
    throw new GatewayError('GW_ERR_CONFIG', {
      zh: `translator: ${kind} 需要 translation.mapping（映射文件）`,
      en: `translator: ${kind} needs translation.mapping (a mapping file)`,
    });
  }
  // The CEB and manifest families read the same channel options; their mapping names the message.
  if (kind === 'ceb') {
    return new CebTranslator({
      mapping: loadCebMapping(resolvePath(options.mapping)),
      codes,
      format: options.format,
      encoding: options.encoding,
      validate: options.validate,
    });
  }
  if (kind === 'manifest') {
    return new ManifestTranslator({
      mapping: loadManifestMapping(resolvePath(options.mapping)),
      codes,
      encoding: options.encoding,
      validate: options.validate,
    });
  }
  if (kind === 'jin2') {
    return new Jin2Translator({
      mapping: loadJin2Mapping(resolvePath(options.mapping)),
      codes,
      format: options.format,
      encoding: options.encoding,
      validate: options.validate,
    });
  }
  return paperless(
    new EnterpriseTranslator({
      mapping: loadMapping(resolvePath(options.mapping)),
      codes,
      format: options.format,
      encoding: options.encoding,
      validate: options.validate,
      rules: decRules,
    }),
  );
}
