/** What a write did: wrote the file, found it already there, or found another file under the name. */
export type SinkResult = 'written' | 'unchanged' | 'taken';

/**
 * Where receipts go back to the enterprise: an outbox folder, an SFTP outbox, the polling API.
 *
 * Contract: `write` is atomic (readers never see a partial file) and idempotent by name and
 * content: writing the same name with the same bytes again changes nothing ('unchanged'). A file
 * of other content under the name is never replaced: the write reports 'taken' and does nothing.
 */
export interface ReceiptSink {
  readonly name: string;
  write(dir: string, fileName: string, bytes: Buffer): Promise<SinkResult>;
}
