import { inflateRawSync } from 'node:zlib';
import type { InputLimits } from '../../core/input-limits.js';
import { scanXml, type LimitHit } from './text-scan.js';

/** What the zip check refused, with the entry it is about. */
export interface ZipHit {
  readonly rule:
    | 'zip-entries'
    | 'unzipped-size'
    | 'max-cells'
    | 'max-rows'
    | 'field-length'
    | 'max-elements'
    | 'max-depth'
    | 'zip-corrupt';
  readonly entry?: string;
  readonly found?: number;
  readonly limit?: number;
}

interface Entry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The central directory of a zip, or undefined when it cannot be found (exceljs then says why). */
function entries(zip: Buffer): Entry[] | undefined {
  const from = Math.max(0, zip.length - 22 - 65_535);
  let end = -1;
  for (let i = zip.length - 22; i >= from; i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      end = i;
      break;
    }
  }
  if (end < 0) return undefined;
  const count = zip.readUInt16LE(end + 10);
  let p = zip.readUInt32LE(end + 16);
  const list: Entry[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== CENTRAL) return undefined;
    const nameLen = zip.readUInt16LE(p + 28);
    list.push({
      method: zip.readUInt16LE(p + 10),
      compressedSize: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      name: zip.toString('utf8', p + 46, p + 46 + nameLen),
      localOffset: zip.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return list;
}

/** Inflates one entry, never to more than `max` bytes, whatever its headers claim. */
function inflate(zip: Buffer, e: Entry, max: number): Buffer | 'too-large' | 'corrupt' {
  const at = e.localOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL) return 'corrupt';
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, Math.min(zip.length, start + e.compressedSize));
  if (e.method === 0) return data.length > max ? 'too-large' : data;
  if (e.method !== 8) return 'corrupt';
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, max) });
  } catch (err) {
    return (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError
      ? 'too-large'
      : 'corrupt';
  }
}

/** Counts `<c` / `<row` start tags (cells and rows) in sheet XML. */
function countCellsAndRows(xml: Buffer): { cells: number; rows: number } {
  let cells = 0;
  let rows = 0;
  for (let i = xml.indexOf(0x3c); i >= 0 && i < xml.length - 2; i = xml.indexOf(0x3c, i + 1)) {
    if (xml[i + 1] !== 0x63 && xml[i + 1] !== 0x72) continue;
    const next = xml[i + 2];
    if (xml[i + 1] === 0x63 && (next === 0x20 || next === 0x3e || next === 0x2f)) cells++;
    else if (
      xml[i + 1] === 0x72 &&
      next === 0x6f &&
      xml[i + 3] === 0x77 &&
      (xml[i + 4] === 0x20 || xml[i + 4] === 0x3e || xml[i + 4] === 0x2f)
    )
      rows++;
  }
  return { cells, rows };
}

/**
 * Checks an .xlsx before exceljs unpacks it: the number of entries, the declared sizes, then each
 * sheet and the shared strings inflated one at a time under what is left of the unpacked-size
 * budget (a zip bomb's headers lie), their longest text, and the cells and rows of all sheets.
 */
export function checkXlsx(zip: Buffer, limits: InputLimits): ZipHit | undefined {
  const list = entries(zip);
  if (!list) return undefined;
  if (list.length > limits.maxZipEntries)
    return { rule: 'zip-entries', found: list.length, limit: limits.maxZipEntries };
  const declared = list.reduce((n, e) => n + e.size, 0);
  if (declared > limits.maxUnzippedBytes)
    return { rule: 'unzipped-size', found: declared, limit: limits.maxUnzippedBytes };
  let left = limits.maxUnzippedBytes;
  let cells = 0;
  let rows = 0;
  for (const e of list) {
    if (!/^xl\/(worksheets\/[^/]+|sharedStrings)\.xml$/i.test(e.name)) continue;
    const xml = inflate(zip, e, left + 1);
    if (xml === 'corrupt') return undefined; // exceljs reports a broken zip with its own words
    if (xml === 'too-large' || xml.length > left)
      return { rule: 'unzipped-size', entry: e.name, limit: limits.maxUnzippedBytes };
    left -= xml.length;
    const text: LimitHit | undefined = scanXml(xml, {
      ...limits,
      maxElements: Number.MAX_SAFE_INTEGER,
      maxDepth: Number.MAX_SAFE_INTEGER,
    });
    if (text) return { rule: text.rule, entry: e.name, found: text.found, limit: text.limit };
    if (!/sharedStrings/i.test(e.name)) {
      const n = countCellsAndRows(xml);
      cells += n.cells;
      rows += n.rows;
      if (cells > limits.maxCells)
        return { rule: 'max-cells', entry: e.name, found: cells, limit: limits.maxCells };
      if (rows > limits.maxRows)
        return { rule: 'max-rows', entry: e.name, found: rows, limit: limits.maxRows };
    }
  }
  return undefined;
}
