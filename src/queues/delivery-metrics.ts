import { Gauge, type Registry } from 'prom-client';
import { readDeliveryState } from './delivery-state.js';
import type { PipelineDeps } from './deps.js';

const STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/** Circuit breakers and channel holds, read from Redis when scraped (the same on every node). */
export function registerDeliveryMetrics(
  registry: Registry,
  deps: Pick<PipelineDeps, 'redis' | 'config'>,
): void {
  let pending: ReturnType<typeof readDeliveryState> | undefined;
  // One Redis read per scrape for all three gauges.
  const state = () =>
    (pending ??= readDeliveryState(deps.redis, deps.config).finally(() =>
      setImmediate(() => (pending = undefined)),
    ));
  new Gauge({
    name: 'eport_breaker_state',
    help: 'Circuit breaker per transport: 0 closed, 1 half-open (probing), 2 open (sends paused)',
    labelNames: ['transport'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const b of (await state()).breakers)
        this.set({ transport: b.transport }, STATE_VALUE[b.state]);
    },
  });
  new Gauge({
    name: 'eport_breaker_consecutive_failures',
    help: 'Consecutive transient delivery failures per transport',
    labelNames: ['transport'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const b of (await state()).breakers) this.set({ transport: b.transport }, b.failures);
    },
  });
  new Gauge({
    name: 'eport_channel_held',
    help: 'Messages waiting in a channel an operator put on hold (the series exists only while held)',
    labelNames: ['channel'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const h of (await state()).heldChannels) this.set({ channel: h.channel }, h.waiting);
    },
  });
}
