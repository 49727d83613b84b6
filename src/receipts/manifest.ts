import type { ParsedReceipt } from './receipt.js';
import { toReceipt, type RawRecord } from './record.js';
import { children, child, firstText, path, type XNode } from '../core/xml-tree.js';

/** The customs response to a 舱单 message: `Manifest` whose Head/MessageType is MT9999. */
export function isMt9999(node: XNode): boolean {
  return firstText(child(node, 'Head'), 'MessageType') === 'MT9999';
}

/**
 * Reads an MT9999: one record per Consignment, keyed by its bill number (提运单号), which is what
 * ties a manifest response to the manifest that listed the bill.
 */
export function readMt9999(node: XNode): ParsedReceipt {
  const response = child(node, 'Response');
  const sendTime = firstText(child(node, 'Head'), 'SendTime');
  const raws: RawRecord[] = children(response, 'Consignment').map((c) => {
    const type = child(c, 'ResponseType');
    return {
      keys: { billNo: firstText(path(c, 'TransportContractDocument'), 'ID') },
      code: firstText(type, 'Code'),
      text: firstText(type, 'Text'),
      noticeTime: sendTime,
    };
  });
  return toReceipt('manifest', 'mt9999', 'MT9999', raws);
}
