import type { InputLimits } from '../../core/input-limits.js';

/** What a scan found over a limit: the rule, the byte offset, and the numbers for the message. */
export interface LimitHit {
  readonly rule: 'field-length' | 'max-elements' | 'max-rows' | 'max-depth';
  readonly offset: number;
  readonly found: number;
  readonly limit: number;
}

const LT = 0x3c;
const GT = 0x3e;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NL = 0x0a;

/**
 * XML (and the XML inside an .xlsx): the longest run of bytes between two `<`/`>` is the longest
 * text, attribute list or comment; every `<` opens markup. One pass, nothing allocated.
 */
export function scanXml(bytes: Uint8Array, limits: InputLimits): LimitHit | undefined {
  let last = -1;
  let marks = 0;
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== LT && b !== GT) continue;
    if (i - last - 1 > limits.maxFieldBytes)
      return {
        rule: 'field-length',
        offset: last + 1,
        found: i - last - 1,
        limit: limits.maxFieldBytes,
      };
    last = i;
    if (b === GT) {
      if (bytes[i - 1] === 0x2f) depth--; // <empty/>
      continue;
    }
    if (++marks > limits.maxElements)
      return { rule: 'max-elements', offset: i, found: marks, limit: limits.maxElements };
    const next = bytes[i + 1];
    if (next === 0x2f) depth--;
    else if (next !== 0x3f && next !== 0x21 && ++depth > limits.maxDepth)
      return { rule: 'max-depth', offset: i, found: depth, limit: limits.maxDepth };
  }
  if (bytes.length - last - 1 > limits.maxFieldBytes)
    return {
      rule: 'field-length',
      offset: last + 1,
      found: bytes.length - last - 1,
      limit: limits.maxFieldBytes,
    };
  return undefined;
}

/** JSON: the longest string (escapes included) and the number of values (`,` and `:` outside strings). */
export function scanJson(bytes: Uint8Array, limits: InputLimits): LimitHit | undefined {
  let inString = false;
  let start = 0;
  let values = 0;
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) {
        inString = false;
        if (i - start > limits.maxFieldBytes)
          return {
            rule: 'field-length',
            offset: start,
            found: i - start,
            limit: limits.maxFieldBytes,
          };
      }
    } else if (b === QUOTE) {
      inString = true;
      start = i + 1;
    } else if (b === 0x7b || b === 0x5b) {
      if (++depth > limits.maxDepth)
        return { rule: 'max-depth', offset: i, found: depth, limit: limits.maxDepth };
    } else if (b === 0x7d || b === 0x5d) {
      depth--;
    } else if ((b === 0x2c || b === 0x3a) && ++values > limits.maxElements) {
      return { rule: 'max-elements', offset: i, found: values, limit: limits.maxElements };
    }
  }
  if (inString && bytes.length - start > limits.maxFieldBytes)
    return {
      rule: 'field-length',
      offset: start,
      found: bytes.length - start,
      limit: limits.maxFieldBytes,
    };
  return undefined;
}

/**
 * CSV: the longest run between separators (any of `,;|` tab and line ends, so the check needs no
 * knowledge of the configured delimiter; a quoted field with commas only looks shorter) and lines.
 */
export function scanCsv(bytes: Uint8Array, limits: InputLimits): LimitHit | undefined {
  let last = -1;
  let rows = 0;
  let fields = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x2c && b !== 0x3b && b !== 0x7c && b !== 0x09 && b !== NL && b !== 0x0d) continue;
    if (i - last - 1 > limits.maxFieldBytes)
      return {
        rule: 'field-length',
        offset: last + 1,
        found: i - last - 1,
        limit: limits.maxFieldBytes,
      };
    last = i;
    if (b === NL && ++rows > limits.maxRows)
      return { rule: 'max-rows', offset: i, found: rows, limit: limits.maxRows };
    if (++fields > limits.maxElements)
      return { rule: 'max-elements', offset: i, found: fields, limit: limits.maxElements };
  }
  if (bytes.length - last - 1 > limits.maxFieldBytes)
    return {
      rule: 'field-length',
      offset: last + 1,
      found: bytes.length - last - 1,
      limit: limits.maxFieldBytes,
    };
  return undefined;
}

/** 1-based line of a byte offset (counted only once a limit is hit). */
export function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === NL) line++;
  return line;
}
