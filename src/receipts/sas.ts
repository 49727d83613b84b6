/** 金二 (SAS/NPTS/NEMS) receipts: the client's CommonResponeMessage and `Package` receipts. */
import type { ParsedReceipt } from './receipt.js';
import { toReceipt } from './record.js';
import { child, childNames, children, deepText, firstText, path, text, type XNode } from './xml-tree.js';

/** Both spellings: the client writes `CommonResponeMessage` (sic); accept the correct one too. */
export const SAS_RESPONSE_ROOTS: ReadonlySet<string> = new Set(['CommonResponeMessage', 'CommonResponseMessage']);

/** `CommonResponeMessage{SeqNo, EtpsPreentNo, CheckInfo, DealFlag}`: DealFlag 0 成功, -1 失败. */
export function readSasResponse(root: string, node: XNode): ParsedReceipt {
  return toReceipt('sas', 'sas-response', root, [
    {
      keys: {
        seqNo: text(node, 'SeqNo'),
        // Here EtpsPreentNo is the 企业内部编号 (the failed sample quotes it as such).
        etpsPreentNo: text(node, 'EtpsPreentNo'),
      },
      code: text(node, 'DealFlag'),
      text: deepText(child(node, 'CheckInfo')),
    },
  ]);
}

/** The body element of a Package receipt: BussinessData (sic) / <message_type>. */
function businessBody(pkg: XNode, messageType: string | undefined): XNode | undefined {
  const data = child(child(pkg, 'DataInfo'), 'BussinessData') ?? child(child(pkg, 'DataInfo'), 'BusinessData');
  if (messageType) {
    const named = child(data, messageType);
    if (named !== undefined) return named;
  }
  // Fall back to whichever child holds an HdeApprResult.
  return childNames(data)
    .flatMap((n) => children(data, n))
    .find((n) => child(n, 'HdeApprResult') !== undefined);
}

/**
 * A `Package` receipt (INV201, INV202, INV211, SAS221, SAS223, …), routed by
 * `EnvelopInfo/message_type`; the status comes from `HdeApprResult/manageResult`.
 * Returns undefined when the element is not a receipt Package (no EnvelopInfo).
 */
export function readSasPackage(pkg: XNode): ParsedReceipt | undefined {
  const envelope = child(pkg, 'EnvelopInfo');
  if (envelope === undefined) return undefined;
  const messageType = text(envelope, 'message_type');
  const body = businessBody(pkg, messageType);
  const appr = child(body, 'HdeApprResult');
  const type = messageType ?? 'Package';
  // The head block is whatever sibling ends in Bsc (BondInvtBsc, SasPassportBsc, …).
  const head = childNames(body)
    .filter((n) => n.endsWith('Bsc'))
    .map((n) => child(body, n))[0];
  const businessId = text(appr, 'businessId');
  return toReceipt('sas', 'sas-receipt', type, [
    {
      keys: {
        // Despite its name, HdeApprResult/etpsPreentNo holds the 18-digit 预录入统一编号: it equals
        // invtPreentNo / sasPassportPreentNo in the samples and SeqNo in CommonResponeMessage.
        seqNo: text(appr, 'etpsPreentNo'),
        businessId,
        invtNo: type.startsWith('INV') ? businessId : undefined,
        etpsPreentNo: firstText(head, 'etpsInnerInvtNo'),
      },
      code: text(appr, 'manageResult'),
      text: text(appr, 'rmk'),
      noticeTime: text(appr, 'manageDate'),
    },
  ]);
}

/** The signed outbound shape `Signature/Object/Package`, in case a receipt arrives that way. */
export function packageInSignature(node: XNode): XNode | undefined {
  return path(node, 'Object', 'Package');
}
