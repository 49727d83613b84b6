/** Receipts: classify what customs sends back, and move a message's status forward. */
export type {
  ParsedReceipt,
  ReceiptEnvelope,
  ReceiptFamily,
  ReceiptKeys,
  ReceiptKind,
  ReceiptRecord,
} from './receipt.js';
export { parseReceipt } from './parse.js';
export {
  GATEWAY_STATUSES,
  NEGATIVE_STATUSES,
  PROGRESS_STATUSES,
  foldStatus,
  isGatewayStatus,
  isNegativeStatus,
  isTerminal,
  nextStatus,
  statusRank,
  type GatewayStatus,
  type NegativeStatus,
  type ProgressStatus,
} from './status.js';
export {
  CEB_RETURN_CODES,
  CHANNEL_CODES,
  channelStatus,
  codeInfo,
  describeCode,
  type CodeInfo,
  type CodeLabel,
} from './codes.js';
export {
  MAX_STEM_BYTES,
  MAX_STEM_CHARS,
  receiptFileName,
  responseSourceStem,
  sanitizeStem,
  stemOf,
  type ReceiptFileNameParts,
} from './naming.js';
