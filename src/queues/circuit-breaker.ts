import type { Redis } from 'ioredis';
import { DEFAULT_BREAKER, type ResolvedBreaker } from '../config/resolve-breaker.js';
import type { Admission, BreakerState, CircuitBreakerPort } from './circuit-breaker-port.js';
import { evalLua } from './lua.js';

export type { Admission, BreakerState } from './circuit-breaker-port.js';

/** What `eport status`, the metrics and the API show of one breaker. */
export interface BreakerSnapshot {
  readonly transport: string;
  readonly state: BreakerState;
  /** Consecutive transient failures so far. */
  readonly failures: number;
  /** When the current outage began (closed -> open); kept while it re-opens after failed probes. */
  readonly since?: number;
  /** While open: when the next probe may go. */
  readonly openUntil?: number;
  readonly lastError?: string;
}

// Decides, atomically for every node on this Redis, whether a send may go. Open until its time
// is up, then exactly one probe (half-open); a probe whose node died is replaced after its lease.
const ADMIT_LUA = `
local st = redis.call('HGET', KEYS[1], 'state')
if not st or st == 'closed' then return {'send', 0, 0} end
local now = tonumber(ARGV[1])
local since = tonumber(redis.call('HGET', KEYS[1], 'since') or ARGV[1])
if st == 'open' then
  local untilT = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
  if now < untilT then return {'open', untilT, since} end
  redis.call('HSET', KEYS[1], 'state', 'half-open', 'probeUntil', now + tonumber(ARGV[2]), 'changedAt', now)
  return {'probe', 0, since}
end
local probeUntil = tonumber(redis.call('HGET', KEYS[1], 'probeUntil') or '0')
if now >= probeUntil then
  redis.call('HSET', KEYS[1], 'probeUntil', now + tonumber(ARGV[2]))
  return {'probe', 0, since}
end
return {'half-open', probeUntil, since}`;

// Counts a transient failure; opens the breaker at the threshold, or at once when a probe failed.
const FAILURE_LUA = `
local st = redis.call('HGET', KEYS[1], 'state') or 'closed'
local now = tonumber(ARGV[1])
local n = redis.call('HINCRBY', KEYS[1], 'failures', 1)
redis.call('HSET', KEYS[1], 'lastError', ARGV[4])
if st == 'half-open' or (st == 'closed' and n >= tonumber(ARGV[2])) then
  if st == 'closed' then redis.call('HSET', KEYS[1], 'since', now) end
  redis.call('HSET', KEYS[1], 'state', 'open', 'openUntil', now + tonumber(ARGV[3]), 'changedAt', now)
  redis.call('HDEL', KEYS[1], 'probeUntil')
  return {1, n}
end
return {0, n}`;

// The endpoint answered: closes the breaker and resets the count. Returns the state it was in.
// A breaker that never opened has no state field yet, but may have counted failures.
const ANSWER_LUA = `
local st = redis.call('HGET', KEYS[1], 'state') or 'closed'
if st == 'closed' and (redis.call('HGET', KEYS[1], 'failures') or '0') == '0' then return st end
redis.call('HSET', KEYS[1], 'state', 'closed', 'failures', 0, 'changedAt', ARGV[1])
redis.call('HDEL', KEYS[1], 'since', 'openUntil', 'probeUntil')
return st`;

/**
 * Circuit breakers, one per transport (one customs endpoint each), kept in Redis so that every
 * gateway node on the same Redis sees the same state. They sit around `Transport.send` in the
 * deliver stage, so they work for every transport type. Only transient failures count: a
 * permanent error means the endpoint answered (it refused one message), so it closes the breaker.
 */
export class CircuitBreakers implements CircuitBreakerPort {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly settings: Readonly<Record<string, ResolvedBreaker>>,
  ) {}

  private key(transport: string): string {
    return `${this.prefix}:breaker:${transport}`;
  }

  settingsOf(transport: string): ResolvedBreaker {
    return this.settings[transport] ?? DEFAULT_BREAKER;
  }

  async admit(transport: string, now = Date.now()): Promise<Admission> {
    const { openForMs } = this.settingsOf(transport);
    const [verdict, until, since] = (await evalLua(
      this.redis,
      ADMIT_LUA,
      1,
      this.key(transport),
      String(now),
      String(openForMs),
    )) as [string, number, number];
    if (verdict === 'send') return { send: true, probe: false };
    if (verdict === 'probe') return { send: true, probe: true };
    return {
      send: false,
      state: verdict as 'open' | 'half-open',
      until: Number(until),
      since: Number(since),
    };
  }

  /** Records a transient failure; `opened` is true when this failure opened the breaker. */
  async failure(
    transport: string,
    error: string,
    now = Date.now(),
  ): Promise<{ opened: boolean; failures: number }> {
    const { failures, openForMs } = this.settingsOf(transport);
    const [opened, n] = (await evalLua(
      this.redis,
      FAILURE_LUA,
      1,
      this.key(transport),
      String(now),
      String(failures),
      String(openForMs),
      error.slice(0, 300),
    )) as [number, number];
    return { opened: opened === 1, failures: Number(n) };
  }

  /** Records an answer from the endpoint; returns the state before (not 'closed' = it just closed). */
  async answered(transport: string, now = Date.now()): Promise<BreakerState> {
    return (await evalLua(
      this.redis,
      ANSWER_LUA,
      1,
      this.key(transport),
      String(now),
    )) as BreakerState;
  }

  async snapshot(transport: string): Promise<BreakerSnapshot> {
    const h = await this.redis.hgetall(this.key(transport));
    const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    return {
      transport,
      state: (h.state as BreakerState | undefined) ?? 'closed',
      failures: Number(h.failures ?? 0),
      ...(h.since ? { since: num(h.since)! } : {}),
      ...(h.state === 'open' && h.openUntil ? { openUntil: num(h.openUntil)! } : {}),
      ...(h.lastError ? { lastError: h.lastError } : {}),
    };
  }

  /** Every configured transport's breaker. */
  async all(): Promise<BreakerSnapshot[]> {
    return Promise.all(Object.keys(this.settings).map((t) => this.snapshot(t)));
  }
}
