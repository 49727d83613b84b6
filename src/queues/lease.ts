import { hostname } from 'node:os';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Lease, LeaseFactory } from '../core/lease.js';
import { evalLua } from './lua.js';

/** This process's identity in leases: readable in redis-cli, unique per start. */
export const NODE_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

// Renews the lease when we hold it, takes it when it is free, else reports who has it.
const HOLD_LUA = `
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;

/**
 * The `Lease` port in Redis: one node at a time polls a given inbox or receipt feed. The holder renews it on
 * every poll; when a node dies, its lease expires after `ttlMs` and another node takes over.
 */
export class RedisLease implements Lease {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
    readonly ttlMs: number,
    private readonly owner: string = NODE_ID,
  ) {}

  /** True when this node holds the lease (taking or renewing it). */
  async holds(): Promise<boolean> {
    return (await evalLua(this.redis, HOLD_LUA, 1, this.key, this.owner, String(this.ttlMs))) === 1;
  }

  /** Gives the lease up at shutdown so another node need not wait for it to expire. */
  async release(): Promise<void> {
    await evalLua(
      this.redis,
      `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
      1,
      this.key,
      this.owner,
    );
  }
}

/** Leases under `<prefix>:lease:<name>` in Redis: what app.ts hands the registries. */
export function redisLeases(redis: Redis, prefix: string): LeaseFactory {
  return (name, ttlMs) => new RedisLease(redis, `${prefix}:lease:${name}`, ttlMs);
}

/**
 * The archive leases (`<prefix>:lock:archive:<message id>`): one per move of a source file to
 * failed/, each with an owner of its own, so it is released only by the move that took it.
 */
export function redisArchiveLeases(redis: Redis, prefix: string): LeaseFactory {
  return (messageId, ttlMs) =>
    new RedisLease(
      redis,
      `${prefix}:lock:archive:${messageId}`,
      ttlMs,
      `${NODE_ID}:${randomUUID()}`,
    );
}
