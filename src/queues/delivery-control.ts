import type { Redis } from 'ioredis';
import { GATEWAY_STATUSES, isTerminal } from '../receipts/status.js';
import type { ClaimResult, DeliveryControlPort } from './delivery-control-port.js';
import { evalLua } from './lua.js';

export type { ClaimResult } from './delivery-control-port.js';

/** An operator's hold on a whole channel. */
export interface ChannelHold {
  readonly channel: string;
  readonly at: number;
  readonly by: string;
  readonly reason?: string;
}

export type HoldResult = 'held' | 'already' | 'sent' | 'sending' | 'ended' | 'missing';
export type ReleaseResult =
  | { readonly result: 'released'; readonly jobId?: string }
  | { readonly result: 'channel-held' | 'not-held' | 'missing' };
export type ReplayResult = number | 'not-sent' | 'pending' | 'missing';

// The deliver stage's claim on a send, decided on the same keys as hold and cancel: a cancelled
// message ends; a held message (or one of a held channel) parks (its job id is noted so a release
// can wake it), with one timeline event per hold; else the send is marked under way.
const CLAIM_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
if redis.call('HGET', KEYS[1], 'cancelledByOperator') == '1' then
  redis.call('HDEL', KEYS[4], ARGV[3])
  return 'cancelled'
end
local heldBy = redis.call('HGET', KEYS[1], 'heldBy')
local channelBy = redis.call('HGET', KEYS[3], 'by')
if heldBy or channelBy then
  if redis.call('HSET', KEYS[4], ARGV[3], ARGV[2]) == 1 then
    local text
    if channelBy then
      text = 'not sent while channel ' .. ARGV[4] .. ' is on hold (' .. channelBy .. ') / 通道暂停发送，报文等待'
    else
      text = 'not sent while on hold (' .. heldBy .. ') / 报文暂停发送'
    end
    redis.call('RPUSH', KEYS[2], cjson.encode({at = tonumber(ARGV[1]), stage = 'deliver', text = text}))
  end
  return 'held'
end
redis.call('HDEL', KEYS[4], ARGV[3])
redis.call('HSET', KEYS[1], 'sending', '1')
return 'ok'`;

// Holds one message that has not gone out and is not going out right now (like a cancel).
const HOLD_LUA = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'missing' end
if redis.call('HEXISTS', KEYS[1], 'deliveredAt') == 1 then return 'sent' end
if redis.call('HGET', KEYS[1], 'sending') == '1' then return 'sending' end
for i = 4, #ARGV do if ARGV[i] == status then return 'ended' end end
if redis.call('HEXISTS', KEYS[1], 'heldBy') == 1 then return 'already' end
redis.call('HSET', KEYS[1], 'heldAt', ARGV[1], 'heldBy', ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[3])
return 'held'`;

