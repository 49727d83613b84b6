import { z } from 'zod';
import { secret } from './schema-parts.js';

/** `host:port` of one Redis Sentinel; IPv6 hosts in brackets (`[::1]:26379`). */
const sentinelAddress = z
  .string()
  .regex(
    /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$/,
    'host:port, e.g. 10.0.0.5:26379 / 格式为 主机:端口',
  )
  .refine(
    (s) => !(Number(s.slice(s.lastIndexOf(':') + 1)) > 65535),
    'port above 65535 / 端口超出范围',
  );

/**
 * Where Redis is: a URL, a set of Sentinels that name the current master, or neither (the
 * gateway runs its own redis-server). With Sentinels, every connection (ours and BullMQ's) asks
 * them for the master and asks again after a failover.
 */
export const redisSchema = z
  .object({
    url: z
      .string()
      .optional()
      .describe(
        'redis://host:port/db or unix:///path; unset = the gateway runs its own redis-server (or uses sentinels)',
      ),
    sentinels: z
      .array(sentinelAddress)
      .min(1)
      .optional()
      .describe(
        'Redis Sentinel addresses (host:port); the gateway connects to the master they name and follows failovers',
      ),
    name: z
      .string()
      .min(1)
      .default('mymaster')
      .describe('the master group name the sentinels monitor (sentinel monitor NAME ...)'),
    password: secret
      .optional()
      .describe('password of the Redis master and replicas when sentinels are used (requirepass)'),
    sentinelPassword: secret
      .optional()
      .describe('password of the sentinels themselves, when they have one (sentinel requirepass)'),
    db: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('database number when sentinels are used; with url, put it in the URL'),
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/)
      .default('eport')
      .describe('key prefix for all queues and records'),
    serverBinary: z.string().default('redis-server').describe('binary used for the managed Redis'),
  })
  .strict()
  .refine((r) => !(r.url && r.sentinels), {
    message: 'give either url or sentinels, not both / url 与 sentinels 只能给出其一',
    path: ['sentinels'],
  })
  .refine((r) => r.sentinels || (!r.password && !r.sentinelPassword && r.db === undefined), {
    message:
      'password, sentinelPassword and db are for sentinels; with url, put them in the URL / 这些选项仅用于 sentinels',
    path: ['sentinels'],
  })
  .default({ prefix: 'eport', serverBinary: 'redis-server', name: 'mymaster' });
