/**
 * Where receipts go back to the enterprise: an outbox folder, an SFTP outbox, the polling API.
 *
 * Contract: `write` is atomic (readers never see a partial file) and idempotent by name and
 * content: writing the same name with the same bytes again changes nothing.
 */
export interface ReceiptSink {
  readonly name: string;
  write(dir: string, fileName: string, bytes: Buffer): Promise<'written' | 'unchanged'>;
}
