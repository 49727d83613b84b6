import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';
import { FakeCustoms } from '../helpers/fake-customs.js';
import { waitFor } from '../helpers/wait.js';
import { decMessage } from '../helpers/dec-message.js';
import { CircuitBreakers } from '../../src/queues/circuit-breaker.js';
import { holdMessage, releaseMessage, replayMessage } from '../../src/queues/delivery-operator.js';
import { createMetrics } from '../../src/queues/metrics.js';
import { buildHttpApi } from '../../src/gateway/http-api.js';
import { httpApiDeps } from '../../src/queues/http-api-bindings.js';
import { deliverJobId } from '../../src/queues/operator.js';

const ls = (d: string) =>
  readdirSync(d)
    .filter((f) => !f.startsWith('.'))
    .sort();

/** Delivery control end to end: a gateway in this process, real Redis, a customs endpoint on loopback. */
describe(
  'delivery control (circuit breaker, fairness, hold/release, replay)',
  { timeout: 120_000 },
  () => {
    let tg: TestGateway | undefined;
    let customs: FakeCustoms | undefined;
    afterEach(async () => {
      await tg?.close();
      await customs?.close();
      tg = customs = undefined;
    });

    const drop = (name: string, seq: string) => {
      mkdirSync(join(tg!.dir, 'dec', 'inbox'), { recursive: true });
      writeFileSync(join(tg!.dir, 'dec', 'inbox', name), decMessage(seq));
    };
    const idOf = (name: string) =>
      waitFor(
        `ledger record of ${name}`,
        () => tg!.gateway.deps.ledger.findBySource('dec', name),
        (id) => Boolean(id),
        15_000,
      ) as Promise<string>;
    const events = async (name: string) =>
      (await tg!.gateway.deps.ledger.events(await idOf(name))).map((e) => e.text);
    const failedAttempts = async (name: string) =>
      (await events(name)).filter((t) => /^attempt \d+ failed/.test(t)).length;

    it('opens the breaker after consecutive failures; waiting messages keep their attempts; one probe at a time; success closes it', async () => {
      customs = await new FakeCustoms().start();
      customs.failing = true;
      tg = await startTestGateway('breaker', testChannel('dec'), {
        transports: `[{ name: t, type: http, url: "${customs.url}", timeoutMs: 2s, breaker: { failures: 2, openFor: 700ms } }]`,
        // The whole schedule (20 x 100 ms) is shorter than the outage below: without the
        // breaker's waiting, every message would be dead before customs is back.
        extra: 'http: { enabled: false }\nretry: { schedule: "100ms*20", jitter: 0, maxAge: 1h }',
      });
      const deps = tg.gateway.deps;
      const breakers = new CircuitBreakers(
        deps.redis,
        deps.config.redis.prefix,
        deps.config.breakers,
      );
      drop('a.xml', 'BRK0000001');
      await waitFor(
        'breaker open',
        () => breakers.snapshot('t'),
        (s) => s.state === 'open',
        15_000,
      );
      expect(
        (await events('a.xml')).some((t) =>
          t.startsWith('circuit breaker of transport t opened after 2 consecutive'),
        ),
      ).toBe(true);
      expect(await createMetrics(deps).metrics()).toMatch(/eport_breaker_state\{transport="t"\} 2/);

      const outageStart = Date.now();
      drop('b.xml', 'BRK0000002');
      drop('c.xml', 'BRK0000003');
      for (const f of ['b.xml', 'c.xml']) {
        await waitFor(
          `${f} waiting for the breaker`,
          () => events(f),
          (t) => t.some((x) => x.startsWith('waiting: circuit breaker of transport t')),
          15_000,
        );
      }
      await new Promise((r) => setTimeout(r, 3000));
      const outageMs = Date.now() - outageStart;
      // While open, only probes reach customs: about one per openFor, not one per message per 100 ms.
      expect(customs.submissions.length).toBeLessThanOrEqual(2 + Math.ceil(outageMs / 700) + 2);
      for (const f of ['a.xml', 'b.xml', 'c.xml'])
        expect((await deps.ledger.get(await idOf(f)))!.status).not.toBe('dead');
      // The outage (one timeline event per message per outage, however often it woke up).
      expect(
        (await events('b.xml')).filter((t) => t.startsWith('waiting: circuit breaker')),
      ).toHaveLength(1);

      customs.failing = false;
      for (const f of ['a.xml', 'b.xml', 'c.xml']) {
        await waitFor(
          `${f} delivered`,
          async () => (await deps.ledger.get(await idOf(f)))!.deliveredAt,
          (d) => Boolean(d),
          15_000,
        );
      }
      expect(await breakers.snapshot('t')).toMatchObject({ state: 'closed', failures: 0 });
      const all = [
        ...(await events('a.xml')),
        ...(await events('b.xml')),
        ...(await events('c.xml')),
      ];
      expect(all.filter((t) => t.startsWith('circuit breaker of transport t closed'))).toHaveLength(
        1,
      );
      for (const seq of ['BRK0000001', 'BRK0000002', 'BRK0000003'])
        expect(customs.of(seq).filter((s) => !s.refused)).toHaveLength(1);
      for (const [f, seq] of [
        ['a.xml', 'BRK0000001'],
        ['b.xml', 'BRK0000002'],
        ['c.xml', 'BRK0000003'],
      ] as const) {
        // Every attempt spent is a send customs saw; the waiting spent none.
        expect(await failedAttempts(f)).toBe(customs.of(seq).filter((s) => s.refused).length);
        const job = await deps.queues.queue('deliver').getJob(deliverJobId(await idOf(f)));
        expect(job?.attemptsMade).toBe(customs.of(seq).length);
      }
    });

    it('a new message goes out ahead of a backlog of retries that keep coming due', async () => {
      customs = await new FakeCustoms().start();
      customs.failIf = (seq) => seq.startsWith('OLD');
      customs.delayMs = 40; // 15 retries every 200 ms at 40 ms each keep the one deliver worker busy
      tg = await startTestGateway('fair', testChannel('dec'), {
        transports: `[{ name: t, type: http, url: "${customs.url}", breaker: { failures: 100000, openFor: 1s } }]`,
        extra:
          'http: { enabled: false }\nconcurrency: { deliver: 1 }\nretry: { schedule: "200ms*1000", jitter: 0, maxAge: 1h }',
      });
      const old = Array.from({ length: 15 }, (_, i) => `OLD${String(i).padStart(7, '0')}`);
      for (const seq of old) drop(`${seq}.xml`, seq);
      await waitFor(
        'backlog of retries',
        () => old.every((s) => customs!.of(s).length >= 2),
        (ok) => ok,
        30_000,
      );
      drop('new.xml', 'NEW0000001');
      const id = await idOf('new.xml');
      await waitFor(
        'new message delivered',
        () => customs!.of('NEW0000001').length,
        (n) => n === 1,
        15_000,
      );
      const signedAt = (await tg.gateway.deps.ledger.events(id)).find(
        (e) => e.status === 'signed',
      )!.at;
      const newAt = customs.of('NEW0000001')[0]!.at;
      // Retries customs saw between the new message being ready to send and being sent: the one in
      // flight, perhaps one more; without priorities it waits behind every retry already due.
      const overtook = customs.submissions.filter(
        (s) => s.clientSeqNo.startsWith('OLD') && s.at > signedAt && s.at < newAt,
      ).length;
      expect(overtook).toBeLessThanOrEqual(3);
    });

    it('holds a channel (files still accepted and checked, nothing sent), then a message; releases send them (CLI-equivalent API with bearer token)', async () => {
      const token = 'ops-secret-token';
      const sha = createHash('sha256').update(token).digest('hex');
      tg = await startTestGateway('hold', testChannel('dec'), {
        extra: `http: { enabled: false, maxEventLoopDelayMs: 0, tokens: [{ name: ops, sha256: "${sha}" }] }`,
      });
      const deps = tg.gateway.deps;
      const api = buildHttpApi(httpApiDeps(deps));
      // Right after start the load sampler may not have a sample yet (it then sheds load for a second).
      await api.ready();
      await waitFor(
        'the load sampler',
        () => api.isUnderPressure(),
        (p) => !p,
        10_000,
      );
      const call = (method: 'GET' | 'POST', url: string, body?: object, auth = true) =>
        api.inject({
          method,
          url,
          ...(auth ? { headers: { authorization: `Bearer ${token}` } } : {}),
          ...(body ? { payload: body } : {}),
        });
      try {
        expect((await call('POST', '/v1/channels/dec/hold', undefined, false)).statusCode).toBe(
          401,
        );
        const held = await call('POST', '/v1/channels/dec/hold', {
          reason: 'customs maintenance window',
        });
        expect(held.statusCode).toBe(200);
        expect(held.json().result).toMatch(/on hold/);
        expect((await call('POST', '/v1/channels/nope/hold')).statusCode).toBe(404);

        drop('x.xml', 'HOLD000001');
        drop('y.xml', 'HOLD000002');
        mkdirSync(join(tg.dir, 'dec', 'inbox'), { recursive: true });
        writeFileSync(
          join(tg.dir, 'dec', 'inbox', 'bad.xml'),
          '<DecMessage><unclosed></DecMessage>',
        );
        // A held channel still takes files in and checks them: the bad one is answered at once.
        await waitFor(
          'error receipt for bad.xml',
          () => ls(join(tg!.dir, 'dec', 'outbox')),
          (f) => f.some((n) => n.startsWith('bad.')),
          15_000,
        );
        for (const f of ['x.xml', 'y.xml']) {
          await waitFor(
            `${f} parked`,
            () => events(f),
            (t) => t.some((x) => x.startsWith('not sent while channel dec is on hold (api ops)')),
            15_000,
          );
        }
        const state = (await call('GET', '/v1/delivery')).json();
        expect(state.heldChannels).toEqual([
          expect.objectContaining({
            channel: 'dec',
            by: 'api ops',
            reason: 'customs maintenance window',
            waiting: 2,
          }),
        ]);
        expect(state.breakers).toEqual([{ transport: 't', state: 'closed', failures: 0 }]);

        const y = (await deps.ledger.get(await idOf('y.xml')))!;
        expect(y.status).toBe('signed');
        expect(await holdMessage(deps, y, 'test operator', 'wrong invoice')).toMatch(/on hold/);
        const released = await call('POST', '/v1/channels/dec/release');
        expect(released.json().result).toMatch(/1 waiting message/);

        const x = await idOf('x.xml');
        await waitFor(
          'x closed',
          async () => (await deps.ledger.get(x))!.status,
          (s) => s === 'closed',
          20_000,
        );
        await new Promise((r) => setTimeout(r, 500));
        expect(tg.sandbox.stats().byClientSeqNo.HOLD000001).toEqual({
          submissions: 1,
          accepted: 1,
        });
        expect(tg.sandbox.stats().byClientSeqNo.HOLD000002).toBeUndefined(); // held on its own

        const refused = await call('POST', `/v1/messages/${x}/hold`);
        expect(refused.statusCode).toBe(409);
        expect(refused.json().error).toMatch(/already delivered/);
        expect(await releaseMessage(deps, y, 'test operator')).toMatch(/goes out now/);
        await waitFor(
          'y closed',
          async () => (await deps.ledger.get(y.id))!.status,
          (s) => s === 'closed',
          20_000,
        );
        expect(tg.sandbox.stats().byClientSeqNo.HOLD000002).toEqual({
          submissions: 1,
          accepted: 1,
        });
        const yEvents = await events('y.xml');
        expect(yEvents).toEqual(
          expect.arrayContaining([
            'held by test operator: wrong invoice / 操作员暂停发送',
            'released by test operator / 操作员恢复发送',
          ]),
        );
        expect((await call('POST', `/v1/messages/${y.id}/replay`, {})).statusCode).toBe(400);
      } finally {
        await api.close();
      }
    });

    it('replays a delivered message: the same signed bytes again, under its own idempotency key, with the reason recorded', async () => {
      customs = await new FakeCustoms().start();
      tg = await startTestGateway('replay', testChannel('dec'), {
        transports: `[{ name: t, type: http, url: "${customs.url}" }]`,
      });
      const deps = tg.gateway.deps;
      drop('r.xml', 'REPLAY0001');
      const id = await idOf('r.xml');
      await waitFor(
        'delivered',
        async () => (await deps.ledger.get(id))!.deliveredAt,
        (d) => Boolean(d),
        15_000,
      );
      const rec = (await deps.ledger.get(id))!;
      expect(
        await replayMessage(deps, rec, 'test operator', 'customs lost the declaration'),
      ).toMatch(/replay #1 queued/);
      await waitFor(
        'replay sent',
        () => customs!.of('REPLAY0001').length,
        (n) => n === 2,
        15_000,
      );
      const [first, again] = customs.of('REPLAY0001');
      expect(again!.bytes.equals(first!.bytes)).toBe(true);
      expect(again!.bytes.equals(await deps.spool.get(rec.deliverRef!))).toBe(true);
      expect([first!.idempotencyKey, again!.idempotencyKey]).toEqual([
        'dec:REPLAY0001',
        'dec:REPLAY0001:replay-1',
      ]);
      await waitFor(
        'replay recorded',
        async () => (await deps.ledger.get(id))!.replaysDone,
        (n) => n === 1,
        10_000,
      );
      const texts = await events('r.xml');
      expect(texts).toContain(
        'replay #1 requested by test operator: customs lost the declaration / 操作员要求重放',
      );
      expect(texts.some((t) => t.startsWith('replay #1 sent via t'))).toBe(true);
      // The message's own delivery is not repeated by the replay's job, nor the replay by a re-run.
      await new Promise((r) => setTimeout(r, 300));
      expect(customs.of('REPLAY0001')).toHaveLength(2);
    });
  },
);
