import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { LeasedPoller, type LeasedPollerOptions } from './leased-poller.js';
import { MemoryLeases } from '../../test/helpers/memory-lease.js';
import type { Lease } from './lease.js';

/** One lease that lapses `ttlMs` after its holder's last renewal (on the fake clock), like Redis's. */
class TtlLeases {
  private owner: string | undefined;
  private until = 0;

  lease(owner: string, ttlMs: number): Lease {
    return {
      ttlMs,
      holds: async () => {
        if (this.owner !== undefined && this.owner !== owner && Date.now() < this.until)
          return false;
        this.owner = owner;
        this.until = Date.now() + ttlMs;
        return true;
      },
      release: async () => {
        if (this.owner === owner) this.owner = undefined;
      },
    };
  }

  steal(owner: string, ttlMs: number): void {
    this.owner = owner;
    this.until = Date.now() + ttlMs;
  }
}

type Line = { level: number; msg: string; failures?: number };

describe('LeasedPoller (fake clock)', () => {
  let lines: Line[];
  let pollers: LeasedPoller[];
  const log = () =>
    pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const poller = (over: Partial<LeasedPollerOptions> = {}): LeasedPoller => {
    const p = new LeasedPoller({
      fields: { source: 'test' },
      intervalMs: 100,
      log: log(),
      text: { failed: 'poll failed / 拉取失败', recovered: 'reachable again / 已恢复' },
      ...over,
    });
    pollers.push(p);
    return p;
  };

  beforeEach(() => {
    vi.useFakeTimers();
    lines = [];
    pollers = [];
  });
  afterEach(async () => {
    const closed = Promise.all(pollers.map((p) => p.close()));
    await vi.advanceTimersByTimeAsync(10_000); // polls still sleeping on the fake clock end
    await closed;
    vi.useRealTimers();
  });

  it('polls at once, then every interval, never two polls at the same time', async () => {
    let calls = 0;
    let inFlight = 0;
    let overlapped = false;
    poller().start(async () => {
      calls++;
      overlapped ||= inFlight > 0;
      inFlight++;
      await new Promise((r) => setTimeout(r, 250)); // longer than the interval
      inFlight--;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(349); // 250 of work + 100 of interval, minus 1
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    expect(overlapped).toBe(false);
  });

  it('of two nodes on one lease only the holder polls; the other takes over when the holder is gone', async () => {
    const leases = new MemoryLeases();
    const seen: string[] = [];
    const a = poller({ lease: leases.lease('inbox', 'a') });
    const b = poller({ lease: leases.lease('inbox', 'b') });
    a.start(async () => void seen.push('a'));
    b.start(async () => void seen.push('b'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(new Set(seen)).toEqual(new Set(['a']));
    await a.close(); // a clean stop gives the lease up at once
    expect(leases.released).toBe(1);
    seen.length = 0;
    await vi.advanceTimersByTimeAsync(200);
    expect(new Set(seen)).toEqual(new Set(['b']));
    expect(leases.holder('inbox')).toBe('b');
  });

  it('renews the lease through a poll longer than the lease, so no second node polls meanwhile', async () => {
    const leases = new TtlLeases();
    const seen: string[] = [];
    const a = poller({ lease: leases.lease('a', 1000) });
    const b = poller({ lease: leases.lease('b', 1000) });
    let first = true;
    a.start(async () => {
      seen.push('a');
      if (first) await new Promise((r) => setTimeout(r, 5000)); // a backlog: 5 leases long
      first = false;
    });
    await vi.advanceTimersByTimeAsync(0);
    b.start(async () => void seen.push('b'));
    await vi.advanceTimersByTimeAsync(5500);
    expect(seen.length).toBeGreaterThan(1); // a polled again after its long poll
    expect(new Set(seen)).toEqual(new Set(['a']));
  });

  it('a poll stops early when another node has taken the lease in the meantime', async () => {
    const leases = new TtlLeases();
    const a = poller({ lease: leases.lease('a', 1000) });
    let ended: number | undefined;
    let polls = 0;
    a.start(async () => {
      if (polls++) return;
      for (let i = 0; i < 100 && !a.stopped; i++) await new Promise((r) => setTimeout(r, 100));
      ended = Date.now();
    });
    await vi.advanceTimersByTimeAsync(0);
    const t0 = Date.now();
    leases.steal('x', 60_000); // a stalled past its lease; another node holds it now
    await vi.advanceTimersByTimeAsync(1000);
    expect(ended).toBeDefined();
    expect(ended! - t0).toBeLessThan(1000);
    expect(a.stopped).toBe(false); // not closed: it polls again once it holds the lease
  });

  it('logs the first failure of a run and every 20th, then one line when polls work again', async () => {
    let fail = true;
    poller({ level: 'error' }).start(async () => {
      if (fail) throw new Error('server down');
    });
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(100 * 44); // 45 failed polls in all
    const failed = lines.filter((l) => l.msg === 'poll failed / 拉取失败');
    expect(failed.map((l) => l.failures)).toEqual([1, 20, 40]);
    expect(failed.every((l) => l.level === 50)).toBe(true);
    fail = false;
    await vi.advanceTimersByTimeAsync(100);
    expect(
      lines.filter((l) => l.msg === 'reachable again / 已恢复').map((l) => l.failures),
    ).toEqual([45]);
  });

  it('backs off exponentially up to its maximum after failures, and polls at the interval after a success', async () => {
    const at: number[] = [];
    let fail = true;
    poller({ backoffMaxMs: 1000 }).start(async () => {
      at.push(Date.now());
      if (fail) throw new Error('feed down');
    });
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(200 + 400 + 800 + 1000 + 1000);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps).toEqual([200, 400, 800, 1000, 1000]);
    fail = false;
    await vi.advanceTimersByTimeAsync(1000); // the success
    await vi.advanceTimersByTimeAsync(100);
    expect(at.at(-1)! - at.at(-2)!).toBe(100);
  });

  it('without backoff waits the interval after a failure too', async () => {
    const at: number[] = [];
    poller().start(async () => {
      at.push(Date.now());
      throw new Error('down');
    });
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(300);
    expect(at.slice(1).map((t, i) => t - at[i]!)).toEqual([100, 100, 100]);
  });

  it('polls again at once while a poll reports more waiting', async () => {
    const pages = [3, 2, 0, 0];
    let calls = 0;
    poller().start(async () => pages[calls++] ?? 0);
    await vi.advanceTimersByTimeAsync(50);
    expect(calls).toBe(3); // 3 and 2 waiting: two more polls at once, then the interval
    await vi.advanceTimersByTimeAsync(45); // the interval runs from the third poll
    expect(calls).toBe(3);
    await vi.advanceTimersByTimeAsync(55);
    expect(calls).toBe(4);
  });

  it('counts a lease that cannot be read (Redis down) as a failed poll, without polling', async () => {
    let calls = 0;
    poller({
      lease: {
        holds: async () => Promise.reject(new Error('redis down')),
        release: async () => {},
      },
    }).start(async () => void calls++);
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toBe(0);
    expect(lines.filter((l) => l.msg === 'poll failed / 拉取失败')).toHaveLength(1);
  });

  it('close() waits for the poll in flight, stops the loop, releases the lease, and is idempotent', async () => {
    const leases = new MemoryLeases();
    let calls = 0;
    let finished = false;
    const p = poller({ lease: leases.lease('feed', 'a') });
    p.start(async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 50));
      expect(p.stopped).toBe(true); // the poll can see the stop and end early
      finished = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    const first = p.close();
    const second = p.close();
    expect(second).toBe(first);
    await vi.advanceTimersByTimeAsync(50);
    await first;
    expect(finished).toBe(true);
    expect(leases.holder('feed')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(1);
    expect(() => p.start(async () => {})).toThrow(/already started/);
  });

  it('a custom report replaces the default failure line', async () => {
    const reported: [string, number][] = [];
    poller({ report: (err, n) => reported.push([(err as Error).message, n]) }).start(async () => {
      throw new Error('bad certificate');
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(reported).toEqual([['bad certificate', 1]]);
    expect(lines).toEqual([]);
  });
});
