import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { isGatewayError } from '../core/errors.js';
import { spkiSha256, type ClientTls } from '../core/tls-client.js';
import { parseConfigText } from '../config/load.js';
import { HttpPullReceiptSource } from '../receipts/http-pull-source.js';
import {
  startTlsServer,
  TestCa,
  type Pem,
  type TlsTestServer,
} from '../../test/helpers/tls-pki.js';
import { memoryCursorRedis } from '../../test/helpers/memory-redis.js';
import { HttpTransport } from './http-transport.js';

const msg = {
  messageId: 'm',
  businessKey: 'TLS0001',
  messageType: 'DecMessage',
  fileName: 'f.xml',
  bytes: Buffer.from('<DecMessage/>'),
};

/**
 * Mutual TLS against a real HTTPS server on loopback with its own CA: the customs data centre's
 * CA issues the server certificate, the enterprise's CA the gateway's client certificate.
 */
describe('HTTPS with client certificates (real TLS server, own CA)', () => {
  let serverCa: TestCa;
  let clientCa: TestCa;
  let strangerCa: TestCa;
  let client: Pem;
  let serverId: Pem;
  let server: TlsTestServer;
  const got: { body: string; clientCn: string }[] = [];

  beforeAll(async () => {
    serverCa = new TestCa('Customs DC CA');
    clientCa = new TestCa('Enterprise CA');
    strangerCa = new TestCa('Stranger CA');
    client = clientCa.issue('client');
    serverId = serverCa.issue('server');
    server = await startTlsServer(serverId, clientCa, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
        if (req.url?.startsWith('/receipts')) {
          const after = Number(new URL(req.url, 'https://x').searchParams.get('after'));
          const receipts =
            after < 1
              ? [
                  {
                    seq: 1,
                    fileName: 'r1.xml',
                    content: Buffer.from('<DecImportResponse/>').toString('base64'),
                  },
                ]
              : [];
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ receipts, next: 1 }));
          return;
        }
        got.push({ body: Buffer.concat(chunks).toString(), clientCn: String(peer.subject?.CN) });
        res.writeHead(200, { 'content-type': 'application/xml' }).end('<DecImportResponse/>');
      });
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function send(
    tls: ClientTls | undefined,
    url = `${server.url}/dec/submit`,
  ): Promise<unknown> {
    const t = new HttpTransport({ name: 'tls', url, timeoutMs: 3000, connectTimeoutMs: 3000, tls });
    try {
      return await t.send(msg, { idempotencyKey: 'k' });
    } catch (err) {
      return err;
    } finally {
      await t.close();
    }
  }

  const expectPermanent = (err: unknown, code: string) => {
    expect(isGatewayError(err) && [err.code, err.kind]).toEqual([code, 'permanent']);
    const d = isGatewayError(err) ? err.details[0] : undefined;
    expect(d?.fixZh).toMatch(/[\u4e00-\u9fff]/);
    expect(d?.fixEn).toMatch(/[a-z]/);
  };

  it('delivers with the right client certificate, CA and pin; the server sees the client certificate', async () => {
    const ack = await send({
      cert: client.cert,
      key: client.key,
      ca: [serverCa.certPem],
      pinSha256: [spkiSha256(serverId.cert)],
    });
    expect(ack).toMatchObject({ reference: 'HTTP 200' });
    expect(got.at(-1)).toEqual({ body: '<DecMessage/>', clientCn: 'gateway-client' });
  });

  it('an encrypted client key works with its passphrase', async () => {
    const encrypted = createPrivateKey(client.key)
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: '口令pw' })
      .toString();
    const ack = await send({
      cert: client.cert,
      key: encrypted,
      passphrase: '口令pw',
      ca: [serverCa.certPem],
    });
    expect(ack).toMatchObject({ reference: 'HTTP 200' });
  });

  it('a server certificate from another CA is GW_ERR_TLS_SERVER_UNTRUSTED', async () => {
    expectPermanent(
      await send({ cert: client.cert, key: client.key, ca: [strangerCa.certPem] }),
      'GW_ERR_TLS_SERVER_UNTRUSTED',
    );
  });

  it('no client certificate is GW_ERR_TLS_CLIENT_REJECTED', async () => {
    expectPermanent(await send({ ca: [serverCa.certPem] }), 'GW_ERR_TLS_CLIENT_REJECTED');
  });

  it('a client certificate the server does not trust is GW_ERR_TLS_CLIENT_REJECTED', async () => {
    const wrong = strangerCa.issue('client');
    expectPermanent(
      await send({ cert: wrong.cert, key: wrong.key, ca: [serverCa.certPem] }),
      'GW_ERR_TLS_CLIENT_REJECTED',
    );
  });

  it('an expired client certificate is GW_ERR_TLS_CLIENT_REJECTED', async () => {
    const old = clientCa.issue('client', {
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    expectPermanent(
      await send({ cert: old.cert, key: old.key, ca: [serverCa.certPem] }),
      'GW_ERR_TLS_CLIENT_REJECTED',
    );
  });

  it('an expired server certificate is GW_ERR_TLS_SERVER_EXPIRED', async () => {
    const expired = serverCa.issue('server', {
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const s = await startTlsServer(expired, clientCa, (_req, res) => res.end('ok'));
    try {
      expectPermanent(
        await send({ cert: client.cert, key: client.key, ca: [serverCa.certPem] }, `${s.url}/x`),
        'GW_ERR_TLS_SERVER_EXPIRED',
      );
    } finally {
      await s.close();
    }
  });

  it('a public key other than the pinned one is GW_ERR_TLS_PIN, even with a trusted chain', async () => {
    const other = serverCa.issue('server');
    expectPermanent(
      await send({
        cert: client.cert,
        key: client.key,
        ca: [serverCa.certPem],
        pinSha256: [spkiSha256(other.cert)],
      }),
      'GW_ERR_TLS_PIN',
    );
  });

  it('a server that hangs up for another reason is still a transient network error (the hang-up check does not guess)', async () => {
    const s = await startTlsServer(
      serverCa.issue('server'),
      clientCa,
      (req) => req.socket.destroy(),
      { requestCert: false, rejectUnauthorized: false },
    );
    try {
      const err = await send(
        { cert: client.cert, key: client.key, ca: [serverCa.certPem] },
        `${s.url}/x`,
      );
      expect(isGatewayError(err) && [err.code, err.kind]).toEqual([
        'GW_ERR_DELIVER_NETWORK',
        'transient',
      ]);
    } finally {
      await s.close();
    }
  });

  it('the HTTP receipt feed uses the same TLS settings', async () => {
    const redis = memoryCursorRedis();
    const prefix = 'tls-feed';
    const log = pino({ level: 'silent' });
    const good = new HttpPullReceiptSource(
      {
        name: 'feed',
        url: `${server.url}/receipts`,
        intervalMs: 50,
        redis,
        cursorKey: `${prefix}:cursor`,
        tls: {
          cert: client.cert,
          key: client.key,
          ca: [serverCa.certPem],
        },
      },
      log,
    );
    const bad = new HttpPullReceiptSource(
      {
        name: 'feed2',
        url: `${server.url}/receipts`,
        intervalMs: 50,
        redis,
        cursorKey: `${prefix}:cursor2`,
        tls: { ca: [strangerCa.certPem] },
      },
      log,
    );
    try {
      const seen: string[] = [];
      expect(
        await good.pollOnce(
          async (rs) => void seen.push(...rs.map((r) => `${r.fileName}:${r.bytes.toString()}`)),
        ),
      ).toBe(1);
      expect(seen).toEqual(['r1.xml:<DecImportResponse/>']);
      expectPermanent(
        await bad.pollOnce(async () => {}).catch((e: unknown) => e),
        'GW_ERR_TLS_SERVER_UNTRUSTED',
      );
    } finally {
      await good.close();
      await bad.close();
    }
  });

  describe('config', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'eport-tls-config-'));
      writeFileSync(join(dir, 'client.pem'), client.cert);
      writeFileSync(join(dir, 'client.key'), client.key);
      writeFileSync(join(dir, 'ca.pem'), serverCa.certPem);
      writeFileSync(join(dir, 'k.pem'), client.key + client.cert);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const yaml = (tls: string) => `signers: [{ name: k, type: soft-key, key: ./k.pem }]
transports: [{ name: t, type: http, url: "https://127.0.0.1:1/x", tls: ${tls} }]
receiptSources: [{ name: f, type: http-pull, url: "https://127.0.0.1:1/r", tls: ${tls} }]
channels: [{ name: d, dir: ./d, signer: k, transport: t }]
`;

    it('reads certificate, key and CA files, normalises the pin, and fills breaker defaults', () => {
      const pinHex = Buffer.from(spkiSha256(serverId.cert), 'base64')
        .toString('hex')
        .replace(/(..)(?!$)/g, '$1:');
      const { config, problems } = parseConfigText(
        yaml(
          `{ cert: ./client.pem, key: { file: ./client.key }, ca: ./ca.pem, pinSha256: "${pinHex}" }`,
        ),
        join(dir, 'gw.yaml'),
        {},
      );
      expect(problems).toEqual([]);
      const t = config!.transports[0] as { tls?: ClientTls };
      expect(t.tls?.cert).toBe(client.cert);
      expect(t.tls?.ca).toEqual([serverCa.certPem]);
      expect(t.tls?.pinSha256).toEqual([spkiSha256(serverId.cert)]);
      expect(config!.breakers.t).toEqual({ failures: 5, openForMs: 30_000 });
    });

    it('names each missing file, a bad pin, and a key that does not load', () => {
      const r1 = parseConfigText(
        yaml(
          '{ cert: ./nope.pem, key: { file: ./client.key }, ca: [./ca.pem, ./missing-ca.pem], pinSha256: "abc" }',
        ),
        join(dir, 'gw.yaml'),
        {},
      );
      const paths = r1.problems.map((p) => p.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'transports[0].tls.cert',
          'transports[0].tls.ca[1]',
          'transports[0].tls.pinSha256',
          'receiptSources[0].tls.cert',
        ]),
      );
      expect(r1.problems.find((p) => p.path === 'transports[0].tls.cert')?.message).toMatch(
        /nope\.pem.*ENOENT/,
      );
      const r2 = parseConfigText(
        yaml('{ cert: ./ca.pem, key: { file: ./client.key } }'),
        join(dir, 'gw.yaml'),
        {},
      );
      expect(r2.problems.find((p) => p.path === 'transports[0].tls')?.message).toMatch(
        /cannot be loaded/,
      );
      const r3 = parseConfigText(yaml('{ cert: ./client.pem }'), join(dir, 'gw.yaml'), {});
      expect(r3.problems.map((p) => p.message).join('\n')).toMatch(/both cert and key/);
    });
  });
});
