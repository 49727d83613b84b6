import type { Redis } from 'ioredis';

/**
 * The few string commands a receipt source keeps its feed cursor with (get, set, del), in memory,
 * for unit tests about the HTTP side only. Anything else it is asked for is missing, on purpose.
 */
export function memoryCursorRedis(): Redis {
  const m = new Map<string, string>();
  const store = {
    get: async (k: string) => m.get(k) ?? null,
    set: async (k: string, v: string) => (m.set(k, v), 'OK'),
    del: async (...keys: string[]) => keys.filter((k) => m.delete(k)).length,
  };
  return store as unknown as Redis;
}
