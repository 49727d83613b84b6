import { z } from 'zod';
import { decRuleSettingsSchema } from './validation/dec-rule-settings.js';

/** Translator kinds a channel may name in `translator:`. */
export const TRANSLATOR_KINDS = [
  'dec-xml',
  'ceb-xml',
  'manifest-xml',
  'enterprise',
  'ceb',
  'manifest',
  'jin2',
  'acd',
  'amend',
] as const;
export type TranslatorKind = (typeof TRANSLATOR_KINDS)[number];

/**
 * Per-channel translation options, meant to sit beside `translator:` in a channel of the gateway
 * configuration (e.g. `translation: { mapping: mappings/acme.yaml }`). Paths are relative to the
 * configuration file; the caller resolves them.
 */
export const translationSchema = z
  .object({
    mapping: z
      .string()
      .optional()
      .describe(
        'mapping YAML of the enterprise format (required for translator: enterprise, ceb, manifest, jin2)',
      ),
    format: z
      .enum(['auto', 'csv', 'json', 'xlsx', 'xml'])
      .optional()
      .describe('input format; default the mapping input.format'),
    encoding: z
      .enum(['auto', 'UTF-8', 'GBK', 'GB18030'])
      .optional()
      .describe('text encoding of CSV/JSON inputs; default the mapping input.encoding'),
    rootElement: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/)
      .optional()
      .describe(
        'translator: amend — root element of the 修撤单 request; unverified, default DecModMessage',
      ),
    codesDir: z
      .string()
      .optional()
      .describe('folder with code-table JSON files that replace the bundled ones of the same name'),
    validate: z
      .boolean()
      .optional()
      .describe(
        'check the filling rules before signing; default true (enterprise: the mapping validation.enabled)',
      ),
    decRules: decRuleSettingsSchema
      .optional()
      .describe(
        '报关单 rule facts the sources leave unverified (转关 flag position, TrafName @-rule, 减免税 certificate); defaults are the sourced values',
      ),
    paperless: z
      .object({
        maxAttachmentBytes: z
          .number()
          .int()
          .positive()
          .optional()
          .describe(
            'largest attachment PDF; default 4 MB (commonly quoted 单一窗口 limit, not verified)',
          ),
        maxMarkBytes: z
          .number()
          .int()
          .positive()
          .optional()
          .describe('largest DecMarkLob file; default 1 MB (sourced)'),
        maxAttachments: z
          .number()
          .int()
          .positive()
          .optional()
          .describe(
            'most attached files per declaration; default 100 (a resource bound, not sourced)',
          ),
        splitAttachments: z
          .enum(['every', 'first'])
          .optional()
          .describe(
            'a file split into linked declarations (>50 items): attachments not tied to items go with every part (default) or the first only; unsourced',
          ),
      })
      .strict()
      .optional()
      .describe('通关无纸化 (attachments with a declaration): size limits of the attached files'),
  })
  .strict();

export type TranslationOptions = z.output<typeof translationSchema>;
/** The same before defaults: `decRules` may be partial. */
export type TranslationOptionsInput = z.input<typeof translationSchema>;
