import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { request } from 'undici';
import type { Finding } from './finding.js';

export interface Endpoint {
  /** e.g. "transport customs-http". */
  readonly what: string;
  readonly url: string;
  /** Request headers the gateway sends (authentication lives here). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface EndpointCheckOptions {
  readonly timeoutMs?: number;
  /** Name resolution; tests inject one so no query leaves the machine. */
  readonly lookup?: (host: string) => Promise<unknown>;
}

const TLS_FIXES: Record<string, string> = {
  CERT_HAS_EXPIRED:
    "the endpoint's certificate has expired: ask its operator to renew it / 对端证书已过期，请联系对方更新",
  ERR_TLS_CERT_ALTNAME_INVALID:
    'the certificate is for another host name: use the name the certificate names in the URL / 证书域名与 URL 不符',
};
const TLS_DEFAULT_FIX =
  'the certificate is not trusted here: give the CA to node with NODE_EXTRA_CA_CERTS=/etc/eport/ca.pem (in /etc/eport/eport.env or the container environment) / 证书不受信任：用 NODE_EXTRA_CA_CERTS 指定 CA 证书';

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);
}

/** Opens a TCP (or TLS) connection and resolves with the socket once it is up. */
function open(
  u: URL,
  port: number,
  timeoutMs: number,
): Promise<{ socket: Socket; cert?: PeerCertificate }> {
  return new Promise((resolve, reject) => {
    const tls = u.protocol === 'https:' || u.protocol === 'wss:' || u.protocol === 'amqps:';
    const socket = tls
      ? tlsConnect(
          {
            host: u.hostname,
            port,
            servername: isIP(u.hostname) ? undefined : u.hostname,
            timeout: timeoutMs,
          },
          () =>
            resolve({
              socket,
              cert: (socket as ReturnType<typeof tlsConnect>).getPeerCertificate(),
            }),
        )
      : tcpConnect({ host: u.hostname, port, timeout: timeoutMs }, () => resolve({ socket }));
    socket.once('timeout', () => {
      socket.destroy();
      reject(
        Object.assign(new Error(`no connection within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }),
      );
    });
    socket.once('error', reject);
  });
}

/** Reads the first bytes a server sends (an SSH server starts with "SSH-2.0-..."). */
function banner(socket: Socket, timeoutMs: number): Promise<string> {
  return withTimeout(
    new Promise((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString('latin1')))),
    timeoutMs,
    'banner',
  );
}

/**
 * One endpoint the gateway talks to, step by step, stopping at the first problem: the name
 * resolves (DNS), the port answers (TCP), the certificate is trusted and current (TLS), and the
 * configured credentials are not refused (HTTP 401/403). Each problem comes with its fix.
 */
export async function checkEndpoint(
  ep: Endpoint,
  o: EndpointCheckOptions = {},
): Promise<Finding[]> {
  const timeoutMs = o.timeoutMs ?? 5000;
  const u = new URL(ep.url);
  const port = Number(
    u.port ||
      (
        {
          'https:': 443,
          'wss:': 443,
          'sftp:': 22,
          'ssh:': 22,
          'amqp:': 5672,
          'amqps:': 5671,
        } as Record<string, number>
      )[u.protocol] ||
      80,
  );
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const what = ep.what;
  if (!isIP(host)) {
    try {
      await withTimeout((o.lookup ?? dnsLookup)(host), timeoutMs, 'DNS');
    } catch (err) {
      return [
        {
          level: 'fail',
          what,
          detail: `${host}: name does not resolve (${(err as Error).message}) / 域名无法解析`,
          fix: "check the host name in the config and this machine's DNS (/etc/resolv.conf, /etc/hosts) / 检查主机名与 DNS 设置",
        },
      ];
    }
  }
  let conn: Awaited<ReturnType<typeof open>>;
  try {
    conn = await open(u, port, timeoutMs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (/CERT|SELF_SIGNED|UNABLE_TO|ALTNAME|TLS/.test(code)) {
      return [
        {
          level: 'fail',
          what,
          detail: `${u.host}: TLS ${code}: ${(err as Error).message} / TLS 证书校验失败`,
          fix: TLS_FIXES[code] ?? TLS_DEFAULT_FIX,
        },
      ];
    }
    return [
      {
        level: 'warn',
        what,
        detail: `${u.host}: ${code || (err as Error).message}: not reachable now; messages wait and retry / 当前无法连接，报文将排队重试`,
        fix: 'check that the service runs and that a firewall or proxy lets this machine reach the port / 检查对端服务与防火墙',
      },
    ];
  }
  const out: Finding[] = [];
  try {
    if (conn.cert?.valid_to) {
      const days = Math.floor((Date.parse(conn.cert.valid_to) - Date.now()) / 86_400_000);
      out.push(
        days < 30
          ? {
              level: 'warn',
              what: `${what} TLS`,
              detail: `certificate of ${u.host} expires in ${days} days / 对端证书 ${days} 天后到期`,
              fix: TLS_FIXES.CERT_HAS_EXPIRED!,
            }
          : {
              level: 'ok',
              what: `${what} TLS`,
              detail: `certificate trusted, ${days} days left / 证书有效`,
            },
      );
    }
    if (u.protocol === 'sftp:' || u.protocol === 'ssh:') {
      const b = await banner(conn.socket, timeoutMs).catch(() => '');
      out.push(
        b.startsWith('SSH-')
          ? {
              level: 'ok',
              what,
              detail: `${u.host}: ${b.trim()} (the key is checked when the gateway logs in) / SSH 服务可连接`,
            }
          : {
              level: 'fail',
              what,
              detail: `${u.host}: answers, but not as an SSH server / 不是 SSH 服务`,
              fix: 'check host and port of the SFTP server / 检查 SFTP 主机与端口',
            },
      );
      return out;
    }
  } finally {
    conn.socket.destroy();
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return [...out, { level: 'ok', what, detail: `${u.host}: port answers / 端口可连接` }];
  try {
    const res = await request(ep.url, {
      method: 'GET',
      headers: { ...ep.headers },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    await res.body.dump();
    if (res.statusCode === 401 || res.statusCode === 403) {
      out.push({
        level: 'fail',
        what,
        detail: `${u.host}: HTTP ${res.statusCode}: our credentials are refused / 认证被拒绝`,
        fix: 'check the Authorization (or token) header in the config (transports[].headers) and that it has not expired / 检查配置中的认证头',
      });
    } else if (res.statusCode >= 500) {
      out.push({
        level: 'warn',
        what,
        detail: `${u.host}: HTTP ${res.statusCode}: the service answers with an error now; messages wait and retry / 对端服务异常`,
        fix: 'ask the operator of the endpoint / 联系对端运维',
      });
    } else {
      out.push({ level: 'ok', what, detail: `${ep.url}: HTTP ${res.statusCode} / 可连接` });
    }
  } catch (err) {
    out.push({
      level: 'warn',
      what,
      detail: `${ep.url}: ${(err as Error).message} / 请求失败`,
      fix: 'check the URL path and any proxy between / 检查 URL 与代理',
    });
  }
  return out;
}
