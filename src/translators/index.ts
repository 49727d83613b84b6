/**
 * Public surface of the translators: what the pipeline, the configuration and the CLI use.
 *
 * - `createTranslator(kind, options, resolvePath)` and `translationSchema` (channel options)
 * - `translateAll(translator, bytes, ctx)`: every message one input yields (split parts, .xlsx)
 * - `DecXmlTranslator`, `EnterpriseTranslator`, `loadMapping`, `mappingSchema`, `loadCodeTables`
 * - `validateDec` / `parseDecXml` / `buildDecXml` for tools that work on DecMessage directly
 */
export type { StandardMessage, TranslateContext, Translator } from './translator.js';
export { translateAll } from './translator.js';
export {
  createTranslator,
  translationSchema,
  TRANSLATOR_KINDS,
  type TranslationOptions,
  type TranslatorKind,
} from './factory.js';
export { DecXmlTranslator, type DecXmlTranslatorOptions } from './dec-xml/dec-xml-translator.js';
export { DEC_NAMESPACE } from './dec/namespace.js';
export {
  EnterpriseTranslator,
  type EnterpriseTranslatorOptions,
} from './enterprise/enterprise-translator.js';
export { loadMapping, parseMapping, type LoadedMapping } from './mapping/load.js';
export { mappingSchema, type Mapping, type MappingInput } from './mapping/schema.js';
export {
  loadCodeTables,
  bundledCodesDir,
  CODE_TABLE_NAMES,
  type CodeTables,
  type CodeTableName,
} from './codes/code-tables.js';
export { validateDec, type DecValidationOptions } from './validation/validate-dec.js';
export { parseDecXml } from './dec/xml-parse.js';
export { buildDecXml } from './dec/xml-builder.js';
export type { DecModel, DecRecord, FieldValue } from './model/record.js';
export type { TranslateProblem } from './source/problems.js';
export type { SourcePos } from './source/position.js';
export { joinCsvParts } from './source/csv-reader.js';
export { CebTranslator, type CebTranslatorOptions } from './ceb/ceb-translator.js';
export { loadCebMapping, parseCebMapping } from './ceb/mapping.js';
export { CEB_LAYOUTS, CEB_NAMESPACE, type CebMessageType } from './ceb/layout.js';
export {
  ManifestTranslator,
  type ManifestTranslatorOptions,
  type XmlSink,
} from './manifest/manifest-translator.js';
export { loadManifestMapping, parseManifestMapping } from './manifest/mapping.js';
export {
  MANIFEST_LAYOUTS,
  MANIFEST_TYPES,
  manifestNamespace,
  type ManifestType,
} from './manifest/layout.js';
export { Jin2Translator, type Jin2TranslatorOptions } from './jin2/jin2-translator.js';
export { loadJin2Mapping, parseJin2Mapping, type LoadedJin2Mapping } from './jin2/mapping.js';
export { JIN2_LAYOUTS, JIN2_TYPES, type Jin2MessageType } from './jin2/layout.js';
