/**
 * How much of an input the gateway reads before it refuses it. Checked on the raw bytes (and the
 * zip directory of an .xlsx) before any parser builds a document, so a hostile or broken file
 * costs a scan, not gigabytes. The defaults fit real declarations with a wide margin: the longest
 * field of a 报关单/CEB/舱单 message is a few hundred characters, a 50-item declaration is under
 * 100 KB, and an Excel workbook of a large split declaration stays far under 100,000 cells.
 */
export interface InputLimits {
  /** Longest text between two markup characters (XML text or attribute, JSON string, CSV field), in bytes. */
  readonly maxFieldBytes: number;
  /** Most XML elements, JSON values or CSV fields in one document. */
  readonly maxElements: number;
  /** Most rows of a CSV file or of all sheets of a workbook. */
  readonly maxRows: number;
  /** Most cells of all sheets of a workbook. */
  readonly maxCells: number;
  /** Most bytes an .xlsx may unpack to (all entries together); checked while inflating. */
  readonly maxUnzippedBytes: number;
  /** Most entries in an .xlsx zip. */
  readonly maxZipEntries: number;
  /** Deepest nesting of XML elements or JSON objects and arrays (parsers recurse on it). */
  readonly maxDepth: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = {
  maxFieldBytes: 8 * 1024,
  maxElements: 500_000,
  maxRows: 50_000,
  maxCells: 200_000,
  maxUnzippedBytes: 32 * 1024 * 1024,
  maxZipEntries: 1_000,
  maxDepth: 64,
};
