import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { CircuitBreakers } from './circuit-breaker.js';
import { DeliveryControl } from './delivery-control.js';
import { Ledger } from './ledger.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';

describe('CircuitBreakers (real Redis, two nodes)', () => {
  const prefix = uniquePrefix('breaker');
  let a: Redis;
  let b: Redis;
  let nodeA: CircuitBreakers;
  let nodeB: CircuitBreakers;
  const settings = { t: { failures: 3, openForMs: 1000 } };

  beforeAll(() => {
    // Two connections stand for two gateway nodes on one Redis.
    a = new Redis(TEST_REDIS_URL);
    b = new Redis(TEST_REDIS_URL);
    nodeA = new CircuitBreakers(a, prefix, settings);
    nodeB = new CircuitBreakers(b, prefix, settings);
  });
  afterAll(async () => {
    await dropPrefix(a, prefix);
    a.disconnect();
    b.disconnect();
  });

  it('opens after N consecutive transient failures on any node, lets one probe through after openFor, and closes on success', async () => {
    const t0 = 1_000_000;
    expect(await nodeA.admit('t', t0)).toEqual({ send: true, probe: false });
    expect(await nodeA.failure('t', 'e1', t0)).toEqual({ opened: false, failures: 1 });
    expect(await nodeB.failure('t', 'e2', t0 + 1)).toEqual({ opened: false, failures: 2 });
    expect(await nodeA.failure('t', 'e3', t0 + 2)).toEqual({ opened: true, failures: 3 });
    // Open: both nodes hold their messages back until openFor has passed.
    expect(await nodeB.admit('t', t0 + 500)).toEqual({
      send: false,
      state: 'open',
      until: t0 + 1002,
      since: t0 + 2,
    });
    expect(await nodeB.snapshot('t')).toMatchObject({
      state: 'open',
      failures: 3,
      since: t0 + 2,
      openUntil: t0 + 1002,
      lastError: 'e3',
    });
    // Half-open: exactly one probe, whichever node asks first; the other waits.
    expect(await nodeA.admit('t', t0 + 1002)).toEqual({ send: true, probe: true });
    expect(await nodeB.admit('t', t0 + 1003)).toMatchObject({ send: false, state: 'half-open' });
    // The probe fails: open again, the outage keeps its start.
    expect((await nodeA.failure('t', 'e4', t0 + 1100)).opened).toBe(true);
    expect(await nodeB.admit('t', t0 + 1200)).toEqual({
      send: false,
      state: 'open',
      until: t0 + 2100,
      since: t0 + 2,
    });
    // Next probe succeeds: closed, counters reset.
    expect(await nodeB.admit('t', t0 + 2100)).toEqual({ send: true, probe: true });
    expect(await nodeB.answered('t', t0 + 2150)).toBe('half-open');
    expect(await nodeA.snapshot('t')).toEqual({
      transport: 't',
      state: 'closed',
      failures: 0,
      lastError: 'e4',
    });
    expect(await nodeA.admit('t', t0 + 2200)).toEqual({ send: true, probe: false });
  });

  it('a success in between resets the count: only consecutive failures open it', async () => {
    await nodeA.failure('t', 'x', 1);
    await nodeA.failure('t', 'x', 2);
    expect(await nodeA.answered('t', 3)).toBe('closed');
    expect((await nodeA.failure('t', 'x', 4)).opened).toBe(false);
    expect((await nodeA.snapshot('t')).failures).toBe(1);
    await nodeA.answered('t', 5);
  });

  it('a probe whose node died is replaced once its lease (openFor) has run out', async () => {
    for (let i = 0; i < 3; i++) await nodeA.failure('t', 'x', 10_000);
    expect((await nodeA.admit('t', 11_000)).send).toBe(true); // probe taken, never reported
    expect((await nodeB.admit('t', 11_500)).send).toBe(false);
    expect(await nodeB.admit('t', 12_000)).toEqual({ send: true, probe: true });
    await nodeB.answered('t', 12_001);
  });

  it('unconfigured transports get the defaults and read as closed', async () => {
    expect(nodeA.settingsOf('other')).toEqual({ failures: 5, openForMs: 30_000 });
    expect(await nodeA.snapshot('other')).toEqual({
      transport: 'other',
      state: 'closed',
      failures: 0,
    });
  });
});

