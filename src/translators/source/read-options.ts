import type { TextEncodingSetting } from './text-encoding.js';

/** CSV layout: see csv-reader.ts. */
export interface CsvReadOptions {
  readonly delimiter: string;
  /** Header of the record-type column for the one-header layout (H, I, C … in every row). */
  readonly recordTypeColumn?: string | undefined;
  /** Record-type value or `[marker]` name -> section name, e.g. { H: head, 表头: head, I: items }. */
  readonly sections: Readonly<Record<string, string>>;
}

export interface XlsxSheetOptions {
  readonly section: string;
  /** `table`: a header row, one record per row below. `keyValue`: column A names, column B values (a head form). */
  readonly layout: 'table' | 'keyValue';
  /** 1-based row of the header (table) or of the first key (keyValue). */
  readonly headerRow: number;
  /** When true a missing sheet means an empty section (e.g. no containers); otherwise it is an error. */
  readonly optional: boolean;
}

export interface XlsxReadOptions {
  /** Sheet name -> how to read it. */
  readonly sheets: Readonly<Record<string, XlsxSheetOptions>>;
}

export interface JsonReadOptions {
  /** Top-level key -> section name. Keys not listed are ignored. */
  readonly sections: Readonly<Record<string, string>>;
}

export interface XmlReadOptions {
  /** Section name -> element path below the root, e.g. { head: HEAD, items: ITEMS/ITEM }. */
  readonly sections: Readonly<Record<string, string>>;
}

export interface ReadOptions {
  readonly file: string;
  readonly encoding: TextEncodingSetting;
  /** Cells longer than this (characters) are refused: no declaration field is that long. */
  readonly maxCellChars: number;
  readonly csv: CsvReadOptions;
  readonly xlsx: XlsxReadOptions;
  readonly json: JsonReadOptions;
  readonly xml: XmlReadOptions;
}
