import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SwaggerParser from '@apidevtools/swagger-parser';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenAPI } from 'openapi-types';
import type { Redis } from 'ioredis';
import { buildHttpApi } from '../../src/gateway/http-api.js';
import { httpApiDeps } from '../../src/queues/http-api-bindings.js';
import { createIntakeHandler } from '../../src/queues/intake-handler.js';
import type { PipelineDeps } from '../../src/queues/deps.js';
import type { Signer, SignerState } from '../../src/signing/signer.js';
import { waitFor } from '../helpers/wait.js';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';

const sha = (t: string): string => createHash('sha256').update(t).digest('hex');
const TOKEN = 'hardening-token';
const OTHER = 'other-token';
const auth = { authorization: `Bearer ${TOKEN}` };

/** deps with the HTTP settings changed (the config itself is frozen). */
function withHttp(
  deps: PipelineDeps,
  http: Partial<PipelineDeps['config']['http']>,
  extra: Partial<PipelineDeps> = {},
): PipelineDeps {
  return { ...deps, ...extra, config: { ...deps.config, http: { ...deps.config.http, ...http } } };
}

/** A signer whose card is out: only what /readyz looks at. */
function absentCard(name: string): Signer {
  return Object.assign(new EventEmitter(), {
    name,
    kind: 'pcsc-card',
    state: 'absent' as SignerState,
  }) as unknown as Signer;
}

