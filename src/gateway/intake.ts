import type { Closable } from '../core/lifecycle.js';
import type { GatewayError } from '../core/errors.js';

/** A complete document as an intake source found it. */
export interface InboundDocument {
  readonly channel: string;
  /** The file name as the enterprise wrote it (no directories). */
  readonly name: string;
  readonly bytes: Buffer;
}

/** What the pipeline made of a document. */
export type AcceptOutcome =
  | { readonly kind: 'accepted'; readonly messageId: string }
  | { readonly kind: 'duplicate'; readonly messageId: string }
  | { readonly kind: 'rejected'; readonly messageId: string };

export interface IntakeHandler {
  /** Stores the document in the spool, records and enqueues it. Resolves once that is durable. */
  accept(doc: InboundDocument): Promise<AcceptOutcome>;
  /** A file the source refuses before reading it as a document (empty, too large, symlink...). */
  refuse(doc: InboundDocument, error: GatewayError): Promise<AcceptOutcome>;
  /**
   * Where the source archived the file once handled: the path it was moved to is recorded. Pass
   * the outcome's kind: a duplicate's copy is only noted, never recorded as the message's file.
   */
  archived(messageId: string, path: string, kind?: AcceptOutcome['kind']): Promise<void>;
}

/**
 * An intake source (folder, SFTP directory, HTTP upload).
 *
 * Contract: calls `accept` only for complete documents; removes or moves the source only after
 * `accept` resolved; a crash between the two makes it offer the same document again on restart,
 * which the handler maps to the same message (content hash). Closing stops new pick-ups and waits
 * for the one in progress.
 */
export interface IntakeSource extends Closable {
  readonly name: string;
  start(handler: IntakeHandler): Promise<void>;
}
