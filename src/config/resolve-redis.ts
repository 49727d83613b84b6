import type { ParsedConfig } from './schema.js';
import type { ResolvedRedis } from './resolved-config.js';

type SecretReader = (
  s: { env?: string | undefined; file?: string | undefined },
  path: string,
) => string | undefined;

/** `host:port` (IPv6 in brackets) as ioredis wants a sentinel address. */
function sentinelAddress(text: string): { host: string; port: number } {
  const at = text.lastIndexOf(':');
  return { host: text.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(text.slice(at + 1)) };
}

/** The `redis` section with sentinel addresses split and its passwords read. */
export function resolveRedis(r: ParsedConfig['redis'], secret: SecretReader): ResolvedRedis {
  const password = r.password ? secret(r.password, 'redis.password') : undefined;
  const sentinelPassword = r.sentinelPassword
    ? secret(r.sentinelPassword, 'redis.sentinelPassword')
    : undefined;
  return {
    ...(r.url !== undefined ? { url: r.url } : {}),
    ...(r.sentinels ? { sentinels: r.sentinels.map(sentinelAddress) } : {}),
    name: r.name,
    ...(password !== undefined ? { password } : {}),
    ...(sentinelPassword !== undefined ? { sentinelPassword } : {}),
    ...(r.db !== undefined ? { db: r.db } : {}),
    prefix: r.prefix,
    serverBinary: r.serverBinary,
  };
}
