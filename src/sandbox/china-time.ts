/** Customs timestamps are China Standard Time (UTC+8, no daylight saving). */
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

function parts(date: Date): { y: string; mo: string; d: string; h: string; mi: string; s: string } {
  const t = new Date(date.getTime() + CST_OFFSET_MS);
  const two = (n: number): string => String(n).padStart(2, '0');
  return {
    y: String(t.getUTCFullYear()).padStart(4, '0'),
    mo: two(t.getUTCMonth() + 1),
    d: two(t.getUTCDate()),
    h: two(t.getUTCHours()),
    mi: two(t.getUTCMinutes()),
    s: two(t.getUTCSeconds()),
  };
}

/** `yyyy-MM-ddTHH:mm:ss` in China Standard Time, the `NOTICE_DATE` format of `DEC_RESULT`. */
export function formatNoticeDate(date: Date): string {
  const p = parts(date);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}`;
}

/** `yyyyMMdd` in China Standard Time (`IEDate`, `I_E_DATE`, `D_DATE`). */
export function formatCompactDate(date: Date): string {
  const p = parts(date);
  return `${p.y}${p.mo}${p.d}`;
}

/** The four-digit year in China Standard Time. */
export function chinaYear(date: Date): string {
  return parts(date).y;
}
