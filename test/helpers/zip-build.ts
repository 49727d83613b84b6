import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A minimal zip writer for hostile .xlsx inputs made at test time: entries are deflated, and the
 * sizes written in the headers can be made to lie (`declaredSize`) like a zip bomb's do.
 */
export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
  /** Uncompressed size to write in the headers instead of the real one. */
  readonly declaredSize?: number;
  /** Already deflated bytes of `data` (for huge repetitive content built in pieces). */
  readonly deflated?: Buffer;
  readonly crc?: number;
  readonly realSize?: number;
}

export function buildZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = e.deflated ?? deflateRawSync(e.data);
    const crc = e.crc ?? crc32(e.data);
    const size = e.declaredSize ?? e.realSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表体" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`;

const SHEET_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_TAIL = '</sheetData></worksheet>';

function row(r: number, cols: number): string {
  let cells = '';
  for (let c = 0; c < cols; c++)
    cells += `<c r="${String.fromCharCode(65 + (c % 26))}${r}" t="inlineStr"><is><t>v</t></is></c>`;
  return `<row r="${r}">${cells}</row>`;
}

/** An .xlsx with one sheet of `rows` × `cols` small inline-string cells, built in pieces. */
export function xlsxWithCells(
  rows: number,
  cols: number,
  sheet: (entry: ZipEntry) => ZipEntry = (e) => e,
): Buffer {
  const parts: Buffer[] = [Buffer.from(SHEET_HEAD)];
  for (let r = 1; r <= rows; r++) parts.push(Buffer.from(row(r, cols)));
  parts.push(Buffer.from(SHEET_TAIL));
  const data = Buffer.concat(parts);
  return xlsxWithSheet(data, sheet);
}

/** An .xlsx whose one sheet holds exactly these bytes. */
export function xlsxWithSheet(
  sheetXml: Buffer,
  sheet: (entry: ZipEntry) => ZipEntry = (e) => e,
): Buffer {
  return buildZip([
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: '_rels/.rels', data: Buffer.from(ROOT_RELS) },
    { name: 'xl/workbook.xml', data: Buffer.from(WORKBOOK) },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(WORKBOOK_RELS) },
    sheet({ name: 'xl/worksheets/sheet1.xml', data: sheetXml }),
  ]);
}

/**
 * An .xlsx with `rows` × `cols` cells built as a stream, so eight million cells cost the test a
 * few seconds of CPU and a few MB of memory (the rows are alike and compress to almost nothing).
 */
export async function xlsxWithManyCells(rows: number, cols: number): Promise<Buffer> {
  const { createDeflateRaw } = await import('node:zlib');
  const rowXml = Buffer.from(`<row>${'<c t="inlineStr"><is><t>v</t></is></c>'.repeat(cols)}</row>`);
  const head = Buffer.from(SHEET_HEAD);
  const tail = Buffer.from(SHEET_TAIL);
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (b: Buffer) => out.push(b));
  const done = new Promise<void>((resolve, reject) =>
    deflate.on('end', resolve).on('error', reject),
  );
  let crc = crc32(head);
  let size = head.length;
  deflate.write(head);
  const block = Buffer.concat(Array.from({ length: 64 }, () => rowXml));
  for (let r = 0; r < rows; r += 64) {
    const piece =
      r + 64 <= rows ? block : Buffer.concat(Array.from({ length: rows - r }, () => rowXml));
    crc = crc32(piece, crc);
    size += piece.length;
    if (!deflate.write(piece)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  crc = crc32(tail, crc);
  size += tail.length;
  deflate.end(tail);
  await done;
  const deflated = Buffer.concat(out);
  return xlsxWithSheet(Buffer.alloc(0), (e) => ({ ...e, deflated, crc, realSize: size }));
}
