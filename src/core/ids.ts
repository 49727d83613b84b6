import { createHash, randomUUID } from 'node:crypto';

/** Hex SHA-256 of bytes. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The message id: channel + content hash. A re-drop of the same bytes on the same channel, or a
 * restart halfway through, always maps to the same id, so it can never become a second message.
 */
export function messageIdFor(channel: string, content: Uint8Array): string {
  return createHash('sha256')
    .update(channel)
    .update('\0')
    .update(content)
    .digest('hex')
    .slice(0, 32);
}

/** BullMQ job id of one stage of one message (BullMQ refuses ':' in custom ids). */
export function jobIdFor(messageId: string, stage: string, extra?: string): string {
  return extra ? `${stage}-${messageId}-${extra}` : `${stage}-${messageId}`;
}

export function newUuidUpper(): string {
  return randomUUID().toUpperCase();
}
