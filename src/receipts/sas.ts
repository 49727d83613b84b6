/** 金二 (SAS/NPTS/NEMS) receipts: the client's CommonResponeMessage and `Package` receipts. */
import type { ParsedReceipt } from './receipt.js';
import { toReceipt } from './record.js';
import {
  child,
  childNames,
  children,
  deepText,
  firstText,
  path,
  text,
  type XNode,
} from '../core/xml-tree.js';

/** Both spellings: the client writes `CommonResponeMessage` (sic); accept the correct one too. */
export const SAS_RESPONSE_ROOTS: ReadonlySet<string> = new Set([
  'CommonResponeMessage',
  'CommonResponseMessage',
]);

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
  const data =
    child(child(pkg, 'DataInfo'), 'BussinessData') ?? child(child(pkg, 'DataInfo'), 'BusinessData');
  if (messageType) {
    const named = child(data, messageType);
    if (named !== undefined) return named;
  }
  // Fall back to whichever child holds an HdeApprResult (or a SAS200 MsgReceResult).
  return childNames(data)
    .flatMap((n) => children(data, n))
    .find(
      (n) => child(n, 'HdeApprResult') !== undefined || child(n, 'MsgReceResult') !== undefined,
    );
}

/** The receipt's own words: rmk, then every CheckInfo/note (0..n in the SAS2xx XSDs). */
function wordsOf(rmk: string | undefined, body: XNode | undefined): string {
  const notes = children(body, 'CheckInfo').map((c) => text(c, 'note') ?? deepText(c) ?? '');
  return [rmk ?? '', ...notes].filter((x) => x.trim() !== '').join('; ');
}

/**
 * SAS200 子报文入库回执 `MsgReceResult{resutType (sic), etpsPreentNo, pocketId, …, bizNo, manageResult}`:
 * the part arrived and was stored. Its pocketId is the pocket_id (= message_id) we sent, which
 * correlates it even before any number is known. What its codes mean is not sourced: it records
 * the event and claims no progress (code left empty), the codes quoted in the text.
 */
function readMsgReceResult(type: string, body: XNode | undefined): ParsedReceipt {
  const r = child(body, 'MsgReceResult');
  const codes = `回执类型 resutType ${text(r, 'resutType') ?? ''}，处理结果 manageResult ${text(r, 'manageResult') ?? ''}`;
  return toReceipt('sas', 'sas-receipt', type, [
    {
      keys: {
        seqNo: text(r, 'etpsPreentNo'),
        businessId: text(r, 'bizNo'),
        pocketId: text(r, 'pocketId'),
      },
      code: '',
      text: `子报文入库回执（${codes}）${text(r, 'rmk') ? `：${text(r, 'rmk')}` : ''}`,
      noticeTime: text(r, 'manageDate'),
    },
  ]);
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
  const type = messageType ?? 'Package';
  if (child(body, 'MsgReceResult') !== undefined) return readMsgReceResult(type, body);
  const appr = child(body, 'HdeApprResult');
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
      text: wordsOf(text(appr, 'rmk'), body),
      noticeTime: text(appr, 'manageDate'),
    },
  ]);
}

/** The signed outbound shape `Signature/Object/Package`, in case a receipt arrives that way. */
export function packageInSignature(node: XNode): XNode | undefined {
  return path(node, 'Object', 'Package');
}
