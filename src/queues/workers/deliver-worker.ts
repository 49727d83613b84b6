import { DelayedError, type Job } from 'bullmq';
import { GatewayError, toGatewayError } from '../../core/errors.js';
import type { Admission } from '../circuit-breaker-port.js';
import { channelOf } from '../deps.js';
import type { DeliverDeps } from './processor-deps.js';
import type { MessageJob } from '../names.js';
import { failMessage } from '../outcomes.js';
import { queueReceipt } from '../queue-receipt.js';
import { mayRetry } from '../retry-policy.js';
import { BUSINESS_KEY_INDEX } from '../ledger-port.js';
import { isBundle, unpackBundle, type BundleFile } from '../../core/document-bundle.js';
import type { SpoolRef } from '../../core/spool.js';
import type { Transport } from '../../transports/transport.js';

/**
 * BullMQ priority of deliver jobs that already waited (a failed attempt, an open breaker, a hold).
 * A first attempt has no priority, and BullMQ takes jobs without one first: a fresh declaration is
 * never queued behind a long backlog of retries that all came due at once.
 */
export const BACKLOG_PRIORITY = 10;

/** How often a parked (held) job looks again by itself; a release wakes it at once anyway. */
const PARK_RECHECK_MS = 60_000;

const time = (ms: number): string => new Date(ms).toISOString();

/**
 * deliver: one attempt per job run; BullMQ re-runs the job on the configured schedule. The
 * business key is the idempotency key, so a resend after a crash is recognisable on the far side.
 * Before sending, the operator's hold and the transport's circuit breaker are asked; a message
 * that must wait goes back to the delayed set without spending one of its attempts.
 */
