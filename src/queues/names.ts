import type { SpoolRef } from '../core/spool.js';

/** The pipeline stages; each is one BullMQ queue. */
export const STAGES = ['translate', 'sign', 'deliver', 'receipt', 'writeback'] as const;
export type Stage = (typeof STAGES)[number];

/** Job data: ids and spool references only; never payloads, PINs or keys. */
export interface MessageJob {
  readonly messageId: string;
  /** Deliver only: the number of an operator's replay of a delivered message. */
  readonly replay?: number;
}

/** One arrived receipt: spooled, not parsed yet. */
export interface ArrivedReceipt {
  readonly receiptRef: SpoolRef;
  readonly source: string;
  readonly fileName: string;
  /** The message a receipt answers when it came back in the same exchange as its send (HTTP response body). */
  readonly forMessage?: string;
}

/**
 * Receipts that arrived together (a feed page), processed by one job. A job queued before
 * receipts were batched carries one receipt's fields at the top level.
 */
export type ReceiptJob =
  | {
      readonly receipts: readonly ArrivedReceipt[];
      /** The ordered feed the page came from: pages of one lane are applied in order (receipt-lane.ts). */
      readonly lane?: string;
    }
  | ArrivedReceipt;

export interface WritebackJob {
  readonly messageId: string;
  readonly receiptRef: SpoolRef;
  /** Kebab-case receipt kind for the file name, e.g. import-response, dec-result, error. */
  readonly kind: string;
  readonly seq: number;
  /** The file the receipt answers, when not the message's own source (a duplicate drop). */
  readonly sourceName?: string;
  /** File extension; default xml. */
  readonly ext?: string;
  /** The receipt reports a failure (names `Failed_…` in the client layout). */
  readonly negative?: boolean;
}

export interface StageJobData {
  translate: MessageJob;
  sign: MessageJob;
  deliver: MessageJob;
  receipt: ReceiptJob;
  writeback: WritebackJob;
}
