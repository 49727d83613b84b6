import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerOptions } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';

/** A key and its certificate, PEM. */
export interface Pem {
  readonly key: string;
  readonly cert: string;
}

const DAY = 86_400_000;

function rsaKey(): {
  pem: string;
  forgeKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.PublicKey;
} {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    forgeKey: forge.pki.privateKeyFromPem(
      privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(
      publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ),
  };
}

/**
 * A small private PKI for TLS tests: a CA that issues server and client certificates, the way a
 * customs data centre runs its own CA for mutual TLS. Keys come from node:crypto, forge signs.
 */
export class TestCa {
  private readonly key = rsaKey();
  private readonly cert: forge.pki.Certificate;
  readonly certPem: string;

  constructor(readonly name: string) {
    this.cert = forge.pki.createCertificate();
    this.cert.publicKey = this.key.publicKey;
    this.cert.serialNumber = `01${randomBytes(7).toString('hex')}`;
    this.cert.validity.notBefore = new Date(Date.now() - DAY);
    this.cert.validity.notAfter = new Date(Date.now() + 365 * DAY);
    const subject = [{ name: 'commonName', value: name }];
    this.cert.setSubject(subject);
    this.cert.setIssuer(subject);
    this.cert.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    this.cert.sign(this.key.forgeKey, forge.md.sha256.create());
    this.certPem = forge.pki.certificateToPem(this.cert);
  }

  /** Issues a certificate; `server` gets SAN IP 127.0.0.1 and serverAuth, `client` clientAuth. */
  issue(
    kind: 'server' | 'client',
    opts: { notBefore?: Date; notAfter?: Date; cn?: string } = {},
  ): Pem {
    const k = rsaKey();
    const c = forge.pki.createCertificate();
    c.publicKey = k.publicKey;
    c.serialNumber = `02${randomBytes(7).toString('hex')}`;
    c.validity.notBefore = opts.notBefore ?? new Date(Date.now() - DAY);
    c.validity.notAfter = opts.notAfter ?? new Date(Date.now() + 30 * DAY);
    c.setSubject([
      {
        name: 'commonName',
        value: opts.cn ?? (kind === 'server' ? '127.0.0.1' : 'gateway-client'),
      },
    ]);
    c.setIssuer(this.cert.subject.attributes);
    c.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: kind === 'server', clientAuth: kind === 'client' },
      ...(kind === 'server'
        ? [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }]
        : []),
    ]);
    c.sign(this.key.forgeKey, forge.md.sha256.create());
    return { key: k.pem, cert: forge.pki.certificateToPem(c) };
  }
}

export interface TlsTestServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1 port 0 that requires a client certificate from `clientCa`. */
export async function startTlsServer(
  identity: Pem,
  clientCa: TestCa,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  extra: ServerOptions = {},
): Promise<TlsTestServer> {
  const server = createServer(
    {
      key: identity.key,
      cert: identity.cert,
      ca: [clientCa.certPem],
      requestCert: true,
      rejectUnauthorized: true,
      ...extra,
    },
    handler,
  );
  server.on('tlsClientError', () => {}); // refused handshakes are what several tests are about
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
