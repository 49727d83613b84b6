import { basename } from 'node:path';

/** A file name from a client: one path segment, printable, bounded; else undefined. */
export function safeUploadName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (
    name !== basename(name) ||
    name.startsWith('.') ||
    /[\u0000-\u001f\\/]/.test(name) ||
    name.length > 200
  )
    return undefined;
  return name;
}

/** A file extension for an unnamed upload, from its Content-Type (formats are told apart by it). */
export function extensionFor(contentType: string | undefined): string {
  const t = (contentType ?? '').toLowerCase();
  if (t.includes('json')) return '.json';
  if (t.includes('csv')) return '.csv';
  if (t.includes('spreadsheetml') || t.includes('excel')) return '.xlsx';
  return '.xml';
}
