import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { GatewayError } from '../../core/errors.js';
import { cleanCell, type SourceCell, type SourceRecord } from '../source/document.js';
import { columnLetter, type SourcePos } from '../source/position.js';
import { problem } from '../source/problems.js';

/**
 * Streams a record-type CSV (one header row; a type column says H head / B bill per row) into
 * positioned records, one at a time, so a 20,000-bill manifest never sits in memory as a whole.
 * Encodings: UTF-8 (BOM tolerated) decoded strictly — invalid bytes are an error, never
 * mojibake — or GBK / GB18030 when configured.
 */
export async function* streamCsvRecords(
  input: Readable,
  opts: {
    file: string;
    encoding: string;
    delimiter: string;
    typeColumn: string;
    sections: Readonly<Record<string, string>>;
  },
): AsyncGenerator<{ section: string; record: SourceRecord }> {
  const { file } = opts;
  const gb = opts.encoding === 'GBK' || opts.encoding === 'GB18030';
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const decoded = gb
    ? input.pipe(iconv.decodeStream(opts.encoding))
    : input.map((chunk: Buffer) => {
        try {
          return utf8.decode(chunk, { stream: true });
        } catch {
          throw new GatewayError(
            'GW_ERR_INPUT_ENCODING',
            problem(
              'encoding',
              { file },
              '文件不是有效的 UTF-8：请在通道或映射中设置 encoding（GBK / GB18030）',
              'the file is not valid UTF-8: set encoding (GBK / GB18030) on the channel or in the mapping',
            ),
          );
        }
      });
  const parser = decoded.pipe(
    parse({ delimiter: opts.delimiter, relax_column_count: true, info: true, bom: true }),
  );
  let columns: string[] | undefined;
  let typeIndex = -1;
  let nextLine = 1;
  for await (const row of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const line = nextLine;
    nextLine = row.info.lines + 1;
    if (row.record.every((c) => cleanCell(c) === '')) continue;
    if (!columns) {
      columns = row.record.map(cleanCell);
      typeIndex = columns.indexOf(opts.typeColumn);
      if (typeIndex < 0)
        throw new GatewayError(
          'GW_ERR_INPUT_COLUMNS',
          problem(
            'missing-column',
            { file, row: line, columnName: opts.typeColumn },
            `缺少记录类型列“${opts.typeColumn}”`,
            `the record-type column "${opts.typeColumn}" is missing`,
          ),
        );
      continue;
    }
    const type = cleanCell(row.record[typeIndex] ?? '');
    const section = opts.sections[type];
    if (!section)
      throw new GatewayError(
        'GW_ERR_INPUT_FORMAT',
        problem(
          'record-type',
          { file, row: line, column: columnLetter(typeIndex), columnName: opts.typeColumn },
          `未知的记录类型“${type}”（可用：${Object.keys(opts.sections).join('、')}）`,
          `unknown record type "${type}" (known: ${Object.keys(opts.sections).join(', ')})`,
        ),
      );
    const cells = new Map<string, SourceCell>();
    columns.forEach((name, i) => {
      const pos: SourcePos = { file, row: line, column: columnLetter(i), columnName: name };
      cells.set(name, { value: cleanCell(row.record[i] ?? ''), pos });
    });
    yield { section, record: { pos: { file, row: line }, cells } };
  }
}
