import { checkXml, decodeXml } from '../core/xml-text.js';
import type { FeedEntry } from '../receipts/feed-entry.js';
import { CSV_HEADER, csvLine, csvRows } from '../receipts/forms/csv-form.js';
import type { ReceiptView } from '../receipts/forms/receipt-view.js';

/** What a poll may ask for: `format=`, else the Accept header, else the JSON page of base64 originals. */
export const API_FORMATS = ['xml', 'json', 'csv', 'mapping'] as const;
export type ApiFormat = (typeof API_FORMATS)[number] | 'raw';

/** format= wins; then Accept: XML, CSV or JSON; anything else keeps the original JSON page. */
export function negotiateFormat(format: string | undefined, accept: string | undefined): ApiFormat {
  if (format) return format as ApiFormat;
  const a = (accept ?? '').toLowerCase();
  if (/\b(application|text)\/xml\b/.test(a)) return 'xml';
  if (/\btext\/csv\b/.test(a)) return 'csv';
  if (/\bapplication\/json\b/.test(a)) return 'json';
  return 'raw';
}

/** A stored receipt's own extension: gateway receipts may be JSON, everything else is XML. */
export function storedExtension(bytes: Buffer): 'json' | 'xml' {
  const first = bytes
    .subarray(0, 64)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()[0];
  return first === '{' ? 'json' : 'xml';
}

const attr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The receipt's XML text without its declaration, or undefined when it is not well-formed. */
function wellFormed(bytes: Buffer, name: string): string | undefined {
  try {
    const text = decodeXml(bytes, name).text.replace(/^\uFEFF/, '');
    checkXml(text, name);
    return text.replace(/^\s*<\?xml[^?]*\?>\s*/, '').trim();
  } catch {
    return undefined;
  }
}

/**
 * A page as one XML document: each receipt as it came (its XML declaration removed, re-encoded
 * as UTF-8) inside a <Receipt> element that carries the cursor.
 */
export function xmlPage(
  channel: string,
  next: string,
  items: readonly { entry: FeedEntry; original: Buffer }[],
): string {
  const body = items
    .map(({ entry: e, original }) => {
      const head = `  <Receipt cursor="${attr(e.cursor)}" messageId="${attr(e.messageId)}" fileName="${attr(e.fileName)}" kind="${attr(e.kind)}">`;
      if (storedExtension(original) === 'json')
        return `${head}<Json>${attr(original.toString('utf8'))}</Json></Receipt>\n`;
      const inner = wellFormed(original, e.fileName);
      // Bytes that are not well-formed XML (an orphan kept as it came) travel as base64.
      if (inner === undefined)
        return `${head}<Base64>${original.toString('base64')}</Base64></Receipt>\n`;
      return `${head}\n${inner}\n  </Receipt>\n`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Receipts channel="${attr(channel)}" next="${attr(next)}">\n${body}</Receipts>\n`;
}

/** A page as CSV: the outbox CSV columns after a cursor and a file name column. */
export function csvPage(items: readonly { entry: FeedEntry; view: ReceiptView }[]): string {
  const lines = [csvLine(['游标', '文件名', ...CSV_HEADER])];
  for (const { entry, view } of items)
    for (const row of csvRows(view)) lines.push(csvLine([entry.cursor, entry.fileName, ...row]));
  return lines.join('');
}
