import type { ClaimResult, DeliveryControlPort } from '../../src/queues/delivery-control-port.js';
import type { HoldResult, ReleaseResult } from '../../src/queues/delivery-control.js';
import { isTerminal, type GatewayStatus } from '../../src/receipts/status.js';
import type { MemoryLedger } from './memory-ledger.js';

/**
 * The delivery control in memory, on the in-memory ledger's records, for unit tests of the
 * deliver stage: the Lua scripts of `delivery-control.ts` written out (claim, message and channel
 * holds and their releases, the parked jobs). `test/contract/delivery-control.contract.ts` holds it
 * to the Redis adapter's behaviour.
 */
export class MemoryDeliveryControl implements DeliveryControlPort {
  private readonly channelHolds = new Map<string, { at: number; by: string; reason?: string }>();
  /** Per channel: parked message id -> the job that would send it. */
  private readonly parkedJobs = new Map<string, Map<string, string>>();

  constructor(private readonly ledger: MemoryLedger) {}

  private parked(channel: string): Map<string, string> {
    let p = this.parkedJobs.get(channel);
    if (!p) this.parkedJobs.set(channel, (p = new Map()));
    return p;
  }

  async claim(id: string, channel: string, jobId: string): Promise<ClaimResult> {
    const h = this.ledger.fieldsOf(id);
    if (!h) return 'missing';
    const parked = this.parked(channel);
    if (h.get('cancelledByOperator') === '1') {
      parked.delete(id);
      return 'cancelled';
    }
    const heldBy = h.get('heldBy');
    const channelBy = this.channelHolds.get(channel)?.by;
    if (heldBy !== undefined || channelBy !== undefined) {
      if (!parked.has(id)) {
        const text =
          channelBy !== undefined
            ? `not sent while channel ${channel} is on hold (${channelBy}) / 通道暂停发送，报文等待`
            : `not sent while on hold (${heldBy}) / 报文暂停发送`;
        this.ledger.note(id, { at: Date.now(), stage: 'deliver', text });
      }
      parked.set(id, jobId);
      return 'held';
    }
    parked.delete(id);
    h.set('sending', '1');
    return 'ok';
  }

  async isHeld(id: string, channel: string): Promise<boolean> {
    return this.ledger.fieldsOf(id)?.has('heldBy') === true || this.channelHolds.has(channel);
  }

  async hold(id: string, who: string, reason?: string): Promise<HoldResult> {
    const h = this.ledger.fieldsOf(id);
    const status = h?.get('status') as GatewayStatus | undefined;
    if (!h || !status) return 'missing';
    if (h.has('deliveredAt')) return 'sent';
    if (h.get('sending') === '1') return 'sending';
    if (isTerminal(status)) return 'ended';
    if (h.has('heldBy')) return 'already';
    const at = Date.now();
    h.set('heldAt', String(at));
    h.set('heldBy', who);
    this.ledger.note(id, {
      at,
      stage: 'operator',
      text: `held by ${who}${reason ? `: ${reason}` : ''} / 操作员暂停发送`,
    });
    return 'held';
  }

  async release(id: string, channel: string, who: string): Promise<ReleaseResult> {
    const h = this.ledger.fieldsOf(id);
    if (!h) return { result: 'missing' };
    if (!h.has('heldBy')) return { result: 'not-held' };
    h.delete('heldAt');
    h.delete('heldBy');
    this.ledger.note(id, {
      at: Date.now(),
      stage: 'operator',
      text: `released by ${who} / 操作员恢复发送`,
    });
    if (this.channelHolds.has(channel)) return { result: 'channel-held' };
    const parked = this.parked(channel);
    const jobId = parked.get(id);
    parked.delete(id);
    return jobId ? { result: 'released', jobId } : { result: 'released' };
  }

  async holdChannel(channel: string, who: string, reason?: string): Promise<boolean> {
    if (this.channelHolds.has(channel)) return false;
    this.channelHolds.set(channel, { at: Date.now(), by: who, ...(reason ? { reason } : {}) });
    return true;
  }

  async releaseChannel(
    channel: string,
    who: string,
  ): Promise<{ wasHeld: boolean; parked: Map<string, string> }> {
    const wasHeld = this.channelHolds.delete(channel);
    const woken = new Map<string, string>();
    for (const [id, jobId] of this.parked(channel)) {
      if (this.ledger.fieldsOf(id)?.has('heldBy')) continue;
      this.parked(channel).delete(id);
      this.ledger.note(id, {
        at: Date.now(),
        stage: 'operator',
        text: `channel ${channel} released by ${who} / 通道恢复发送`,
      });
      woken.set(id, jobId);
    }
    return { wasHeld, parked: woken };
  }

  async parkedCount(channel: string): Promise<number> {
    return this.parked(channel).size;
  }
}
