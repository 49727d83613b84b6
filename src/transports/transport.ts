import type { Closable } from '../core/lifecycle.js';

/** A signed message ready to go out. */
export interface OutboundMessage {
  readonly messageId: string;
  /** The correlation key customs uses (ClientSeqNo...), stable across resends. */
  readonly businessKey: string;
  readonly messageType: string;
  readonly fileName: string;
  readonly bytes: Buffer;
  /** The channel's customs-side module (Single Window client FormId, e.g. DECCUS001), when it names one. */
  readonly module?: string | undefined;
  /**
   * Files that came with the document (随附单据, see core/document-bundle.ts), by file name. A
   * transport that cannot carry them refuses the message (GW_ERR_EDOC_PACKAGE) rather than drop them.
   */
  readonly attachments?: readonly { readonly name: string; readonly bytes: Buffer }[] | undefined;
}

export interface SendOptions {
  readonly idempotencyKey: string;
  readonly signal?: AbortSignal;
  /** An operator's deliberate resend (eport replay), numbered from 1: not the same send again. */
  readonly replay?: number;
}

export interface DeliveryAck {
  /** Free-form transport reference (HTTP status, remote id), for the ledger. */
  readonly reference: string;
  /** A receipt returned in the same exchange (e.g. an import response as the HTTP response body). */
  readonly receipt?: Buffer;
  /**
   * Further keys the far side will answer with (e.g. the file stem a relay client echoes in its
   * response names); the deliver stage binds them to the message for correlation.
   */
  readonly correlationKeys?: readonly string[];
  /**
   * Something the operator must hear about a send that nonetheless went through (e.g. a 2xx whose
   * response body, the import receipt, could not be read); logged and recorded in the ledger.
   */
  readonly warning?: string;
}

/**
 * The customs side: HTTP, SFTP, folder relay, AMQP.
 *
 * Contract: one attempt per call (at most one connection attempt); the queue owns retries.
 * Throws GatewayError: transient (network, timeout, 5xx, 429) or permanent (a 4xx that says so).
 * A transient error may carry `retryAfterMs` when the remote side asked for a delay.
 */
export interface Transport extends Closable {
  readonly name: string;
  /** True when the route can carry a message's attachments (随附单据); others refuse such messages. */
  readonly carriesAttachments?: boolean;
  send(message: OutboundMessage, options: SendOptions): Promise<DeliveryAck>;
}
