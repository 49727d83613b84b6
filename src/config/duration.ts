const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Converts a config duration ("30s", "2m", 1500) to milliseconds. */
export function toMs(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(value.trim());
  if (!m) throw new Error(`not a duration: ${value}`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
}

/** Expands a retry schedule such as "30s, 2m, 10m*3" into the list of delays in milliseconds. */
export function parseSchedule(schedule: string): number[] {
  const delays: number[] = [];
  for (const part of schedule.split(',')) {
    const [d, times] = part.trim().split('*');
    const ms = toMs(d!.trim());
    const n = times ? Number(times) : 1;
    for (let i = 0; i < n; i++) delays.push(ms);
  }
  return delays;
}