describe('DeliveryControl (real Redis)', () => {
  const prefix = uniquePrefix('control');
  let redis: Redis;
  let ledger: Ledger;
  let control: DeliveryControl;
  const base = {
    channel: 'dec',
    sourceName: 'a.xml',
    docRef: `sha256:${'a'.repeat(64)}` as const,
    createdAt: 1_000,
  };

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    ledger = new Ledger(redis, prefix);
    control = new DeliveryControl(redis, prefix);
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('a held message parks once per hold (one timeline event) and its release hands back the parked job', async () => {
    await ledger.create({ ...base, id: 'h1' });
    expect(await control.hold('h1', 'ops', 'check the invoice')).toBe('held');
    expect(await control.hold('h1', 'ops')).toBe('already');
    expect(await control.claim('h1', 'dec', 'deliver-h1')).toBe('held');
    expect(await control.claim('h1', 'dec', 'deliver-h1')).toBe('held');
    expect((await ledger.get('h1'))!).toMatchObject({ heldBy: 'ops' });
    expect(await control.release('h1', 'dec', 'ops')).toEqual({
      result: 'released',
      jobId: 'deliver-h1',
    });
    expect(await control.release('h1', 'dec', 'ops')).toEqual({ result: 'not-held' });
    expect(await control.claim('h1', 'dec', 'deliver-h1')).toBe('ok');
    const texts = (await ledger.events('h1')).map((e) => `${e.stage}: ${e.text}`);
    expect(texts.filter((t) => t.startsWith('deliver: not sent while on hold'))).toHaveLength(1);
    expect(texts).toEqual(
      expect.arrayContaining([
        'operator: held by ops: check the invoice / 操作员暂停发送',
        'operator: released by ops / 操作员恢复发送',
      ]),
    );
  });

  it('a hold is refused while a send is under way and after delivery, like a cancel', async () => {
    await ledger.create({ ...base, id: 'h2', sourceName: 'b.xml' });
    expect(await control.claim('h2', 'dec', 'j')).toBe('ok');
    expect(await control.hold('h2', 'ops')).toBe('sending');
    await ledger.endSend('h2');
    await ledger.set('h2', { deliveredAt: 5 });
    expect(await control.hold('h2', 'ops')).toBe('sent');
    expect(await control.hold('nope', 'ops')).toBe('missing');
  });

  it('a channel hold parks every message of the channel; its release wakes those not held on their own', async () => {
    for (const id of ['c1', 'c2', 'c3'])
      await ledger.create({ ...base, id, sourceName: `${id}.xml` });
    expect(await control.holdChannel('dec', 'ops', 'customs maintenance')).toBe(true);
    expect(await control.holdChannel('dec', 'ops')).toBe(false);
    for (const id of ['c1', 'c2', 'c3'])
      expect(await control.claim(id, 'dec', `deliver-${id}`)).toBe('held');
    expect(await control.hold('c3', 'ops')).toBe('held');
    expect(await control.release('c3', 'dec', 'ops')).toEqual({ result: 'channel-held' });
    await control.hold('c3', 'ops');
    expect(await control.parkedCount('dec')).toBe(3);
    const { wasHeld, parked } = await control.releaseChannel('dec', 'ops');
    expect(wasHeld).toBe(true);
    expect([...parked.entries()].sort()).toEqual([
      ['c1', 'deliver-c1'],
      ['c2', 'deliver-c2'],
    ]);
    expect(await control.claim('c1', 'dec', 'deliver-c1')).toBe('ok');
    expect(await control.claim('c3', 'dec', 'deliver-c3')).toBe('held');
    expect((await ledger.events('c1')).map((e) => e.text)).toEqual(
      expect.arrayContaining(['channel dec released by ops / 通道恢复发送']),
    );
    expect((await control.channelEventsOf('dec')).map((e) => e.text)).toEqual([
      'channel held by ops: customs maintenance / 通道暂停发送',
      'channel released by ops / 通道恢复发送',
    ]);
  });

  it('a cancel wins over a parked job: the claim ends it', async () => {
    await ledger.create({ ...base, id: 'x1', sourceName: 'x1.xml' });
    await control.hold('x1', 'ops');
    expect(await control.claim('x1', 'dec', 'j')).toBe('held');
    expect(await ledger.cancel('x1', 'cancelled by ops')).toBe('cancelled');
    expect(await control.claim('x1', 'dec', 'j')).toBe('cancelled');
  });

  it('numbers replays of delivered messages only, with the reason in the timeline', async () => {
    await ledger.create({ ...base, id: 'r1', sourceName: 'r1.xml' });
    expect(await control.replay('r1', 'ops', 'lost at customs')).toBe('not-sent');
    await ledger.set('r1', { deliveredAt: 7 });
    expect(await control.replay('r1', 'ops', 'lost at customs')).toBe(1);
    expect(await control.replay('r1', 'ops', 'again')).toBe('pending'); // #1 has not gone out yet
    await ledger.set('r1', { replaysDone: 1 });
    expect(await control.replay('r1', 'ops', 'again')).toBe(2);
    expect((await ledger.events('r1')).map((e) => e.text)).toContain(
      'replay #1 requested by ops: lost at customs / 操作员要求重放',
    );
  });
});