export function deliverProcessor(deps: DeliverDeps) {
  const { deliveryControl: control, breakers } = deps;

  /** Back to the delayed set until `at`, attempts untouched, behind fresh messages. */
  const waitUntil = async (
    job: Job<MessageJob>,
    token: string | undefined,
    at: number,
  ): Promise<void> => {
    if (!job.priority) await job.changePriority({ priority: BACKLOG_PRIORITY });
    await job.moveToDelayed(at, token);
  };

  /** A breaker that is not letting this message through: note it once per outage, then wait. */
  const waitForBreaker = async (
    job: Job<MessageJob>,
    token: string | undefined,
    transport: string,
    a: Extract<Admission, { send: false }>,
    seen?: string,
  ) => {
    const { messageId } = job.data;
    const mark = `${transport}:${a.since}`;
    if (seen !== mark) {
      await deps.ledger.set(messageId, { breakerWait: mark });
      await deps.ledger.event(messageId, {
        at: Date.now(),
        stage: 'deliver',
        code: 'GW_ERR_BREAKER_OPEN',
        text: `waiting: circuit breaker of transport ${transport} is ${a.state} since ${time(a.since)}; attempts are not spent / 熔断器已打开，报文等待，不计重试次数`,
      });
    }
    const { openForMs } = breakers.settingsOf(transport);
    // While one probe runs, look again soon rather than a whole open period later.
    const base =
      a.state === 'open' ? a.until : Math.min(a.until, Date.now() + Math.max(250, openForMs / 5));
    await waitUntil(
      job,
      token,
      base + Math.floor(Math.random() * Math.min(1000, openForMs / 10 + 1)),
    );
  };

  return async (job: Job<MessageJob>, token?: string): Promise<void> => {
    const { messageId, replay } = job.data;
    const rec = await deps.ledger.get(messageId);
    if (!rec?.deliverRef || !rec.businessKey) return;
    if (replay) {
      if ((rec.replaysDone ?? 0) >= replay) return;
    } else if (rec.deliveredAt) {
      // Its own marker, not the status: receipts from the feed can move the status past 'sent'
      // before a re-run of this job (after a crash) has queued the send's own response.
      return;
    }
    const ch = channelOf(deps, rec.channel);
    const claim = await control.claim(messageId, ch.name, job.id!);
    if (claim === 'cancelled' || claim === 'missing') return; // cancelled by an operator
    if (claim === 'held') {
      await waitUntil(job, token, Date.now() + PARK_RECHECK_MS);
      // A release between the claim and the move could not wake a job that was still active.
      if (!(await control.isHeld(messageId, ch.name))) await job.promote().catch(() => {});
      throw new DelayedError();
    }
    const admission = await breakers.admit(ch.transport);
    if (!admission.send) {
      await deps.ledger.endSend(messageId);
      await waitForBreaker(job, token, ch.transport, admission, rec.breakerWait);
      throw new DelayedError();
    }

    const transport = deps.transports.get(ch.transport)!;
    const log = deps.log.child({
      messageId,
      stage: 'deliver',
      attempt: job.attemptsMade + 1,
      ...(replay ? { replay } : {}),
    });
    try {
      const attachments = await attachmentsOf(deps, rec.docRef, transport);
      const ack = await transport.send(
        {
          messageId,
          businessKey: rec.businessKey,
          messageType: rec.messageType ?? ch.messageType,
          fileName: rec.sourceName,
          bytes: await deps.spool.get(rec.deliverRef),
          module: ch.module,
          ...(attachments ? { attachments } : {}),
        },
        // A replay is a deliberate second send: its own key, so an idempotent receiver takes it.
        {
          idempotencyKey: replay
            ? `${ch.name}:${rec.businessKey}:replay-${replay}`
            : `${ch.name}:${rec.businessKey}`,
          ...(replay ? { replay } : {}),
        },
      );
      for (const key of ack.correlationKeys ?? [])
        await deps.ledger.bindKey(BUSINESS_KEY_INDEX, key, messageId);
      if (ack.warning) {
        log.warn(
          { transport: transport.name, warning: ack.warning },
          'sent, with a warning / 已发送，但有警告',
        );
        await deps.ledger.event(messageId, { at: Date.now(), stage: 'deliver', text: ack.warning });
      }
      const before = await breakers.answered(ch.transport);
      if (before !== 'closed') {
        await deps.ledger.event(messageId, {
          at: Date.now(),
          stage: 'deliver',
          text: `circuit breaker of transport ${ch.transport} closed: the endpoint answered${admission.probe ? ' the probe' : ''} / 熔断器已关闭`,
        });
      }
      if (ack.receipt)
        await queueReceipt(
          deps,
          ack.receipt,
          transport.name,
          `${rec.sourceName}.response`,
          messageId,
        );
      if (replay) {
        await deps.ledger.set(messageId, { replaysDone: replay });
        await deps.ledger.endSend(messageId);
        await deps.ledger.event(messageId, {
          at: Date.now(),
          stage: 'deliver',
          text: `replay #${replay} sent via ${transport.name}: ${ack.reference} / 重放已发送`,
        });
        log.info('replayed / 已重放');
        return;
      }
      await deps.ledger.set(messageId, { deliveredAt: Date.now() });
      await deps.receiptSla.expect(messageId, Date.now() + ch.receiptSlaMs);
      await deps.ledger.advance(messageId, 'sent', {
        stage: 'deliver',
        text: `delivered via ${transport.name}: ${ack.reference} (attempt ${job.attemptsMade + 1})`,
        refs: { delivered: rec.deliverRef },
      });
      log.info('delivered / 已发送');
    } catch (err) {
      await deps.ledger.endSend(messageId);
      const gwErr = toGatewayError(err);
      const attemptsMade = job.attemptsMade + 1;
      if (!gwErr.transient) {
        await breakers.answered(ch.transport); // the endpoint answered: it refused this message
        if (replay) return void (await replayFailed(deps, messageId, replay, gwErr));
        await failMessage(deps, messageId, gwErr, 'failed', 'deliver');
        return;
      }
      const b = await breakers.failure(ch.transport, gwErr.message);
      if (b.opened) {
        const { openForMs } = breakers.settingsOf(ch.transport);
        await deps.ledger.event(messageId, {
          at: Date.now(),
          stage: 'deliver',
          code: 'GW_ERR_BREAKER_OPEN',
          text: `circuit breaker of transport ${ch.transport} opened after ${b.failures} consecutive transient failure(s); sends pause for ${openForMs} ms / 连续失败，熔断器打开`,
        });
        log.warn(
          { transport: ch.transport, failures: b.failures },
          'circuit breaker opened / 熔断器打开',
        );
      }
      // A replay's age counts from the operator's request, not from the original arrival.
      const age = Date.now() - (replay ? job.timestamp : rec.createdAt);
      if (!mayRetry(deps.config.retry.delaysMs, attemptsMade, age, deps.config.retry.maxAgeMs)) {
        const dead = new GatewayError('GW_ERR_DELIVER_EXHAUSTED', [
          {
            zh: `共尝试 ${attemptsMade} 次，最后错误：${gwErr.details[0]?.zh ?? gwErr.code}`,
            en: `${attemptsMade} attempts; last error: ${gwErr.message}`,
          },
        ]);
        if (replay) return void (await replayFailed(deps, messageId, replay, dead));
        await failMessage(deps, messageId, dead, 'dead', 'deliver');
        return;
      }
      await deps.ledger.event(messageId, {
        at: Date.now(),
        stage: 'deliver',
        text: `attempt ${attemptsMade} failed: ${gwErr.message}`,
        code: gwErr.code,
        refs: { delivered: rec.deliverRef },
      });
      log.warn({ code: gwErr.code }, 'delivery failed, will retry / 发送失败，稍后重试');
      if (!job.priority) await job.changePriority({ priority: BACKLOG_PRIORITY });
      throw gwErr;
    }
  };
}

/** A replay that did not go out: the message itself was delivered before, so only the timeline says so. */
async function replayFailed(
  deps: DeliverDeps,
  messageId: string,
  n: number,
  err: GatewayError,
): Promise<void> {
  await deps.ledger.set(messageId, { replaysDone: n });
  await deps.ledger.event(messageId, {
    at: Date.now(),
    stage: 'deliver',
    text: `replay #${n} not sent: ${err.message} / 重放未发送`,
    code: err.code,
  });
}

/**
 * The attachments (随附单据) of a message whose document is a bundle; undefined for a plain one.
 * A route that cannot carry them refuses the message instead of sending it without them.
 */
async function attachmentsOf(
  deps: DeliverDeps,
  docRef: SpoolRef,
  transport: Transport,
): Promise<readonly BundleFile[] | undefined> {
  const doc = await deps.spool.get(docRef);
  if (!isBundle(doc)) return undefined;
  const { attachments } = await unpackBundle(doc);
  if (attachments.length > 0 && !transport.carriesAttachments) {
    throw new GatewayError('GW_ERR_EDOC_PACKAGE', {
      where: transport.name,
      rule: 'route-attachments',
      zh: `此报文带有 ${attachments.length} 个随附单据文件，传输 ${transport.name} 无法携带`,
      en: `the message has ${attachments.length} attached files, which transport ${transport.name} cannot carry`,
      fixZh: '随附单据经单一窗口客户端（sw-client 传输）发送',
      fixEn:
        'send declarations with attachments through the Single Window client (a sw-client transport)',
    });
  }
  return attachments;
}
