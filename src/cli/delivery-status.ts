import type { DeliveryState } from '../queues/delivery-state.js';

export { readDeliveryState } from '../queues/delivery-state.js';

const time = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

/** The lines `eport status` prints about delivery control. */
export function formatDeliveryState(s: DeliveryState): string[] {
  const lines = ['circuit breakers / 熔断器'];
  for (const b of s.breakers) {
    const detail =
      b.state === 'closed'
        ? b.failures
          ? `${b.failures} consecutive failure(s)`
          : ''
        : `since ${time(b.since ?? 0)}${b.openUntil ? `, probe after ${time(b.openUntil)}` : ', probing'}${b.lastError ? `; last error: ${b.lastError.slice(0, 120)}` : ''}`;
    lines.push(`  ${b.transport.padEnd(20)} ${b.state.padEnd(9)} ${detail}`.trimEnd());
  }
  if (s.heldChannels.length) {
    lines.push('channels on hold / 暂停发送的通道');
    for (const h of s.heldChannels)
      lines.push(
        `  ${h.channel.padEnd(20)} since ${time(h.at)} by ${h.by}${h.reason ? ` (${h.reason})` : ''}; ${h.waiting} message(s) waiting`,
      );
  }
  return lines;
}
