import { describe, expect, it } from 'vitest';
import { CEB_RETURN_CODES, CHANNEL_CODES, channelStatus } from './codes.js';
import {
  GATEWAY_STATUSES,
  foldStatus,
  isGatewayStatus,
  isTerminal,
  nextStatus,
  statusRank,
  type GatewayStatus,
} from './status.js';
import { seededRandom } from '../../test/helpers/seeded-random.js';

describe('statusRank', () => {
  it('orders the forward states as the lifecycle runs', () => {
    const order: GatewayStatus[] = [
      'received',
      'translated',
      'signed',
      'sent',
      'imported',
      'declared',
      'accepted',
      'audited',
      'inspection',
      'tax-due',
      'released',
      'closed',
    ];
    expect(order.map(statusRank)).toEqual(order.map((_, i) => i));
  });

  it('ranks every negative terminal above all progress', () => {
    for (const s of ['rejected', 'cancelled', 'failed', 'dead'] as const) {
      expect(statusRank(s)).toBeGreaterThan(statusRank('closed'));
    }
  });

  it('refuses a string that is not a status', () => {
    expect(() => statusRank('bogus' as GatewayStatus)).toThrow(RangeError);
    expect(isGatewayStatus('released')).toBe(true);
    expect(isGatewayStatus('bogus')).toBe(false);
  });
});

describe('isTerminal', () => {
  it('is true for closed and the negative outcomes only', () => {
    expect(GATEWAY_STATUSES.filter(isTerminal).sort()).toEqual([
      'cancelled',
      'closed',
      'dead',
      'failed',
      'rejected',
    ]);
  });
});

describe('nextStatus', () => {
  it('moves forward on a later lifecycle step', () => {
    expect(nextStatus('sent', 'imported')).toBe('imported');
    expect(nextStatus('declared', 'released')).toBe('released');
  });

  it('keeps released when a late L (accepted) arrives after P', () => {
    expect(nextStatus('released', 'accepted')).toBe('released');
  });

  it('is idempotent for duplicates', () => {
    expect(nextStatus('audited', 'audited')).toBe('audited');
  });

  it('never leaves closed', () => {
    for (const s of GATEWAY_STATUSES) expect(nextStatus('closed', s)).toBe('closed');
  });

  it('keeps released when a stale rejection arrives', () => {
    expect(nextStatus('released', 'rejected')).toBe('released');
  });

  it('takes a deletion after release, and then keeps it', () => {
    expect(nextStatus('released', 'cancelled')).toBe('cancelled');
    expect(nextStatus('cancelled', 'closed')).toBe('cancelled');
  });

  it('takes a rejection before release', () => {
    expect(nextStatus('accepted', 'rejected')).toBe('rejected');
    expect(nextStatus('rejected', 'released')).toBe('rejected');
  });

  it('ignores gateway-side failure once customs has the message', () => {
    expect(nextStatus('sent', 'dead')).toBe('sent');
    expect(nextStatus('audited', 'failed')).toBe('audited');
    expect(nextStatus('signed', 'dead')).toBe('dead');
    expect(nextStatus('received', 'failed')).toBe('failed');
  });

  it('replays the real 7 → L → J → P → R sequence, in any order, to closed', () => {
    const codes = ['7', 'L', 'J', 'P', 'R'].map((c) => channelStatus(c) as GatewayStatus);
    expect(foldStatus('sent', codes)).toBe('closed');
    expect(foldStatus('sent', [...codes].reverse())).toBe('closed');
    expect(
      foldStatus(
        'sent',
        ['P', 'L', '7', 'J'].map((c) => channelStatus(c) as GatewayStatus),
      ),
    ).toBe('released');
  });
});

describe('nextStatus properties (random receipt sequences)', () => {
  // Incoming statuses as receipts produce them: DEC CHANNEL codes, CEB returnStatus codes, and
  // every status once more (gateway-side ones, and the 'sent' a code without meaning yields).
  const fromCodes: GatewayStatus[] = [
    ...CHANNEL_CODES.map((c) => channelStatus(c, 'dec')),
    ...[...CEB_RETURN_CODES, '-621004', '550'].map((c) => channelStatus(c, 'ceb')),
  ].filter((s): s is GatewayStatus => s !== undefined);
  const pool: GatewayStatus[] = [...fromCodes, ...GATEWAY_STATUSES];

  it('for 500 seeded sequences: rank never decreases, terminal states stick', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const rnd = seededRandom(seed);
      let status: GatewayStatus = 'received';
      const length = 1 + Math.floor(rnd() * 30);
      for (let step = 0; step < length; step++) {
        const incoming = pool[Math.floor(rnd() * pool.length)] as GatewayStatus;
        const next = nextStatus(status, incoming);
        const at = `seed ${seed}, step ${step}: ${status} + ${incoming} → ${next}`;
        expect(statusRank(next), at).toBeGreaterThanOrEqual(statusRank(status));
        expect([status, incoming], at).toContain(next);
        if (isTerminal(status)) expect(next, at).toBe(status);
        status = next;
      }
    }
  });

  it('for forward-only receipts, order does not matter: the furthest step wins', () => {
    const forward = pool.filter((s) => !isTerminal(s));
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = seededRandom(seed);
      const pick = (): GatewayStatus =>
        forward[Math.floor(rnd() * forward.length)] as GatewayStatus;
      const seq = Array.from({ length: 1 + Math.floor(rnd() * 10) }, pick);
      const shuffled = [...seq].sort(() => rnd() - 0.5);
      const furthest = seq.reduce(
        (a, b) => (statusRank(b) > statusRank(a) ? b : a),
        'received' as GatewayStatus,
      );
      expect(foldStatus('received', seq), `seed ${seed}`).toBe(furthest);
      expect(foldStatus('received', shuffled), `seed ${seed}`).toBe(furthest);
    }
  });
});
