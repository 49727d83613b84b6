import { jobIdFor } from '../core/ids.js';
import type { PipelineDeps } from './deps.js';
import { operatorRefusal } from '../core/operator-refusal.js';
import type { MessageRecord } from './ledger-port.js';

type Deps = Pick<PipelineDeps, 'deliveryControl' | 'queues' | 'channels'>;

/*
 * Operator actions on delivery (hold, release, replay); the CLI and the HTTP API both call these,
 * on the delivery control of the stores (createPipelineStores).
 */

/** The deliver job of a replay; numbered, so each replay is its own job. */
export function replayJobId(messageId: string, n: number): string {
  return jobIdFor(messageId, 'deliver', `replay${n}`);
}

const HOLD_REFUSED = {
  already: 'already on hold / 已暂停',
  sent: 'already delivered to customs; nothing to hold / 已送达海关，无需暂停',
  sending: 'a send is under way right now; try again in a moment / 正在发送，请稍后再试',
  ended: 'the message has already ended / 报文已结束',
  missing: 'no such message / 报文不存在',
} as const;

/** Wakes a parked deliver job now instead of at its next check. A job not parked any more is left alone. */
export async function wakeDeliverJob(
  deps: Pick<PipelineDeps, 'queues'>,
  jobId: string,
): Promise<boolean> {
  const job = await deps.queues.queue('deliver').getJob(jobId);
  if (!job || !(await job.isDelayed())) return false;
  return job.promote().then(
    () => true,
    () => false, // it just left the delayed set on its own
  );
}

export async function holdMessage(
  deps: Deps,
  rec: MessageRecord,
  who: string,
  reason?: string,
): Promise<string> {
  const r = await deps.deliveryControl.hold(rec.id, who, reason);
  if (r !== 'held') throw operatorRefusal(HOLD_REFUSED[r], `message ${rec.id}`);
  return 'on hold: it will not be sent until released / 已暂停发送，释放后才会发送';
}

export async function releaseMessage(deps: Deps, rec: MessageRecord, who: string): Promise<string> {
  const r = await deps.deliveryControl.release(rec.id, rec.channel, who);
  if (r.result === 'missing') throw operatorRefusal(HOLD_REFUSED.missing, `message ${rec.id}`);
  if (r.result === 'not-held')
    throw operatorRefusal('not on hold / 报文未暂停', `message ${rec.id}`);
  if (r.result === 'channel-held')
    return `released, but channel ${rec.channel} is still on hold / 已释放，但通道仍暂停发送`;
  if (r.result === 'released' && r.jobId) await wakeDeliverJob(deps, r.jobId);
  return 'released: it goes out now / 已释放，将立即发送';
}

export async function holdChannel(
  deps: Deps,
  channel: string,
  who: string,
  reason?: string,
): Promise<string> {
  if (!deps.channels.has(channel))
    throw operatorRefusal(
      `no channel "${channel}"; channels: ${[...deps.channels.keys()].join(', ')} / 通道不存在`,
    );
  const fresh = await deps.deliveryControl.holdChannel(channel, who, reason);
  return fresh
    ? `channel ${channel} on hold: files are still accepted and checked, nothing is sent / 通道已暂停发送（仍接收和校验文件）`
    : `channel ${channel} was already on hold / 通道已处于暂停状态`;
}

export async function releaseChannel(deps: Deps, channel: string, who: string): Promise<string> {
  if (!deps.channels.has(channel))
    throw operatorRefusal(
      `no channel "${channel}"; channels: ${[...deps.channels.keys()].join(', ')} / 通道不存在`,
    );
  const { wasHeld, parked } = await deps.deliveryControl.releaseChannel(channel, who);
  for (const jobId of parked.values()) await wakeDeliverJob(deps, jobId);
  if (!wasHeld && parked.size === 0)
    throw operatorRefusal(`channel ${channel} is not on hold / 通道未暂停`);
  return `channel ${channel} released; ${parked.size} waiting message(s) go out now / 通道已恢复发送，${parked.size} 个等待的报文将立即发送`;
}

const REPLAY_REFUSED = {
  'not-sent':
    'never delivered yet: nothing to replay (use `eport retry` for a dead message) / 尚未送达，无法重放',
  pending: 'the previous replay has not gone out yet / 上一次重放尚未完成',
  missing: 'no such message / 报文不存在',
} as const;

/**
 * Sends the same signed bytes of a delivered message again, on purpose (customs lost it, a
 * relay was reset...). The reason goes into the timeline; the send uses its own idempotency key
 * so that an idempotent receiver does not swallow it as a duplicate.
 */
export async function replayMessage(
  deps: Deps,
  rec: MessageRecord,
  who: string,
  reason: string,
): Promise<string> {
  if (!reason.trim())
    throw operatorRefusal('a replay needs a reason (--reason TEXT) / 重放须说明原因');
  const n = await deps.deliveryControl.replay(rec.id, who, reason.trim());
  if (typeof n !== 'number') throw operatorRefusal(REPLAY_REFUSED[n], `message ${rec.id}`);
  await deps.queues.add('deliver', replayJobId(rec.id, n), { messageId: rec.id, replay: n });
  return `replay #${n} queued: the same signed bytes go out again / 第 ${n} 次重放已排队`;
}
