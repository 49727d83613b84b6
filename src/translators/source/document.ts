import type { SourcePos } from './position.js';

/**
 * The reader-neutral shape of an enterprise file: named sections (head, items, containers, …),
 * each a list of records of text cells that remember where they came from. Every reader (CSV,
 * JSON, Excel, XML) produces this; the mapping only ever sees this.
 */

/** One value as the file holds it (trimmed text; numbers and dates already turned into text). */
export interface SourceCell {
  readonly value: string;
  readonly pos: SourcePos;
}

/** One row / object / element: cells by column name. */
export interface SourceRecord {
  readonly pos: SourcePos;
  readonly cells: ReadonlyMap<string, SourceCell>;
}

export interface SourceSection {
  readonly name: string;
  /** The header of a tabular section (CSV, Excel); absent for JSON and XML, where keys vary per record. */
  readonly columns?: readonly string[];
  /** Where the section starts (its header row, key or element). */
  readonly pos: SourcePos;
  readonly records: readonly SourceRecord[];
}

/** Input formats the enterprise translator reads. */
export type InputFormat = 'csv' | 'json' | 'xlsx' | 'xml';

export interface SourceDocument {
  readonly file: string;
  readonly format: InputFormat;
  /** The text encoding the file was read in (absent for .xlsx, which is always UTF-8 inside). */
  readonly encoding?: string;
  readonly sections: ReadonlyMap<string, SourceSection>;
}

/** Trims ASCII white space and the ideographic space U+3000 that Chinese spreadsheets love. */
export function cleanCell(text: string): string {
  return text.replace(/^[\s\u3000\uFEFF]+|[\s\u3000]+$/g, '');
}
