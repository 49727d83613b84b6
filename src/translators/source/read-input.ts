import { extname } from 'node:path';
import { GatewayError } from '../../core/errors.js';
import { readCsv } from './csv-reader.js';
import type { InputFormat, SourceDocument } from './document.js';
import { readJson } from './json-reader.js';
import { problem } from './problems.js';
import type { ReadOptions } from './read-options.js';
import { readXlsx } from './xlsx-reader.js';
import { readXml } from './xml-reader.js';

const BY_EXTENSION: Readonly<Record<string, InputFormat>> = {
  '.csv': 'csv',
  '.txt': 'csv',
  '.json': 'json',
  '.xlsx': 'xlsx',
  '.xml': 'xml',
};

/**
 * The format of an input: by file extension, else by content (zip magic -> xlsx, `{` -> json,
 * `<` -> xml, anything else -> csv). The content check also catches a .csv that is really an
 * Excel file, which would otherwise be "decoded" as text.
 */
export function detectFormat(bytes: Uint8Array, fileName: string): InputFormat {
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (zip) return 'xlsx';
  const byExt = BY_EXTENSION[extname(fileName).toLowerCase()];
  if (byExt) return byExt;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  if (bytes[i] === 0x7b) return 'json';
  if (bytes[i] === 0x3c) return 'xml';
  return 'csv';
}

function refuseOldExcel(bytes: Uint8Array, file: string): void {
  // The OLE2 compound-file signature of .xls (Excel 97-2003).
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    throw new GatewayError(
      'GW_ERR_INPUT_FORMAT',
      problem(
        'xls-legacy',
        { file },
        '这是旧版 Excel 97-2003 (.xls) 文件，不受支持',
        'this is a legacy Excel 97-2003 (.xls) file, which is not supported',
        {
          fixZh: '在 Excel 中另存为 .xlsx',
          fixEn: 'save it as .xlsx from Excel',
        },
      ),
    );
  }
}

/** Reads any supported input into sections. */
export async function readInput(
  bytes: Uint8Array,
  format: InputFormat,
  opts: ReadOptions,
): Promise<SourceDocument> {
  if (format === 'xlsx') {
    refuseOldExcel(bytes, opts.file);
    return readXlsx(bytes, opts);
  }
  return readText(bytes, format, opts);
}

/** The readers of text formats, all synchronous. */
function readText(
  bytes: Uint8Array,
  format: Exclude<InputFormat, 'xlsx'>,
  opts: ReadOptions,
): SourceDocument {
  refuseOldExcel(bytes, opts.file);
  if (bytes.length === 0)
    throw new GatewayError(
      'GW_ERR_INPUT_FORMAT',
      problem('empty', { file: opts.file }, '文件为空', 'the file is empty'),
    );
  switch (format) {
    case 'csv':
      if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
        throw new GatewayError(
          'GW_ERR_INPUT_FORMAT',
          problem(
            'csv-is-xlsx',
            { file: opts.file },
            '此文件是 Excel 工作簿，不是 CSV',
            'this file is an Excel workbook, not CSV',
            {
              fixZh: '按 xlsx 格式提交，或另存为 CSV',
              fixEn: 'submit it as xlsx, or save it as CSV',
            },
          ),
        );
      }
      return readCsv(bytes, opts);
    case 'json':
      return readJson(bytes, opts);
    case 'xml':
      return readXml(bytes, opts);
  }
}
