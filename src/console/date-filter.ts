/** The messages page's date filter: whole days in China Standard Time (UTC+8, no daylight saving). */
const CHINA_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** From the start of `from` to the end of `to`, as epoch milliseconds (`end` exclusive). */
export interface DateRange {
  readonly start?: number;
  readonly end?: number;
}

/** The start of a `yyyy-mm-dd` day in China time, or undefined when it is not a real date. */
export function chinaDayStart(day: string | undefined): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day?.trim() ?? '');
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = Date.UTC(y, mo - 1, d);
  const back = new Date(utc);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return undefined;
  }
  return utc - CHINA_OFFSET_MS;
}

/** The range of days `from`..`to` (both included, either may be absent or invalid: then open). */
export function dateRange(from?: string, to?: string): DateRange {
  const start = chinaDayStart(from);
  const lastDay = chinaDayStart(to);
  return {
    ...(start !== undefined ? { start } : {}),
    ...(lastDay !== undefined ? { end: lastDay + DAY_MS } : {}),
  };
}

/** Whether a time falls in the range. */
export function inDateRange(at: number, range: DateRange): boolean {
  return (
    (range.start === undefined || at >= range.start) && (range.end === undefined || at < range.end)
  );
}
