import { renderCsvReceipt } from './csv-form.js';
import { renderJsonReceipt } from './json-form.js';
import { mappedExtension, renderMappedReceipt } from './mapped-form.js';
import { loadReceiptMapping, type ReceiptMapping } from './receipt-mapping.js';
import { receiptView, type ReceiptContext } from './receipt-view.js';

/**
 * The receipt forms: `xml` the receipt as it came (customs XML, or the gateway's own receipt),
 * `json` and `csv` rendered from the receipt view, `mapping` the channel's receipt mapping.
 */
export const RECEIPT_FORMS = ['xml', 'json', 'csv', 'mapping'] as const;
export type ReceiptFormName = (typeof RECEIPT_FORMS)[number];

export interface RenderedReceipt {
  readonly bytes: Buffer;
  /** File extension without the dot. */
  readonly ext: string;
  readonly contentType: string;
}

/** A channel's receipt settings, as the configuration gives them. */
export interface ChannelReceiptForm {
  readonly name: string;
  readonly receiptForm: ReceiptFormName;
  readonly receiptMapping?: string | undefined;
}

const CHARSET: Record<string, string> = { 'UTF-8': 'utf-8', GBK: 'gbk', GB18030: 'gb18030' };
const MEDIA: Record<string, string> = {
  csv: 'text/csv',
  xml: 'application/xml',
  json: 'application/json',
};

/**
 * Every channel's receipt form, with receipt mappings read and checked once at start: a bad
 * mapping stops the gateway with GW_ERR_MAPPING_CONFIG instead of failing receipt by receipt.
 */
export class ReceiptForms {
  private readonly forms = new Map<string, ReceiptFormName>();
  private readonly mappings = new Map<string, ReceiptMapping>();

  constructor(channels: readonly ChannelReceiptForm[]) {
    for (const ch of channels) {
      this.forms.set(ch.name, ch.receiptForm);
      if (ch.receiptMapping) this.mappings.set(ch.name, loadReceiptMapping(ch.receiptMapping));
    }
  }

  /** The form of the channel's outbox files. */
  formOf(channel: string): ReceiptFormName {
    return this.forms.get(channel) ?? 'xml';
  }

  hasMapping(channel: string): boolean {
    return this.mappings.has(channel);
  }

  /**
   * The receipt in a form. `original` and `originalExt` are the receipt as stored (customs XML,
   * or a gateway receipt in XML or JSON); the other forms go through the receipt view.
   */
  render(
    channel: string,
    form: ReceiptFormName,
    original: Buffer,
    originalExt: string,
    ctx: ReceiptContext,
  ): RenderedReceipt {
    if (form === 'xml')
      return {
        bytes: original,
        ext: originalExt,
        contentType: originalExt === 'json' ? 'application/json' : 'application/xml',
      };
    const view = receiptView(original, `receipt.${originalExt}`, ctx);
    if (form === 'json')
      return {
        bytes: renderJsonReceipt(view),
        ext: 'json',
        contentType: 'application/json; charset=utf-8',
      };
    if (form === 'csv')
      return { bytes: renderCsvReceipt(view), ext: 'csv', contentType: 'text/csv; charset=utf-8' };
    const m = this.mappings.get(channel);
    if (!m) throw new RangeError(`channel ${channel} has no receipt mapping`);
    return {
      bytes: renderMappedReceipt(m, view),
      ext: mappedExtension(m),
      contentType: `${MEDIA[m.format]}; charset=${CHARSET[m.encoding]}`,
    };
  }
}
