import { describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpTransport, retryAfterMs } from './http-transport.js';
import { FakeTransport, type FakeOutcome } from './fake-transport.js';
import {
  defineTransportContract,
  type TransportHarness,
} from '../../test/contract/transport.contract.js';
import { isGatewayError } from '../core/errors.js';

/** A loopback HTTP server standing in for the customs endpoint. */
async function httpHarness(
  opts: { delayMs?: number } = {},
): Promise<TransportHarness & { url: string }> {
  const script: FakeOutcome[] = [];
  const got: { bytes: Buffer; idempotencyKey: string }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const outcome = script.shift() ?? 'ok';
      const reply = () => {
        if (outcome === 'transient') return res.writeHead(503, { 'retry-after': '7' }).end('busy');
        if (outcome === 'permanent') return res.writeHead(400).end('bad message');
        got.push({
          bytes: Buffer.concat(chunks),
          idempotencyKey: String(req.headers['idempotency-key']),
        });
        res.writeHead(200, { 'content-type': 'application/xml' }).end('<DecImportResponse/>');
      };
      if (opts.delayMs) setTimeout(reply, opts.delayMs);
      else reply();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dec/submit`;
  const transport = new HttpTransport({ name: 'http', url, timeoutMs: 500, connectTimeoutMs: 500 });
  return {
    url,
    transport,
    failNext: (...o) => void script.push(...o),
    received: async () => got,
    close: async () => {
      await transport.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

defineTransportContract('http (undici, loopback server)', () => httpHarness());
defineTransportContract('fake', async () => {
  const t = new FakeTransport();
  return {
    transport: t,
    failNext: (...o) => t.failNext(...o),
    received: async () =>
      t.sent.map((s) => ({ bytes: s.message.bytes, idempotencyKey: s.idempotencyKey })),
    close: () => t.close(),
  };
});

const msg = {
  messageId: 'm',
  businessKey: 'b',
  messageType: 'DecMessage',
  fileName: 'f.xml',
  bytes: Buffer.from('<a/>'),
};

describe('HttpTransport specifics', () => {
  it('returns the response body as a receipt and carries Retry-After on 503', async () => {
    const h = await httpHarness();
    try {
      const ack = await h.transport.send(msg, { idempotencyKey: 'k' });
      expect(ack.receipt?.toString()).toBe('<DecImportResponse/>');
      h.failNext('transient');
      const err = await h.transport.send(msg, { idempotencyKey: 'k' }).catch((e: unknown) => e);
      expect(isGatewayError(err) && err.retryAfterMs).toBe(7000);
    } finally {
      await h.close();
    }
  });

  it('reports a 2xx whose body breaks off as delivered, with a warning instead of silence', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/xml', 'content-length': '1000' });
        res.write('<DecImportResp', () => res.destroy()); // the answer stops half-way
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const t = new HttpTransport({
      name: 'cut',
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`,
      timeoutMs: 5000,
      connectTimeoutMs: 5000,
    });
    try {
      const ack = await t.send(msg, { idempotencyKey: 'k' });
      expect(ack.reference).toBe('HTTP 200');
      expect(ack.receipt).toBeUndefined();
      expect(ack.warning).toMatch(
        /^HTTP 200, but the response body could not be read \(.+\): an import response in it is lost/,
      );
    } finally {
      await t.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('times out as a transient error', async () => {
    const h = await httpHarness({ delayMs: 2000 });
    try {
      const err = await h.transport.send(msg, { idempotencyKey: 'k' }).catch((e: unknown) => e);
      expect(isGatewayError(err) && err.code).toBe('GW_ERR_DELIVER_TIMEOUT');
    } finally {
      await h.close();
    }
  });

  it('treats a refused connection as transient', async () => {
    const t = new HttpTransport({
      name: 'x',
      url: 'http://127.0.0.1:1/none',
      timeoutMs: 500,
      connectTimeoutMs: 500,
    });
    const err = await t.send(msg, { idempotencyKey: 'k' }).catch((e: unknown) => e);
    expect(isGatewayError(err) && [err.code, err.kind]).toEqual([
      'GW_ERR_DELIVER_NETWORK',
      'transient',
    ]);
    await t.close();
  });

  it('parses Retry-After as seconds or a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
