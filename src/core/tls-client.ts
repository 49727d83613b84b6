import { createHash, X509Certificate } from 'node:crypto';
import { checkServerIdentity, connect, createSecureContext, type PeerCertificate } from 'node:tls';
import { isIP } from 'node:net';
import { GatewayError, type ErrorCode } from './errors.js';

/**
 * Client-side TLS of the HTTP adapters (the customs HTTP transport and the HTTP receipt feed):
 * a client certificate for mutual TLS, a private CA, and an optional public-key pin.
 */
export interface ClientTls {
  /** PEM client certificate (chain), sent when the server asks for one. */
  readonly cert?: string | undefined;
  /** PEM private key of the client certificate. */
  readonly key?: string | undefined;
  readonly passphrase?: string | undefined;
  /** PEM CA certificates the server's certificate must chain to; default: the system CAs. */
  readonly ca?: readonly string[] | undefined;
  /** Base64 SHA-256 digests of the server certificate's SubjectPublicKeyInfo; any one must match. */
  readonly pinSha256?: readonly string[] | undefined;
}

/** SHA-256 of a certificate's SubjectPublicKeyInfo (DER), base64: the HPKP `pin-sha256` form. */
export function spkiSha256(certDerOrPem: Buffer | string): string {
  const spki = new X509Certificate(certDerOrPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/**
 * Normalises a configured pin: base64 (44 characters, as openssl prints it) or hex (64 digits,
 * colons allowed, as fingerprint tools print it). Returns undefined when it is neither.
 */
export function normalisePin(pin: string): string | undefined {
  const t = pin.trim().replace(/^sha256\//i, '');
  const hex = t.replace(/:/g, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return Buffer.from(hex, 'hex').toString('base64');
  if (/^[A-Za-z0-9+/]{43}=$/.test(t)) return t;
  return undefined;
}

/** Marks the error thrown from the pin check, so it maps to its own code. */
const PIN_MISMATCH = 'EPORT_TLS_PIN_MISMATCH';

/**
 * Checks that key, certificate, passphrase and CAs load (wrong passphrase, key not matching the
 * certificate...). Throws the OpenSSL message; config resolution turns it into a config problem.
 */
export function assertTlsLoads(tls: ClientTls): void {
  createSecureContext({
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
    ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
    ...(tls.ca?.length ? { ca: [...tls.ca] } : {}),
  });
}

/** The `connect` options for an undici Agent: certificate verification stays on, always. */
export function tlsConnectOptions(tls: ClientTls | undefined): Record<string, unknown> {
  if (!tls) return {};
  const pins = tls.pinSha256 ?? [];
  return {
    rejectUnauthorized: true,
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
    ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
    ...(tls.ca?.length ? { ca: [...tls.ca] } : {}),
    ...(pins.length
      ? {
          // Runs after the chain was verified; a pin narrows trust, it never replaces the CA check.
          checkServerIdentity: (host: string, cert: PeerCertificate): Error | undefined => {
            const nameErr = checkServerIdentity(host, cert);
            if (nameErr) return nameErr;
            const got = spkiSha256(cert.raw);
            if (pins.includes(got)) return undefined;
            return Object.assign(
              new Error(`public key pin sha256/${got} is not one of the configured pins`),
              { code: PIN_MISMATCH, pin: got },
            );
          },
        }
      : {}),
  };
}

const SERVER_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
]);
const SERVER_EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** TLS alerts a server sends when it does not accept the client certificate (or its absence). */
const CLIENT_REJECTED =
  /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED|DECRYPT_ERROR|HANDSHAKE_FAILURE)/;

const FIX: Record<string, { zh: string; en: string }> = {
  GW_ERR_TLS_SERVER_UNTRUSTED: {
    zh: '在 tls.ca 中配置对方数据中心的 CA 证书（PEM）；确认地址指向正确的服务器',
    en: "put the data centre's CA certificate (PEM) in tls.ca; check that the URL points at the right server",
  },
  GW_ERR_TLS_SERVER_EXPIRED: {
    zh: '对方证书已过期或未生效：请对方更新证书，并检查本机时钟',
    en: "the server's certificate is expired or not yet valid: ask its operator to renew it, and check this host's clock",
  },
  GW_ERR_TLS_SERVER_NAME: {
    zh: 'URL 中的主机名须与对方证书的名称一致（用证书上的域名，而非 IP）',
    en: "the host in the URL must match a name in the server's certificate (use that name, not an IP address)",
  },
  GW_ERR_TLS_PIN: {
    zh: '对方更换了密钥，或连接被拦截：核实后把新的 sha256 公钥指纹加入 tls.pinSha256',
    en: 'the server changed its key, or the connection is intercepted: verify, then add the new public-key sha256 to tls.pinSha256',
  },
  GW_ERR_TLS_CLIENT_REJECTED: {
    zh: '检查 tls.cert 与 tls.key 是否为对方登记的客户端证书、是否过期、是否由对方信任的 CA 签发',
    en: 'check that tls.cert and tls.key are the client certificate the server has on record, not expired, and issued by a CA it trusts',
  },
};

/**
 * Maps a TLS failure to its permanent error (a retry cannot fix a certificate), or undefined
 * when `err` is not a TLS verification problem (then it is a network error like any other).
 */
export function tlsError(err: unknown, where: string): GatewayError | undefined {
  let code: ErrorCode | undefined;
  let text = '';
  for (
    let e = err as { code?: string; message?: string; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    const c = String(e.code ?? '');
    const m = String(e.message ?? '');
    if (c === PIN_MISMATCH) code = 'GW_ERR_TLS_PIN';
    else if (SERVER_EXPIRED.has(c)) code = 'GW_ERR_TLS_SERVER_EXPIRED';
    else if (SERVER_UNTRUSTED.has(c)) code = 'GW_ERR_TLS_SERVER_UNTRUSTED';
    else if (c === 'ERR_TLS_CERT_ALTNAME_INVALID') code = 'GW_ERR_TLS_SERVER_NAME';
    else if (CLIENT_REJECTED.test(c) || CLIENT_REJECTED.test(m.toUpperCase().replace(/ /g, '_')))
      code = 'GW_ERR_TLS_CLIENT_REJECTED';
    if (code) {
      text = `${c} ${m}`.trim();
      break;
    }
  }
  if (!code) return undefined;
  const fix = FIX[code]!;
  return new GatewayError(
    code,
    { where, zh: text, en: text, fixZh: fix.zh, fixEn: fix.en },
    { cause: err },
  );
}

/**
 * Tells whether a connection that the server closed right after the handshake means "your
 * client certificate is not accepted". Many servers (Node's among them) verify the client
 * certificate after a TLS 1.3 handshake and then just close, so the HTTP client sees only
 * "other side closed". One extra handshake tells: a server that refuses the certificate closes
 * (or sends an alert) at once, without waiting for a request; a healthy one waits. Bounded in time.
 */
export async function probeClientRejection(
  url: string,
  tls: ClientTls | undefined,
  timeoutMs: number,
): Promise<GatewayError | undefined> {
  const u = new URL(url);
  if (u.protocol !== 'https:') return undefined;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const options = tlsConnectOptions(tls);
  return new Promise((resolve) => {
    let secured = false;
    let done = false;
    const finish = (value: GatewayError | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const socket = connect({
      host,
      port: Number(u.port || 443),
      ...(isIP(host) ? {} : { servername: host }),
      ...options,
    });
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.on('secureConnect', () => {
      secured = true;
      // Wait a moment for the server's verdict; give up quietly if it keeps the connection open.
      clearTimeout(timer);
      setTimeout(() => finish(undefined), Math.min(1000, timeoutMs));
    });
    socket.on('error', (err) => {
      finish(
        tlsError(err, url) ??
          (secured
            ? rejected(url, `${(err as { code?: string }).code ?? ''} ${err.message}`.trim())
            : undefined),
      );
    });
    socket.on('close', () =>
      finish(
        secured
          ? rejected(
              url,
              'the server closed the connection right after the TLS handshake / 服务器在 TLS 握手后立即断开',
            )
          : undefined,
      ),
    );
  });
}

function rejected(where: string, text: string): GatewayError {
  const fix = FIX.GW_ERR_TLS_CLIENT_REJECTED!;
  return new GatewayError('GW_ERR_TLS_CLIENT_REJECTED', {
    where,
    zh: text,
    en: text,
    fixZh: fix.zh,
    fixEn: fix.en,
  });
}