describe('HTTP API hardening (real Redis)', () => {
  let t: TestGateway;
  let deps: PipelineDeps;

  beforeAll(async () => {
    const tokens = `[{ name: main, sha256: ${sha(TOKEN)} }, { name: other, sha256: ${sha(OTHER)}, scopes: [read-only] }]`;
    t = await startTestGateway('harden', testChannel('declaration'), {
      extra: `http: { enabled: false, maxEventLoopDelayMs: 0, tokens: ${tokens} }`,
    });
    deps = t.gateway.deps;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves an OpenAPI document that validates and describes every route with its input schema', async () => {
    const api = buildHttpApi(httpApiDeps(deps, createIntakeHandler(deps)));
    try {
      expect((await api.inject({ url: '/v1/openapi.json' })).statusCode).toBe(401);
      type Op = {
        parameters?: { name: string; in: string }[];
        requestBody?: unknown;
        security?: unknown[];
      };
      const doc = (await api.inject({ url: '/v1/openapi.json', headers: auth })).json() as {
        paths: Record<string, Record<string, Op>>;
      };
      await SwaggerParser.validate(structuredClone(doc) as unknown as OpenAPI.Document);
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/health',
          '/healthz',
          '/readyz',
          '/v1/channels/{channel}/documents',
          '/v1/messages/{id}',
          '/v1/metrics',
          '/v1/openapi.json',
          '/v1/receipts',
          '/v1/receipts/ack',
          '/v1/receipts/push',
          '/v1/receipts/unclaimed',
        ]),
      );
      const poll = doc.paths['/v1/receipts']!.get!;
      expect(poll.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual([
        'query:after',
        'query:channel',
        'query:format',
        'query:limit',
        'query:wait',
      ]);
      expect(doc.paths['/v1/receipts/ack']!.post!.requestBody).toMatchObject({
        content: { 'application/json': { schema: { required: ['channel', 'cursor'] } } },
      });
      expect(doc.paths['/v1/channels/{channel}/documents']!.post!.requestBody).toMatchObject({
        content: { 'application/octet-stream': {} },
      });
      expect(doc.paths['/readyz']!.get!.security).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('describes the delivery-control routes (hold, release, replay, delivery state) with request and response schemas', async () => {
    const api = buildHttpApi(httpApiDeps(deps, createIntakeHandler(deps)));
    try {
      type Op = {
        parameters?: { name: string; in: string }[];
        requestBody?: {
          content: Record<string, { schema: { properties?: object; required?: string[] } }>;
        };
        responses: Record<
          string,
          { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }
        >;
      };
      const doc = (await api.inject({ url: '/v1/openapi.json', headers: auth })).json() as {
        paths: Record<string, Record<string, Op>>;
      };
      await SwaggerParser.validate(structuredClone(doc) as unknown as OpenAPI.Document);
      const json = (op: Op, status: string) =>
        op.responses[status]?.content?.['application/json']?.schema;
      for (const action of ['hold', 'release', 'replay']) {
        const op = doc.paths[`/v1/messages/{id}/${action}`]?.post;
        expect(op, action).toBeDefined();
        expect(op!.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual(['path:id']);
        expect(
          Object.keys(op!.requestBody!.content['application/json']!.schema.properties!),
        ).toEqual(['reason']);
        expect(Object.keys(json(op!, '200')!.properties!)).toEqual(['result']);
        for (const status of ['404', '409'])
          expect(Object.keys(json(op!, status)!.properties!)).toEqual(['error']);
      }
      expect(
        doc.paths['/v1/messages/{id}/replay']!.post!.requestBody!.content['application/json']!
          .schema.required,
      ).toEqual(['reason']);
      for (const action of ['hold', 'release']) {
        const op = doc.paths[`/v1/channels/{channel}/${action}`]!.post!;
        expect(op.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual(['path:channel']);
        expect(Object.keys(json(op, '200')!.properties!)).toEqual(['result']);
      }
      expect(Object.keys(json(doc.paths['/v1/delivery']!.get!, '200')!.properties!).sort()).toEqual(
        ['breakers', 'heldChannels'],
      );
      // The schemas hold what the routes answer: nothing is dropped by the serializer.
      const ops = { authorization: `Bearer ${TOKEN}` };
      const held = await api.inject({
        method: 'POST',
        url: '/v1/channels/declaration/hold',
        headers: ops,
        payload: { reason: 'window' },
      });
      expect(held.statusCode).toBe(200);
      const state = (await api.inject({ url: '/v1/delivery', headers: ops })).json();
      expect(state.heldChannels).toEqual([
        expect.objectContaining({
          channel: 'declaration',
          by: 'api main',
          reason: 'window',
          waiting: 0,
          at: expect.any(Number),
        }),
      ]);
      expect(
        (
          await api.inject({
            method: 'POST',
            url: '/v1/channels/declaration/release',
            headers: ops,
          })
        ).json(),
      ).toEqual({ result: expect.stringMatching(/released/) });
      expect(
        (
          await api.inject({
            method: 'POST',
            url: '/v1/messages/abc/hold',
            headers: ops,
            payload: { why: 'x' },
          })
        ).statusCode,
      ).toBe(400);
      expect(
        (
          await api.inject({
            method: 'POST',
            url: '/v1/messages/abc/replay',
            headers: ops,
            payload: {},
          })
        ).statusCode,
      ).toBe(400);
      expect(
        (await api.inject({ method: 'POST', url: '/v1/messages/not-an-id/hold', headers: ops }))
          .statusCode,
      ).toBe(400);
      expect(
        (await api.inject({ method: 'POST', url: '/v1/messages/abc/hold', headers: ops })).json(),
      ).toEqual({ error: expect.stringMatching(/no such message/) });
    } finally {
      await api.close();
    }
  });

  it('/healthz says the process is up; /readyz checks Redis, eviction, signers and load', async () => {
    const api = buildHttpApi(httpApiDeps(deps));
    const notReady = buildHttpApi(
      httpApiDeps({ ...deps, signers: new Map([['card', absentCard('card')]]) }),
    );
    // A Redis that would evict keys: the one answer /readyz needs from it.
    // The real connection (the rate limiter counts there) except for what /readyz asks about eviction.
    const fake: Record<string, unknown> = {
      config: async () => ['maxmemory-policy', 'allkeys-lru'],
      info: async () => '',
      ping: async () => 'PONG',
    };
    const evicting = new Proxy(deps.redis, {
      get: (target, key, receiver) => {
        if (typeof key === 'string' && key in fake) return fake[key];
        const v = Reflect.get(target, key, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as Redis;
    const evictingApi = buildHttpApi(httpApiDeps({ ...deps, redis: evicting }));
    try {
      expect((await api.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
      expect((await api.inject({ url: '/health' })).json()).toEqual({ status: 'ok', redis: 'ok' });
      const ready = await api.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({
        status: 'ready',
        checks: { redis: 'ok', 'signer:k': 'ready', load: 'ok' },
      });

      const card = await notReady.inject({ url: '/readyz' });
      expect(card.statusCode).toBe(503);
      expect(card.json()).toMatchObject({
        status: 'not-ready',
        checks: { 'signer:card': 'absent' },
        problems: [expect.stringMatching(/signer card is absent/)],
      });

      const evict = await evictingApi.inject({ url: '/readyz' });
      expect(evict.statusCode).toBe(503);
      expect(evict.json()).toMatchObject({ checks: { redis: 'evicting' } });
      expect((await evictingApi.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await Promise.all([api.close(), notReady.close(), evictingApi.close()]);
    }
  });

  it('sheds load with 503 while the event loop lags, but keeps answering /healthz', async () => {
    const api = buildHttpApi(httpApiDeps(withHttp(deps, { maxEventLoopDelayMs: 5 })));
    try {
      await api.ready();
      const until = Date.now() + 2_000;
      while (Date.now() < until); // the event loop is stuck for longer than a sample interval
      // The lag shows once the sampler (every second) has seen it.
      await waitFor(
        'load shedding',
        () => api.isUnderPressure(),
        (p) => p,
        5_000,
      );
      const shed = await api.inject({ url: '/v1/metrics', headers: auth });
      expect(shed.statusCode).toBe(503);
      expect(shed.headers['retry-after']).toBe('10');
      expect((await api.inject({ url: '/healthz' })).statusCode).toBe(200);
      expect((await api.inject({ url: '/readyz' })).json()).toMatchObject({
        checks: { load: 'overloaded' },
      });
    } finally {
      await api.close();
    }
  });

  it('limits requests per token: one client over its limit does not stop another', async () => {
    // Counters are shared through Redis: start this token's window afresh.
    for (const k of await deps.redis.keys(`${deps.config.redis.prefix}:rate-limit:*`))
      await deps.redis.del(k);
    const api = buildHttpApi(
      httpApiDeps(withHttp(deps, { rateLimit: { max: 3, windowMs: 60_000 } })),
    );
    try {
      for (let i = 0; i < 3; i++)
        expect((await api.inject({ url: '/v1/metrics', headers: auth })).statusCode).toBe(200);
      const limited = await api.inject({ url: '/v1/metrics', headers: auth });
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toEqual({
        error: expect.stringMatching(/too many requests.*请求过多/),
      });
      expect(
        (await api.inject({ url: '/v1/metrics', headers: { authorization: `Bearer ${OTHER}` } }))
          .statusCode,
      ).toBe(200);
      expect((await api.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('shares each token limit across API instances on one Redis prefix (every gateway node counts together)', async () => {
    const token = 'cluster-token';
    const tokens = [{ name: 'cluster', sha256: sha(token) }];
    const nodeA = buildHttpApi(
      httpApiDeps(withHttp(deps, { tokens, rateLimit: { max: 4, windowMs: 60_000 } })),
    );
    const nodeB = buildHttpApi(
      httpApiDeps(withHttp(deps, { tokens, rateLimit: { max: 4, windowMs: 60_000 } })),
    );
    const headers = { authorization: `Bearer ${token}` };
    try {
      for (const api of [nodeA, nodeB, nodeA, nodeB])
        expect((await api.inject({ url: '/v1/metrics', headers })).statusCode).toBe(200);
      expect((await nodeA.inject({ url: '/v1/metrics', headers })).statusCode).toBe(429);
      expect((await nodeB.inject({ url: '/v1/metrics', headers })).statusCode).toBe(429);
      // The counters live under the deployment's key prefix, nowhere else.
      const keys = await deps.redis.keys('*cluster*');
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) expect(k.startsWith(`${deps.config.redis.prefix}:`)).toBe(true);
    } finally {
      await nodeA.close();
      await nodeB.close();
    }
  });

  it('with a client CA, only clients with a certificate it signed get through (mTLS)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eport-mtls-'));
    const ssl = (...args: string[]): void =>
      void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    try {
      ssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-days',
        '2',
        '-subj',
        '/CN=test client CA',
      );
      ssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'server.key',
        '-out',
        'server.pem',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      );
      ssl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'client.key',
        '-out',
        'client.csr',
        '-subj',
        '/CN=erp',
      );
      ssl(
        'x509',
        '-req',
        '-in',
        'client.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'client.pem',
        '-days',
        '2',
      );
      const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
      const api = buildHttpApi(
        httpApiDeps(
          withHttp(deps, {
            tls: { cert: read('server.pem'), key: read('server.key'), clientCa: read('ca.pem') },
          }),
        ),
      );
      await api.listen({ host: '127.0.0.1', port: 0 });
      const port = (api.server.address() as AddressInfo).port;
      const call = (client: { cert?: string; key?: string }): Promise<number> =>
        new Promise((resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port,
              path: '/v1/metrics',
              headers: auth,
              ca: read('server.pem'),
              ...client,
            },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on('error', reject);
          req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
          req.end();
        });
      try {
        expect(await call({ cert: read('client.pem'), key: read('client.key') })).toBe(200);
        await expect(call({})).rejects.toThrow();
        // A certificate the CA did not sign is refused as well.
        await expect(call({ cert: read('server.pem'), key: read('server.key') })).rejects.toThrow();
      } finally {
        await api.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
