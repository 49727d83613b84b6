import { z } from 'zod';

/**
 * Settings of the 报关单 rules whose facts the sources mark as unverified or single-source
 * (seed-subsystems.md §2, §6): each default is the sourced value; a site that learns otherwise
 * changes it in the channel's `translation.decRules` without a new release.
 */
export const decRuleSettingsSchema = z
  .object({
    transit: z
      .object({
        specDeclFlagPosition: z
          .number()
          .int()
          .min(0)
          .max(7)
          .default(7)
          .describe(
            '1-based position of the 转关 flag in DecHead/SpecDeclFlag (source: 7, single project); 0 turns the check off',
          ),
        trafNameRule: z
          .boolean()
          .default(true)
          .describe(
            'TrafName of a 转关提前/直转 declaration is @ + 16-digit 转关申报单预录入号, @ + 13-digit 载货清单号, or a bare @ (填制规范 quoted on a web page, unverified)',
          ),
        midwayTypes: z
          .array(z.string())
          .default(['SZ', 'SM', 'SL'])
          .describe(
            'DecHead/Type codes of 中转 declarations, whose TrafName is the ship name instead of @…',
          ),
      })
      .strict()
      .prefault({}),
    dutyFree: z
      .object({
        levyNaturePrefixes: z
          .array(z.string().regex(/^\d{1,3}$/))
          .default(['4', '6', '7', '8'])
          .describe(
            'CutMode (征免性质) codes, by leading digits, of 减免税 declarations that need a 征免税证明 (4xx/6xx/7xx/8xx; unverified)',
          ),
        exemptDutyModes: z
          .array(z.string())
          .default(['2', '3', '4'])
          .describe(
            'DutyMode (征减免税方式) codes that reduce or waive duty: 2 折半, 3 全免, 4 特案 (unverified)',
          ),
        certificatePattern: z
          .string()
          .default('^[0-9A-Z]{5}[0-9]{7}$')
          .describe(
            '征免税证明编号 in DecHead/ManualNo: 12 characters, a 5-character prefix, 2-digit year and 5-digit number (secondary source)',
          ),
        guaranteeEdocCodes: z
          .array(z.string())
          .default(['10000002', '10000003'])
          .describe(
            'EdocRealation/EdocCode of 减免税货物税款担保证明 and its 延期证明; only a 减免税 declaration may carry them',
          ),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type DecRuleSettings = z.output<typeof decRuleSettingsSchema>;
export type DecRuleSettingsInput = z.input<typeof decRuleSettingsSchema>;

/** The sourced defaults. */
export const DEFAULT_DEC_RULES: DecRuleSettings = decRuleSettingsSchema.parse({});
