import { GatewayError } from '../core/errors.js';
import type { DeliveryAck, OutboundMessage, Transport } from './transport.js';

export type FakeOutcome = 'ok' | 'transient' | 'permanent';

/** In-memory transport for stage tests: records what it was given, fails on request. */
export class FakeTransport implements Transport {
  readonly name = 'fake';
  readonly sent: { message: OutboundMessage; idempotencyKey: string }[] = [];
  private readonly script: FakeOutcome[] = [];

  /** Queues outcomes for the next sends; afterwards every send succeeds. */
  failNext(...outcomes: FakeOutcome[]): void {
    this.script.push(...outcomes);
  }

  async send(message: OutboundMessage, options: { idempotencyKey: string }): Promise<DeliveryAck> {
    const outcome = this.script.shift() ?? 'ok';
    if (outcome === 'transient') throw new GatewayError('GW_ERR_DELIVER_REMOTE_5XX', 'fake 503');
    if (outcome === 'permanent') throw new GatewayError('GW_ERR_DELIVER_REJECTED', 'fake 400');
    this.sent.push({ message, idempotencyKey: options.idempotencyKey });
    return {
      reference: `fake ${this.sent.length}`,
      receipt: Buffer.from(`<Ack n="${this.sent.length}"/>`),
    };
  }

  async close(): Promise<void> {}
}
