import type { ParsedConfig } from './schema.js';
import { toMs } from './duration.js';
import type { ConfigProblem } from './config-problem.js';

type SecretReader = (
  s: { env?: string | undefined; file?: string | undefined },
  path: string,
) => string | undefined;

export type ApiScope = 'upload' | 'receipts' | 'operate' | 'read-only' | 'admin';

export interface ResolvedHttp {
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
  readonly requestTimeoutMs: number;
  readonly tokens: readonly {
    readonly name: string;
    readonly sha256: string;
    readonly scopes?: readonly ApiScope[] | undefined;
  }[];
  readonly rateLimit: { readonly max: number; readonly windowMs: number };
  readonly maxEventLoopDelayMs: number;
  readonly maxWaitSeconds: number;
  /** PEM texts, read at load time. */
  readonly tls?:
    | { readonly cert: string; readonly key: string; readonly clientCa?: string | undefined }
    | undefined;
}

/** The HTTP API settings: durations in ms, TLS certificate, key and client CA read. */
export function resolveHttp(
  h: ParsedConfig['http'],
  readSecret: SecretReader,
  problems: ConfigProblem[],
): ResolvedHttp {
  const names = h.tokens.map((t) => t.name);
  for (const d of names.filter((n, i) => names.indexOf(n) !== i)) {
    problems.push({
      path: 'http.tokens',
      message: `duplicate token name "${d}" / 令牌名称重复`,
      fix: 'the name identifies the client (acknowledged receipts, rate limits): give each token its own',
    });
  }
  const tls = h.tls
    ? {
        cert: readSecret({ file: h.tls.cert }, 'http.tls.cert') ?? '',
        key: readSecret(h.tls.key, 'http.tls.key') ?? '',
        ...(h.tls.clientCa
          ? { clientCa: readSecret({ file: h.tls.clientCa }, 'http.tls.clientCa') ?? '' }
          : {}),
      }
    : undefined;
  return {
    enabled: h.enabled,
    host: h.host,
    port: h.port,
    requestTimeoutMs: toMs(h.requestTimeoutMs),
    tokens: h.tokens,
    rateLimit: { max: h.rateLimit.max, windowMs: toMs(h.rateLimit.window) },
    maxEventLoopDelayMs: toMs(h.maxEventLoopDelayMs),
    maxWaitSeconds: h.maxWaitSeconds,
    ...(tls ? { tls } : {}),
  };
}
