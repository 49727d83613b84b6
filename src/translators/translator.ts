import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../core/input-limits.js';
import { guardInput } from './source/input-guard.js';
import { documentBytes, isBundle } from '../core/document-bundle.js';

/** The standard customs message a translator made from a document. */
export interface StandardMessage {
  /** Root element name, e.g. DecMessage. */
  readonly messageType: string;
  /** The message as UTF-8 XML text (declaration included), unsigned. */
  readonly xml: string;
  /** The correlation key customs receipts carry back (ClientSeqNo for 报关单). */
  readonly businessKey: string;
  /**
   * Further keys receipts may carry instead, e.g. `bill:<提运单号>` for each bill of a manifest
   * (MT9999 answers per bill). Not unique: a later message listing the same bill takes it over.
   */
  readonly correlationKeys?: readonly string[];
  /** For a 修撤单: the sent declaration it modifies or withdraws. */
  readonly amends?: { readonly messageId: string; readonly type: 'modify' | 'withdraw' };
}

/** A message the gateway sent, as its ledger record and spool know it (for 修撤单). */
export interface SentMessage {
  readonly messageId: string;
  /** The standard XML the gateway built (unsigned). */
  readonly xml: string;
  readonly clientSeqNo: string;
  /** 统一编号 from the receipts, when one came. */
  readonly seqNo?: string;
  /** 报关单号 (海关编号) from the receipts, when one came. */
  readonly entryId?: string;
}

export interface TranslateContext {
  readonly channel: string;
  readonly fileName: string;
  /**
   * Finds a message the gateway sent by ClientSeqNo, 统一编号 or message id. Given by the pipeline
   * (ledger + spool); only the 修撤单 translator needs it.
   */
  readonly findSent?: (ref: string) => Promise<SentMessage | undefined>;
}

/**
 * Enterprise document -> standard messages. Pure: no I/O beyond what `ctx` gives. Rejects with a
 * GatewayError (permanent) listing every problem found, each with where and how to fix.
 *
 * One input may yield several messages (a 报关单 holds at most 50 items, so a larger input is split
 * into linked declarations, ClientSeqNo `<base>-1`, `-2`, …), and some readers are asynchronous
 * (exceljs loads .xlsx with promises), hence one asynchronous method returning a list.
 */
export interface Translator {
  readonly name: string;
  translate(bytes: Buffer, ctx: TranslateContext): Promise<readonly StandardMessage[]>;
}

/**
 * The messages a translator makes of one input, after checking the raw bytes against the input
 * limits (see source/input-guard.ts). The pipeline's translate stage and the CLI call this.
 */
export async function translateAll(
  translator: Translator,
  bytes: Buffer,
  ctx: TranslateContext,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): Promise<readonly StandardMessage[]> {
  // A bundle (declaration + attachments) is guarded by its declaration; the intake bounds the files.
  guardInput(isBundle(bytes) ? await documentBytes(bytes) : bytes, ctx.fileName, limits);
  return translator.translate(bytes, ctx);
}
