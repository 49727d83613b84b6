import type { ReceiptView } from './receipt-view.js';

/** The JSON receipt form: the receipt view, pretty-printed UTF-8. */
export function renderJsonReceipt(v: ReceiptView): Buffer {
  return Buffer.from(`${JSON.stringify(v, null, 2)}\n`, 'utf8');
}
