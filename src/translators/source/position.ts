/**
 * Where a value came from in the enterprise file, so every error can point an operator at the
 * exact cell: file, sheet, row, column letter and header text, or a JSON/XML path.
 */
export interface SourcePos {
  readonly file: string;
  /** Excel sheet name. */
  readonly sheet?: string;
  /** 1-based row: the CSV line a record starts on, or the sheet row. */
  readonly row?: number;
  /** Column letter (A, B, … AA) for CSV and Excel. */
  readonly column?: string;
  /** The header text of the column, or the key / element name. */
  readonly columnName?: string;
  /** A path inside a JSON or XML document ($.items[2].codeTs, /DECL/ITEMS/ITEM[3]/CODE_TS), or inside a mapping file. */
  readonly path?: string;
  /** 1-based line and column of the value in a text document, when known. */
  readonly line?: number;
  readonly col?: number;
}

/** Spreadsheet column letter of a 0-based index: 0 -> A, 25 -> Z, 26 -> AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** A one-line, language-neutral rendering: `a.csv, row 5, column F (商品编号)`. */
export function formatPos(p: SourcePos): string {
  const parts = [p.file];
  if (p.sheet !== undefined) parts.push(`sheet "${p.sheet}"`);
  if (p.row !== undefined) parts.push(`row ${p.row}`);
  if (p.column !== undefined)
    parts.push(`column ${p.column}${p.columnName !== undefined ? ` (${p.columnName})` : ''}`);
  else if (p.columnName !== undefined && p.path === undefined)
    parts.push(`column (${p.columnName})`);
  if (p.path !== undefined) parts.push(p.path);
  if (p.line !== undefined) parts.push(`line ${p.line}${p.col !== undefined ? `:${p.col}` : ''}`);
  return parts.join(', ');
}
