import { z } from 'zod';
import { DEFAULT_INPUT_LIMITS } from '../core/input-limits.js';

/** The `limits` section of the configuration schema (schema.ts): input bounds and the memory budget. */

export const LIMIT_DEFAULTS = { memoryBudgetMb: 512, ...DEFAULT_INPUT_LIMITS };

export const limitsSchema = z
  .object({
    memoryBudgetMb: z
      .number()
      .int()
      .min(64)
      .default(512)
      .describe(
        'memory the gateway plans for; the translate stage takes documents only while its estimate of their parse cost fits in half of it',
      ),
    maxFieldBytes: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_INPUT_LIMITS.maxFieldBytes)
      .describe(
        'longest field (XML text or attribute, JSON string, CSV field, Excel cell) in bytes',
      ),
    maxElements: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_INPUT_LIMITS.maxElements)
      .describe('most XML elements, JSON values or CSV fields in one input'),
    maxRows: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_INPUT_LIMITS.maxRows)
      .describe('most CSV lines or Excel rows in one input'),
    maxCells: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_INPUT_LIMITS.maxCells)
      .describe('most Excel cells in one workbook'),
    maxUnzippedBytes: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_INPUT_LIMITS.maxUnzippedBytes)
      .describe('most bytes an .xlsx may unpack to'),
    maxZipEntries: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_INPUT_LIMITS.maxZipEntries)
      .describe('most entries in an .xlsx'),
    maxDepth: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_INPUT_LIMITS.maxDepth)
      .describe('deepest nesting of XML elements or JSON objects and arrays'),
  })
  .strict()
  .describe('bounds checked on every input before it is parsed, and the memory budget');
