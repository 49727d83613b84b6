import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../config/resolve.js';
import { CircuitBreakers, type BreakerSnapshot } from './circuit-breaker.js';
import { DeliveryControl, type ChannelHold } from './delivery-control.js';

export interface DeliveryState {
  readonly breakers: readonly BreakerSnapshot[];
  readonly heldChannels: readonly (ChannelHold & { readonly waiting: number })[];
}

/** Breakers of every transport and the channels on hold, as every node sees them in Redis. */
export async function readDeliveryState(
  redis: Redis,
  config: Pick<GatewayConfig, 'redis' | 'breakers' | 'channels'>,
): Promise<DeliveryState> {
  const breakers = await new CircuitBreakers(redis, config.redis.prefix, config.breakers).all();
  const control = new DeliveryControl(redis, config.redis.prefix);
  const heldChannels = [];
  for (const ch of config.channels) {
    const hold = await control.channelHoldOf(ch.name);
    if (hold) heldChannels.push({ ...hold, waiting: await control.parkedCount(ch.name) });
  }
  return { breakers, heldChannels };
}
