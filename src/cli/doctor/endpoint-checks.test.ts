import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { generateSelfSignedIdentity } from '../../signing/self-signed.js';
import { checkEndpoint } from './endpoint-checks.js';

/** Real servers on loopback: one that wants a token, one with an untrusted certificate, an SSH-like one. */
describe('doctor endpoint checks', () => {
  const servers: { close(cb: () => void): unknown }[] = [];
  let httpUrl: string;
  let httpsUrl: string;
  let sshUrl: string;
  let closedUrl: string;

  const listen = <S extends Server | ReturnType<typeof createTcpServer>>(s: S): Promise<number> =>
    new Promise((resolve) => {
      servers.push(s);
      s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port));
    });

  beforeAll(async () => {
    const api = createHttpServer((req, res) => {
      res.statusCode = req.headers.authorization === 'Bearer good' ? 405 : 401;
      res.end();
    });
    httpUrl = `http://127.0.0.1:${await listen(api)}/dec/submit`;
    const id = generateSelfSignedIdentity({ commonName: 'customs.test', days: 30 });
    httpsUrl = `https://localhost:${await listen(createHttpsServer({ key: id.keyPem, cert: id.certPem }, (_q, r) => r.end('ok')))}/submit`;
    sshUrl = `sftp://127.0.0.1:${await listen(createTcpServer((sock) => sock.end('SSH-2.0-OpenSSH_9.2\r\n')))}`;
    const gone = createTcpServer();
    const port = await listen(gone);
    servers.pop();
    await new Promise<void>((r) => gone.close(() => r()));
    closedUrl = `http://127.0.0.1:${port}/`;
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  });

  it('names refused credentials as a failure with its fix, and passes with the configured header', async () => {
    const [refused] = await checkEndpoint({ what: 'transport customs', url: httpUrl });
    expect(refused).toMatchObject({ level: 'fail', detail: expect.stringContaining('HTTP 401') });
    expect(refused!.fix).toContain('transports[].headers');
    const [ok] = await checkEndpoint({
      what: 'transport customs',
      url: httpUrl,
      headers: { authorization: 'Bearer good' },
    });
    expect(ok).toMatchObject({ level: 'ok', detail: expect.stringContaining('HTTP 405') });
  });

  it('fails an untrusted TLS certificate and says how to trust the CA', async () => {
    const [f] = await checkEndpoint(
      { what: 'transport customs', url: httpsUrl },
      { lookup: async () => ({ address: '127.0.0.1' }) },
    );
    expect(f).toMatchObject({ level: 'fail', detail: expect.stringContaining('TLS') });
    expect(f!.fix).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('fails a name that does not resolve, without asking any DNS server', async () => {
    const [f] = await checkEndpoint(
      { what: 'receipts feed', url: 'https://no-such-host.example/feed' },
      { lookup: async () => Promise.reject(new Error('getaddrinfo ENOTFOUND')) },
    );
    expect(f).toMatchObject({ level: 'fail', detail: expect.stringContaining('does not resolve') });
    expect(f!.fix).toContain('/etc/resolv.conf');
  });

  it('warns when nothing listens (messages wait and retry), and recognises an SSH server', async () => {
    const [down] = await checkEndpoint({ what: 'transport customs', url: closedUrl });
    expect(down).toMatchObject({ level: 'warn', detail: expect.stringContaining('ECONNREFUSED') });
    expect(down!.fix).toContain('firewall');
    const [ssh] = await checkEndpoint({ what: 'transport relay', url: sshUrl });
    expect(ssh).toMatchObject({
      level: 'ok',
      detail: expect.stringContaining('SSH-2.0-OpenSSH_9.2'),
    });
  });
});
