import { afterEach, describe, expect, it } from 'vitest';
import { isGatewayError } from '../../src/core/errors.js';
import type { FakeOutcome } from '../../src/transports/fake-transport.js';
import type { Transport } from '../../src/transports/transport.js';

/** A transport under test plus a way to make its far side answer as the test needs. */
export interface TransportHarness {
  readonly transport: Transport;
  failNext(...outcomes: FakeOutcome[]): void;
  /** What the far side received, in order: bytes and idempotency key. */
  received(): Promise<{ bytes: Buffer; idempotencyKey: string }[]>;
  close(): Promise<void>;
}

const message = {
  messageId: '0123456789abcdef0123456789abcdef',
  businessKey: 'EPGW2026000001',
  messageType: 'DecMessage',
  fileName: '报关单-1.xml',
  bytes: Buffer.from('<DecMessage xmlns="http://www.chinaport.gov.cn/dec">中文</DecMessage>'),
};

/** The behaviour every Transport adapter and its fake must share. */
export function defineTransportContract(name: string, make: () => Promise<TransportHarness>): void {
  describe(`Transport contract: ${name}`, () => {
    let h: TransportHarness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('delivers the exact bytes with the idempotency key and acknowledges', async () => {
      h = await make();
      const ack = await h.transport.send(message, { idempotencyKey: 'declaration:EPGW2026000001' });
      expect(ack.reference).toBeTruthy();
      const got = await h.received();
      expect(got).toHaveLength(1);
      expect(got[0]!.bytes.equals(message.bytes)).toBe(true);
      expect(got[0]!.idempotencyKey).toBe('declaration:EPGW2026000001');
    });

    it('reports a temporary failure as transient, and makes exactly one attempt', async () => {
      h = await make();
      h.failNext('transient');
      const err = await h.transport.send(message, { idempotencyKey: 'k' }).catch((e: unknown) => e);
      expect(isGatewayError(err) && err.kind).toBe('transient');
      expect(await h.received()).toHaveLength(0);
      await h.transport.send(message, { idempotencyKey: 'k' });
      expect(await h.received()).toHaveLength(1);
    });

    it('reports a rejection as permanent', async () => {
      h = await make();
      h.failNext('permanent');
      const err = await h.transport.send(message, { idempotencyKey: 'k' }).catch((e: unknown) => e);
      expect(isGatewayError(err) && err.kind).toBe('permanent');
    });
  });
}