// Lifts a message's hold. Its parked job is handed back to be woken, unless its channel is held.
const RELEASE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
if redis.call('HEXISTS', KEYS[1], 'heldBy') == 0 then return {'not-held'} end
redis.call('HDEL', KEYS[1], 'heldAt', 'heldBy')
redis.call('RPUSH', KEYS[2], ARGV[2])
if redis.call('EXISTS', KEYS[3]) == 1 then return {'channel-held'} end
local job = redis.call('HGET', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
return {'released', job or ''}`;

const HOLD_CHANNEL_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'at', ARGV[1], 'by', ARGV[2], 'reason', ARGV[3])
redis.call('RPUSH', KEYS[2], ARGV[4])
return 1`;

// Lifts a channel hold and hands back the parked jobs of messages not held on their own, with
// an event in each one's timeline. KEYS[1] hold, KEYS[2] channel events, KEYS[3] parked jobs.
const RELEASE_CHANNEL_LUA = `
local existed = redis.call('DEL', KEYS[1])
if existed == 1 then redis.call('RPUSH', KEYS[2], ARGV[2]) end
local out = {existed}
local parked = redis.call('HGETALL', KEYS[3])
for i = 1, #parked, 2 do
  local id = parked[i]
  if redis.call('HEXISTS', ARGV[3] .. id, 'heldBy') == 0 then
    redis.call('HDEL', KEYS[3], id)
    redis.call('RPUSH', ARGV[4] .. id, ARGV[5])
    table.insert(out, id)
    table.insert(out, parked[i + 1])
  end
end
return out`;

// An operator's deliberate resend of a delivered message: numbered, with the reason in the timeline;
// one at a time (the previous replay must have been sent or given up).
const REPLAY_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
if redis.call('HEXISTS', KEYS[1], 'deliveredAt') == 0 then return 'not-sent' end
local asked = tonumber(redis.call('HGET', KEYS[1], 'replays') or '0')
if asked > tonumber(redis.call('HGET', KEYS[1], 'replaysDone') or '0') then return 'pending' end
local n = redis.call('HINCRBY', KEYS[1], 'replays', 1)
redis.call('RPUSH', KEYS[2], cjson.encode({at = tonumber(ARGV[1]), stage = 'operator', text = 'replay #' .. n .. ' requested by ' .. ARGV[2] .. ': ' .. ARGV[3] .. ' / 操作员要求重放'}))
return n`;

const TERMINAL_STATUSES = GATEWAY_STATUSES.filter(isTerminal);

/**
 * Operator control over delivery, in Redis next to the ledger records it guards: hold and release
 * of a message or a whole channel, replay of a delivered message, and the deliver stage's claim
 * that respects them. Every decision is one Lua script on the message's own keys, so an operator
 * and a deliver worker on any node never both win.
 */
export class DeliveryControl implements DeliveryControlPort {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private msg(id: string): string {
    return `${this.prefix}:ledger:msg:${id}`;
  }
  private events(id: string): string {
    return `${this.prefix}:ledger:events:${id}`;
  }
  private channelHold(channel: string): string {
    return `${this.prefix}:hold:channel:${channel}`;
  }
  private parked(channel: string): string {
    return `${this.prefix}:hold:parked:${channel}`;
  }
  private channelEvents(channel: string): string {
    return `${this.prefix}:ledger:channel-events:${channel}`;
  }

  private static event(stage: string, text: string, at = Date.now()): string {
    return JSON.stringify({ at, stage, text });
  }

  /** The deliver stage asks before each send; `jobId` is the job that would send. */
  async claim(id: string, channel: string, jobId: string): Promise<ClaimResult> {
    return (await evalLua(
      this.redis,
      CLAIM_LUA,
      4,
      this.msg(id),
      this.events(id),
      this.channelHold(channel),
      this.parked(channel),
      String(Date.now()),
      jobId,
      id,
      channel,
    )) as ClaimResult;
  }

  /** Whether the message may still not be sent (its own hold or its channel's). */
  async isHeld(id: string, channel: string): Promise<boolean> {
    const [own, ch] = await Promise.all([
      this.redis.hexists(this.msg(id), 'heldBy'),
      this.redis.exists(this.channelHold(channel)),
    ]);
    return own === 1 || ch === 1;
  }

  async hold(id: string, who: string, reason?: string): Promise<HoldResult> {
    const at = Date.now();
    const ev = DeliveryControl.event(
      'operator',
      `held by ${who}${reason ? `: ${reason}` : ''} / 操作员暂停发送`,
      at,
    );
    return (await evalLua(
      this.redis,
      HOLD_LUA,
      2,
      this.msg(id),
      this.events(id),
      String(at),
      who,
      ev,
      ...TERMINAL_STATUSES,
    )) as HoldResult;
  }

  async release(id: string, channel: string, who: string): Promise<ReleaseResult> {
    const ev = DeliveryControl.event('operator', `released by ${who} / 操作员恢复发送`);
    const [result, jobId] = (await evalLua(
      this.redis,
      RELEASE_LUA,
      4,
      this.msg(id),
      this.events(id),
      this.channelHold(channel),
      this.parked(channel),
      id,
      ev,
    )) as [string, string?];
    if (result === 'released') return jobId ? { result, jobId } : { result };
    return { result } as ReleaseResult;
  }

  /** Holds a channel; false when it was already held. */
  async holdChannel(channel: string, who: string, reason?: string): Promise<boolean> {
    const at = Date.now();
    const ev = DeliveryControl.event(
      'operator',
      `channel held by ${who}${reason ? `: ${reason}` : ''} / 通道暂停发送`,
      at,
    );
    return (
      (await evalLua(
        this.redis,
        HOLD_CHANNEL_LUA,
        2,
        this.channelHold(channel),
        this.channelEvents(channel),
        String(at),
        who,
        reason ?? '',
        ev,
      )) === 1
    );
  }

  /** Lifts a channel hold; returns whether it was held and the parked jobs to wake (message id -> job id). */
  async releaseChannel(
    channel: string,
    who: string,
  ): Promise<{ wasHeld: boolean; parked: Map<string, string> }> {
    const chEv = DeliveryControl.event('operator', `channel released by ${who} / 通道恢复发送`);
    const msgEv = DeliveryControl.event(
      'operator',
      `channel ${channel} released by ${who} / 通道恢复发送`,
    );
    const [existed, ...pairs] = (await evalLua(
      this.redis,
      RELEASE_CHANNEL_LUA,
      3,
      this.channelHold(channel),
      this.channelEvents(channel),
      this.parked(channel),
      String(Date.now()),
      chEv,
      `${this.prefix}:ledger:msg:`,
      `${this.prefix}:ledger:events:`,
      msgEv,
    )) as [number, ...string[]];
    const parked = new Map<string, string>();
    for (let i = 0; i < pairs.length; i += 2) parked.set(pairs[i]!, pairs[i + 1]!);
    return { wasHeld: existed === 1, parked };
  }

  async channelHoldOf(channel: string): Promise<ChannelHold | undefined> {
    const h = await this.redis.hgetall(this.channelHold(channel));
    if (!h.by) return undefined;
    return { channel, at: Number(h.at), by: h.by, ...(h.reason ? { reason: h.reason } : {}) };
  }

  /** How many messages of the channel are parked (waiting for a release). */
  async parkedCount(channel: string): Promise<number> {
    return this.redis.hlen(this.parked(channel));
  }

  async channelEventsOf(channel: string): Promise<{ at: number; stage: string; text: string }[]> {
    return (await this.redis.lrange(this.channelEvents(channel), 0, -1)).map(
      (s) => JSON.parse(s) as { at: number; stage: string; text: string },
    );
  }

  /** Numbers a deliberate resend of a delivered message; the caller queues it. */
  async replay(id: string, who: string, reason: string): Promise<ReplayResult> {
    return (await evalLua(
      this.redis,
      REPLAY_LUA,
      2,
      this.msg(id),
      this.events(id),
      String(Date.now()),
      who,
      reason,
    )) as ReplayResult;
  }
}
