import type ExcelJS from 'exceljs';
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
import type { ReadOptions, XlsxSheetOptions } from './read-options.js';

/**
 * Excel .xlsx through exceljs: a head sheet and an items sheet (and optional others), named in
 * `xlsx.sheets`. Refused with a precise position: formulas without a cached value (the file was
 * produced by a tool that never calculated it), error values (#N/A …), merged cells inside a
 * table area (they hide which row a value belongs to) and over-long cells.
 */

/** Numbers as Excel shows them: 15 significant digits, so 0.1+0.2 reads 0.3, not 0.30000000000000004. */
function numberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  const s = String(Number(n.toPrecision(15)));
  if (!/e/i.test(s)) return s;
  // toFixed gives plain digits for the tiny numbers toPrecision would write with an exponent.
  return n.toFixed(20).replace(/\.?0+$/, '');
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Excel dates arrive as UTC midnights; a date without time reads yyyy-MM-dd. */
function dateText(d: Date): string {
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const secs = d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds();
  return secs === 0
    ? day
    : `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

type Scalar = number | string | boolean | Date | null | undefined;

function scalarText(v: Scalar): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return numberText(v);
  if (v instanceof Date) return dateText(v);
  return String(v);
}

/** The text of a cell, or a problem. */
function cellText(value: ExcelJS.CellValue, pos: SourcePos, problems: TranslateProblem[]): string {
  if (value === null || value === undefined || typeof value !== 'object' || value instanceof Date)
    return scalarText(value as Scalar);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('error' in value) {
    problems.push(
      problem(
        'xlsx-error-value',
        pos,
        `单元格是错误值 ${String(value.error)}`,
        `the cell holds the error value ${String(value.error)}`,
        { fixZh: '修正公式或改填数值', fixEn: 'fix the formula or enter the value' },
      ),
    );
    return '';
  }
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as { result?: unknown }).result;
    if (result === undefined || result === null) {
      const f =
        (value as { formula?: string; sharedFormula?: string }).formula ??
        (value as { sharedFormula?: string }).sharedFormula ??
        '';
      problems.push(
        problem(
          'xlsx-formula',
          pos,
          `单元格是公式 =${f}，但没有计算结果`,
          `the cell holds the formula =${f} without a calculated value`,
          {
            fixZh: '在 Excel 中打开并保存一次（让公式计算出结果），或把公式改为数值',
            fixEn:
              'open and save the file in Excel once so the formula is calculated, or replace it with its value',
          },
        ),
      );
      return '';
    }
    if (typeof result === 'object' && !(result instanceof Date) && 'error' in (result as object)) {
      problems.push(
        problem(
          'xlsx-error-value',
          pos,
          `公式结果是错误值 ${String((result as { error: unknown }).error)}`,
          `the formula result is the error value ${String((result as { error: unknown }).error)}`,
        ),
      );
      return '';
    }
    return scalarText(result as Scalar);
  }
  if ('text' in value) return String((value as { text: unknown }).text ?? ''); // hyperlink
  return '';
}

interface Range {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
  readonly text: string;
}

function parseRange(text: string): Range | undefined {
  const m = /^([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$/.exec(text);
  if (!m) return undefined;
  const col = (s: string): number => [...s].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0);
  const top = Number(m[2]);
  const left = col(m[1]!);
  return { top, left, bottom: m[4] ? Number(m[4]) : top, right: m[3] ? col(m[3]) : left, text };
}

function readSheet(
  ws: ExcelJS.Worksheet,
  sheetName: string,
  o: XlsxSheetOptions,
  opts: ReadOptions,
  problems: TranslateProblem[],
): SourceSection {
  const file = opts.file;
  const at = (row: number, c: number, columnName?: string): SourcePos => ({
    file,
    sheet: sheetName,
    row,
    column: columnLetter(c - 1),
    ...(columnName !== undefined ? { columnName } : {}),
  });
  const read = (row: number, c: number, columnName?: string): SourceCell => {
    const pos = at(row, c, columnName);
    const raw = cellText(ws.getRow(row).getCell(c).value, pos, problems);
    if (raw.length > opts.maxCellChars) problems.push(hugeCell(pos, raw.length, opts.maxCellChars));
    return { value: cleanCell(raw), pos };
  };
  const records: SourceRecord[] = [];

  if (o.layout === 'keyValue') {
    const cells = new Map<string, SourceCell>();
    for (let r = o.headerRow; r <= ws.rowCount; r++) {
      const key = cleanCell(cellText(ws.getRow(r).getCell(1).value, at(r, 1), problems));
      if (key === '') continue;
      if (cells.has(key))
        problems.push(
          problem(
            'xlsx-duplicate-key',
            at(r, 1, key),
            `字段名“${key}”重复`,
            `field name "${key}" appears twice`,
          ),
        );
      cells.set(key, read(r, 2, key));
    }
    records.push({ pos: { file, sheet: sheetName, row: o.headerRow }, cells });
    return { name: o.section, pos: { file, sheet: sheetName, row: o.headerRow }, records };
  }

  // table layout: a merge anywhere from the header row down blurs which record a value belongs to.
  for (const m of ws.model.merges ?? []) {
    const range = parseRange(m);
    if (range && range.bottom >= o.headerRow) {
      problems.push(
        problem(
          'xlsx-merged',
          at(range.top, range.left),
          `表格区域内有合并单元格 ${range.text}`,
          `merged cells ${range.text} inside the table area`,
          {
            fixZh: '取消合并，并在每一行填写各自的值',
            fixEn: 'unmerge the cells and fill in the value on every row',
          },
        ),
      );
    }
  }
  const columns: string[] = [];
  for (let c = 1; c <= ws.columnCount; c++)
    columns.push(
      cleanCell(cellText(ws.getRow(o.headerRow).getCell(c).value, at(o.headerRow, c), problems)),
    );
  while (columns.length > 0 && columns[columns.length - 1] === '') columns.pop();
  columns.forEach((n, i) => {
    if (n === '')
      problems.push(
        problem(
          'xlsx-header',
          at(o.headerRow, i + 1),
          '表头行有空列名',
          'the header row has an empty column name',
        ),
      );
    else if (columns.indexOf(n) !== i)
      problems.push(
        problem(
          'xlsx-header',
          at(o.headerRow, i + 1, n),
          `列名“${n}”重复`,
          `column name "${n}" appears twice`,
        ),
      );
  });
  for (let r = o.headerRow + 1; r <= ws.rowCount; r++) {
    const cells = new Map<string, SourceCell>();
    columns.forEach((name, i) => cells.set(name, read(r, i + 1, name)));
    if ([...cells.values()].every((c) => c.value === '')) continue;
    records.push({ pos: { file, sheet: sheetName, row: r }, cells });
  }
  return { name: o.section, columns, pos: { file, sheet: sheetName, row: o.headerRow }, records };
}

/** Reads an .xlsx workbook into sections. Asynchronous because exceljs is. */
export async function readXlsx(bytes: Uint8Array, opts: ReadOptions): Promise<SourceDocument> {
  const { file } = opts;
  // exceljs is large: loaded with the first workbook, not with every process that can translate.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer,
    );
  } catch (err) {
    throw new GatewayError(
      'GW_ERR_INPUT_FORMAT',
      problem(
        'xlsx-corrupt',
        { file },
        `不是有效的 .xlsx 文件，或文件被截断（${(err as Error).message}）`,
        `not a valid .xlsx file, or truncated (${(err as Error).message})`,
        {
          fixZh: '用 Excel 另存为“Excel 工作簿 (*.xlsx)”后重新提交',
          fixEn: 'save it from Excel as "Excel Workbook (*.xlsx)" and submit again',
        },
      ),
    );
  }
  const problems: TranslateProblem[] = [];
  const sections = new Map<string, SourceSection>();
  const available = wb.worksheets.map((w) => w.name);
  for (const [sheetName, o] of Object.entries(opts.xlsx.sheets)) {
    const ws = wb.getWorksheet(sheetName);
    if (!ws && o.optional) {
      sections.set(o.section, { name: o.section, pos: { file, sheet: sheetName }, records: [] });
      continue;
    }
    if (!ws) {
      problems.push(
        problem(
          'xlsx-sheet',
          { file, sheet: sheetName },
          `缺少工作表“${sheetName}”（现有：${available.join('、')}）`,
          `sheet "${sheetName}" is missing (present: ${available.join(', ')})`,
        ),
      );
      continue;
    }
    sections.set(o.section, readSheet(ws, sheetName, o, opts, problems));
  }
  if (problems.length > 0) throw new GatewayError('GW_ERR_INPUT_FORMAT', problems);
  return { file, format: 'xlsx', sections };
}
