import { join } from 'node:path';
import { ArchiveStore } from '../records/archive-store.js';

/** What the archive still knows of a message that is no longer in Redis. */
export interface ArchivedMessage {
  readonly messageId: string;
  readonly channel: string;
  readonly sourceName: string;
  /** When its first archived document was archived (ISO). */
  readonly at: string;
  readonly documents: number;
}

/**
 * For an id, file name or business key the ledger does not know: the archived message it names, if
 * any (a finished message expired from Redis after `retention.finished`; see retention.ts). Reads
 * the daily archives of this node's data directory, so it is for the not-found path only.
 */
export async function findArchivedMessage(
  dataDir: string,
  key: string,
): Promise<ArchivedMessage | undefined> {
  const found = await new ArchiveStore(join(dataDir, 'archive')).find(key).catch(() => []);
  const first = found.find((r) => !r.partOf || r.messageId === key) ?? found[0];
  if (!first) return undefined;
  return {
    messageId: first.messageId,
    channel: first.channel,
    sourceName: first.sourceName,
    at: first.at,
    documents: found.filter((r) => r.messageId === first.messageId).length,
  };
}

/** The operator's sentence for an expired message, in both languages. */
export function expiredText(m: ArchivedMessage): { zh: string; en: string } {
  return {
    zh: `报文 ${m.messageId}（${m.sourceName}）已从实时库（Redis）过期清除；记录保存在归档中，请用 eport archive find ${m.messageId} 或 eport audit 查询`,
    en: `message ${m.messageId} (${m.sourceName}) expired from the live store (Redis); see the archive: eport archive find ${m.messageId}, or the audit log (eport audit)`,
  };
}
