import { parse } from 'csv-parse/sync';
import { GatewayError } from '../../core/errors.js';
import {
  cleanCell,
  type SourceCell,
  type SourceDocument,
  type SourceRecord,
  type SourceSection,
} from './document.js';
import { columnLetter, type SourcePos } from './position.js';
import { hugeCell, problem, type TranslateProblem } from './problems.js';
import type { ReadOptions } from './read-options.js';
import { decodeText } from './text-encoding.js';

/**
 * CSV in one of two layouts, detected from the first non-empty line:
 *
 * - records: one header row; the record-type column (`csv.recordTypeColumn`, e.g. 记录类型)
 *   says per row which section it belongs to (H head, I items, C containers …). The header is
 *   the union of every section's columns; a row leaves the others empty.
 * - sections: a head file and an items file concatenated, each introduced by a marker line
 *   `[表头]`, `[表体]` … and followed by its own header row. This is how a header file + items
 *   file pair travels as one input (see joinCsvParts).
 *
 * Section names come from `csv.sections` (record type or marker -> section).
 */

interface RawRecord {
  readonly cells: readonly string[];
  /** Line the record starts on (1-based). */
  readonly line: number;
}

interface CsvInfo {
  readonly lines: number;
}

function parseRecords(text: string, delimiter: string, file: string): RawRecord[] {
  let rows: { record: string[]; info: CsvInfo }[];
  try {
    rows = parse(text, {
      delimiter,
      relax_column_count: true,
      info: true,
      skip_empty_lines: false,
      bom: false,
    }) as unknown as { record: string[]; info: CsvInfo }[];
  } catch (err) {
    const e = err as { code?: string; lines?: number; message: string };
    const notClosed = e.code === 'CSV_QUOTE_NOT_CLOSED';
    throw new GatewayError(
      'GW_ERR_INPUT_FORMAT',
      problem(
        notClosed ? 'csv-truncated' : 'csv-syntax',
        { file, ...(e.lines !== undefined ? { line: e.lines } : {}) },
        notClosed
          ? '引号未闭合：文件在一个带引号的单元格中间结束，可能被截断'
          : `CSV 格式错误：${e.message}`,
        notClosed
          ? 'a quote is never closed: the file ends inside a quoted cell and is probably truncated'
          : `CSV syntax error: ${e.message}`,
        {
          fixZh: '重新导出完整的文件；单元格内的双引号要写成两个双引号',
          fixEn: 'export the whole file again; a quote inside a cell is written as two quotes',
        },
      ),
    );
  }
  const out: RawRecord[] = [];
  let nextLine = 1;
  for (const r of rows) {
    out.push({ cells: r.record, line: nextLine });
    nextLine = r.info.lines + 1;
  }
  return out;
}

const isBlank = (r: RawRecord): boolean => r.cells.every((c) => cleanCell(c) === '');
const markerOf = (r: RawRecord): string | undefined => {
  const nonEmpty = r.cells.map(cleanCell).filter((c) => c !== '');
  const m =
    nonEmpty.length === 1 && cleanCell(r.cells[0] ?? '') !== ''
      ? /^\[(.+)\]$/.exec(nonEmpty[0]!)
      : null;
  return m ? m[1]!.trim() : undefined;
};

class SectionBuilder {
  readonly records: SourceRecord[] = [];
  constructor(
    readonly name: string,
    readonly columns: readonly string[] | undefined,
    readonly pos: SourcePos,
  ) {}
  build(): SourceSection {
    return {
      name: this.name,
      ...(this.columns ? { columns: this.columns } : {}),
      pos: this.pos,
      records: this.records,
    };
  }
}

/** Reads a header row, refusing blank and duplicate column names. */
function header(r: RawRecord, file: string, problems: TranslateProblem[]): string[] {
  const names = r.cells.map(cleanCell);
  names.forEach((n, i) => {
    const pos = { file, row: r.line, column: columnLetter(i) };
    if (n === '' && i < names.length - 1)
      problems.push(
        problem('csv-header', pos, '表头行有空列名', 'the header row has an empty column name'),
      );
    else if (n !== '' && names.indexOf(n) !== i)
      problems.push(
        problem(
          'csv-header',
          { ...pos, columnName: n },
          `列名“${n}”重复`,
          `column name "${n}" appears twice`,
        ),
      );
  });
  // A trailing delimiter leaves one empty name at the end; tolerate it.
  return names[names.length - 1] === '' ? names.slice(0, -1) : names;
}

function toRecord(
  r: RawRecord,
  columns: readonly string[],
  skip: number | undefined,
  opts: ReadOptions,
  problems: TranslateProblem[],
): SourceRecord | undefined {
  const file = opts.file;
  const extra = r.cells.slice(columns.length).some((c) => cleanCell(c) !== '');
  if (r.cells.length < columns.length || extra) {
    problems.push(
      problem(
        'csv-row-length',
        { file, row: r.line },
        `此行有 ${r.cells.length} 个单元格，表头有 ${columns.length} 列${r.cells.length < columns.length ? '（文件可能被截断）' : ''}`,
        `this row has ${r.cells.length} cells, the header has ${columns.length}${r.cells.length < columns.length ? ' (the file may be truncated)' : ''}`,
        {
          fixZh: '检查分隔符和引号；含逗号的单元格要加双引号',
          fixEn: 'check delimiters and quotes; a cell containing the delimiter must be quoted',
        },
      ),
    );
    return undefined;
  }
  const cells = new Map<string, SourceCell>();
  columns.forEach((name, i) => {
    if (i === skip) return;
    const raw = r.cells[i] ?? '';
    const pos: SourcePos = { file, row: r.line, column: columnLetter(i), columnName: name };
    if (raw.length > opts.maxCellChars) problems.push(hugeCell(pos, raw.length, opts.maxCellChars));
    cells.set(name, { value: cleanCell(raw), pos });
  });
  return { pos: { file, row: r.line }, cells };
}

