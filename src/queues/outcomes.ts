import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { GatewayError, ERRORS } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-file.js';
import { jobIdFor } from '../core/ids.js';
import { renderGatewayReceiptAs, type GatewayReceipt } from '../receipts/gateway-receipt.js';
import { isNegativeStatus } from '../receipts/status.js';
import { channelOf, type DepsOf } from './deps.js';
import { isInside, moveUnique } from '../core/archive.js';
import { companionOf, moveCompanion } from '../core/archive-companion.js';
import { isBundle, unpackBundle } from '../core/document-bundle.js';

/** How long one move to failed/ may hold the archive lease before another caller may take it. */
const ARCHIVE_LEASE_MS = 10_000;

/** What issuing a gateway receipt needs. */
export type GatewayReceiptDeps = DepsOf<'channels' | 'spool' | 'ledger' | 'queues'>;

/** What moving a source file to failed/ needs. */
export type ArchiveDeps = DepsOf<'archiveLeases' | 'ledger' | 'channels' | 'spool'>;

/** What ending a message as failed or dead needs. */
export type FailDeps = GatewayReceiptDeps & ArchiveDeps & DepsOf<'log'>;

/** Queues a receipt the gateway itself issues; idempotent per (message, kind, code). */
export async function emitGatewayReceipt(
  deps: GatewayReceiptDeps,
  receipt: GatewayReceipt,
): Promise<void> {
  const format = channelOf(deps, receipt.channel).gatewayReceipts;
  const ref = await deps.spool.put(renderGatewayReceiptAs(receipt, format));
  const { seq } = await deps.ledger.receiptSeq(
    receipt.messageId,
    `gw:${receipt.kind}:${receipt.code}:${receipt.sourceFile}`,
  );
  await deps.queues.add('writeback', jobIdFor(receipt.messageId, 'writeback', String(seq)), {
    messageId: receipt.messageId,
    receiptRef: ref,
    kind: receipt.kind,
    seq,
    sourceName: receipt.sourceFile,
    ext: format,
  });
}

/**
 * Ends a message on a permanent error or after its retries: status, a negative receipt in the
 * outbox (like a mail bounce), and the source file moved to the channel's failed folder.
 */
export async function failMessage(
  deps: FailDeps,
  messageId: string,
  err: GatewayError,
  status: 'failed' | 'dead',
  stage: string,
): Promise<void> {
  const rec = await deps.ledger.get(messageId);
  if (!rec) throw new Error(`no ledger record ${messageId}`);
  const final = await deps.ledger.advance(messageId, status, {
    stage,
    text: err.message,
    code: err.code,
  });
  if (final !== status) {
    // A customs receipt got there first (e.g. a timed-out send that did arrive): not a failure.
    deps.log.info(
      { messageId, stage, status: final },
      'failure ignored: the message already reached customs / 报文已送达，忽略失败',
    );
    return;
  }
  await deps.ledger.set(messageId, { errorCode: err.code });
  const entry = ERRORS[err.code];
  await emitGatewayReceipt(deps, {
    kind: status === 'dead' ? 'dead' : 'error',
    messageId,
    channel: rec.channel,
    sourceFile: rec.sourceName,
    status: final,
    code: err.code,
    errorClass: err.kind,
    zh: entry.zh,
    en: entry.en,
    details: err.details,
    time: new Date(),
  });
  await archiveToFailed(deps, messageId);
  deps.log.warn(
    { messageId, code: err.code, stage, status: final },
    `message ${status} / 报文处理失败: ${entry.zh}`,
  );
}

/**
 * Moves the message's source file from sent/ to failed/. Both the failing stage and the intake
 * (which archives the file after queueing it) call this after writing their own state, so one of
 * them always sees the other's write; a short lease (owned by this call, released only if still
 * its own) keeps the two from moving it twice.
 */
export async function archiveToFailed(deps: ArchiveDeps, messageId: string): Promise<void> {
  const lease = deps.archiveLeases(messageId, ARCHIVE_LEASE_MS);
  if (!(await lease.holds())) return;
  try {
    const rec = await deps.ledger.get(messageId);
    if (!rec?.archivedAs || !isNegativeStatus(rec.status)) return;
    const ch = channelOf(deps, rec.channel);
    if (isInside(rec.archivedAs, ch.failed)) return;
    const exists = await access(rec.archivedAs).then(
      () => true,
      () => false,
    );
    let target: string;
    if (exists) {
      target = await moveUnique(rec.archivedAs, ch.failed, rec.sourceName);
      // Its attachments (随附单据) go with it.
      await moveCompanion(companionOf(rec.archivedAs), target);
    } else {
      // The operator removed it from sent/: restore the original bytes from the spool.
      target = join(ch.failed, rec.sourceName);
      await restoreDocument(target, await deps.spool.get(rec.docRef));
    }
    await deps.ledger.set(messageId, { archivedAs: target });
  } finally {
    await lease.release();
  }
}

/** Writes a document back as it was dropped: a bundle as the declaration plus its attachment folder. */
async function restoreDocument(target: string, bytes: Buffer): Promise<void> {
  if (!isBundle(bytes)) return writeFileAtomic(target, bytes);
  const bundle = await unpackBundle(bytes);
  const dir = companionOf(target);
  for (const f of bundle.attachments) await writeFileAtomic(join(dir, f.name), f.bytes);
  if (bundle.manifest) await writeFileAtomic(join(dir, 'edoc.json'), bundle.manifest.bytes);
  await writeFileAtomic(target, bundle.document.bytes);
}
