/** The standard customs message a translator made from a document. */
export interface StandardMessage {
  /** Root element name, e.g. DecMessage. */
  readonly messageType: string;
  /** The message as UTF-8 XML text (declaration included), unsigned. */
  readonly xml: string;
  /** The correlation key customs receipts carry back (ClientSeqNo for 报关单). */
  readonly businessKey: string;
}

export interface TranslateContext {
  readonly channel: string;
  readonly fileName: string;
}

/**
 * Enterprise document -> standard message. Pure: no I/O beyond what `ctx` gives.
 * Throws GatewayError (permanent) listing every problem found, each with where and how to fix.
 */
export interface Translator {
  readonly name: string;
  translate(bytes: Buffer, ctx: TranslateContext): StandardMessage;
}