/** Parses CSV bytes (any supported encoding) into sections. Throws GW_ERR_INPUT_* listing every problem. */
export function readCsv(bytes: Uint8Array, opts: ReadOptions): SourceDocument {
  const { file } = opts;
  const decoded = decodeText(bytes, opts.encoding, file);
  const records = parseRecords(decoded.text, opts.csv.delimiter, file).filter((r) => !isBlank(r));
  const problems: TranslateProblem[] = [];
  const sections = new Map<string, SectionBuilder>();
  const first = records[0];
  if (!first) {
    throw new GatewayError(
      'GW_ERR_INPUT_FORMAT',
      problem('empty', { file }, '文件没有任何数据行', 'the file holds no data rows'),
    );
  }
  const sectionOf = (key: string, pos: SourcePos, rule: string): string | undefined => {
    const name = opts.csv.sections[key];
    if (name === undefined) {
      const known = Object.keys(opts.csv.sections).join(', ');
      problems.push(
        problem(
          rule,
          pos,
          `未知的记录类型或分段“${key}”（可用：${known}）`,
          `unknown record type or section "${key}" (known: ${known})`,
        ),
      );
    }
    return name;
  };

  if (markerOf(first) !== undefined) {
    // sections layout: marker, header row, data rows; again for the next marker
    let name: string | undefined;
    let columns: string[] | undefined;
    let builder: SectionBuilder | undefined;
    for (const r of records) {
      const marker = markerOf(r);
      if (marker !== undefined) {
        name = sectionOf(marker, { file, row: r.line }, 'csv-section');
        if (name !== undefined && sections.has(name)) {
          problems.push(
            problem(
              'csv-section',
              { file, row: r.line },
              `分段“${marker}”出现了两次`,
              `section "${marker}" appears twice`,
            ),
          );
          name = undefined;
        }
        columns = undefined;
        builder = undefined;
        continue;
      }
      if (!columns) {
        columns = header(r, file, problems);
        if (name !== undefined) {
          builder = new SectionBuilder(name, columns, { file, row: r.line });
          sections.set(name, builder);
        }
        continue;
      }
      const rec = toRecord(r, columns, undefined, opts, problems);
      if (rec && builder) builder.records.push(rec);
    }
  } else {
    // records layout
    const typeColumn = opts.csv.recordTypeColumn;
    const columns = header(first, file, problems);
    const typeIndex = typeColumn === undefined ? -1 : columns.indexOf(typeColumn);
    if (typeIndex < 0) {
      throw new GatewayError(
        'GW_ERR_INPUT_COLUMNS',
        problem(
          'csv-record-type-column',
          { file, row: first.line },
          typeColumn === undefined
            ? '无法区分表头和表体：映射未配置记录类型列，文件也没有 [表头] 这样的分段标记'
            : `缺少记录类型列“${typeColumn}”`,
          typeColumn === undefined
            ? 'cannot tell head from items: the mapping names no record-type column and the file has no [section] marker lines'
            : `the record-type column "${typeColumn}" is missing`,
          {
            fixZh: '在第一列写记录类型（H 表头、I 表体），或用 [表头]/[表体] 分段',
            fixEn:
              'put the record type (H head, I items) in a column, or split the file with [head]/[items] marker lines',
          },
        ),
      );
    }
    const dataColumns = columns.filter((_, i) => i !== typeIndex);
    for (const r of records.slice(1)) {
      const type = cleanCell(r.cells[typeIndex] ?? '');
      const name = sectionOf(
        type,
        { file, row: r.line, column: columnLetter(typeIndex), columnName: typeColumn! },
        'csv-record-type',
      );
      if (name === undefined) continue;
      let b = sections.get(name);
      if (!b) {
        b = new SectionBuilder(name, dataColumns, { file, row: first.line });
        sections.set(name, b);
      }
      const rec = toRecord(r, columns, typeIndex, opts, problems);
      if (rec) b.records.push(rec);
    }
    // A record type without rows is an empty section. It has no header of its own: the shared
    // header need not carry the columns of record types a file does not use.
    for (const name of new Set(Object.values(opts.csv.sections))) {
      if (!sections.has(name))
        sections.set(name, new SectionBuilder(name, undefined, { file, row: first.line }));
    }
  }
  if (problems.length > 0) throw new GatewayError('GW_ERR_INPUT_FORMAT', problems);
  return {
    file,
    format: 'csv',
    encoding: decoded.encoding,
    sections: new Map([...sections].map(([k, b]) => [k, b.build()])),
  };
}

/**
 * Joins a head file and an items file (and any other section files) into one sections-layout CSV
 * text, so the pair can travel as one input: `[marker]` line, then the file's own lines.
 */
export function joinCsvParts(
  parts: readonly { readonly marker: string; readonly text: string }[],
): string {
  return parts
    .map((p) => `[${p.marker}]\n${p.text.replace(/^\uFEFF/, '').replace(/\s+$/, '')}\n`)
    .join('');
}
