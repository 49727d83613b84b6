import type { GatewayStatus } from './status.js';

export type { GatewayStatus } from './status.js';

/** Which customs system a receipt came from. */
export type ReceiptFamily =
  'dec' | 'dec-mod' | 'ceb' | 'sas' | 'dxp-rep' | 'manifest' | 'acd' | 'sw-client' | 'unknown';

/**
 * What kind of receipt it is, stable and kebab-case because it goes into outbox file names:
 * - `import-response` — 报关单 `DecImportResponse` (client import result)
 * - `dec-result` — 报关单 business receipt `DEC_RESULT` (new) or `DEC_DATA/DEC_RESULT` (old)
 * - `trn-result` — 转关 business receipt `TRN_RESULT` (PROC_RESULT codes unknown: moves no status)
 * - `ceb-return` — 跨境电商 `CEBnnnMessage` carrying `…Return` records
 * - `ceb900` — 跨境电商 format-check receipt `CEB900Message/MessageReturn`
 * - `sas-response` — 金二 client import result `CommonResponeMessage` (sic)
 * - `sas-receipt` — 金二 business receipt `Package` (INV201, SAS221, …)
 * - `dxp-rep` — DXP platform response `DxpRep`
 * - `hz-approval` — 修撤单 business receipt `HzApprovalResult` (in a DxpMsg), one verdict
 * - `mt9999` — 舱单 response `Manifest` MT9999 (回执 / 指令通知), one record per bill
 * - `agr-response` — 代理报关委托 import result `ImportAgrResponse` (imported when ConsignNo is present)
 * - `agr-confirm` — 代理报关委托 counter-party confirmation (`Signature` with CONSIGN_NO, PROC_RESULT)
 * - `client-taken`, `client-refused`, `client-overdue` — what the Single Window client did with a
 *   file in its OutBox (the gateway's own ClientEvent documents)
 * - `unknown` — anything else; still handed back so the gateway can write the file out
 */
export type ReceiptKind =
  | 'import-response'
  | 'dec-result'
  | 'trn-result'
  | 'ceb-return'
  | 'ceb900'
  | 'sas-response'
  | 'sas-receipt'
  | 'dxp-rep'
  | 'mt9999'
  | 'agr-response'
  | 'agr-confirm'
  | 'hz-approval'
  | 'client-taken'
  | 'client-refused'
  | 'client-overdue'
  | 'unknown';

/**
 * Business numbers that tie a receipt to the message it answers. Only what the receipt carries
 * is set; empty elements are left out.
 */
export interface ReceiptKeys {
  /** 报关单 ClientSeqNo / old CLIENTSEQ_NO: the enterprise's own number, echoed back. */
  readonly clientSeqNo?: string;
  /** 18-char 统一编号 / 预录入统一编号 (DEC SeqNo, CUS_CIQ_NO, SEQ_NO; 金二 SeqNo). */
  readonly seqNo?: string;
  /** 海关编号 (DEC ENTRY_ID). */
  readonly entryId?: string;
  /** 转关单统一编号 (DecImportResponse TrnPreId, TRN_RESULT SP_TRN_SEQ_NO). */
  readonly trnPreId?: string;
  /** 转关申报单编号 (TRN_RESULT TRANS_DCL_NO). */
  readonly transDclNo?: string;
  /** CEB business guid (the `guid` of the Return record = guid of the declaration head). */
  readonly guid?: string;
  /** CEB 企业内部编号 copNo. */
  readonly copNo?: string;
  /** CEB 电子口岸预录入编号 preNo. */
  readonly preNo?: string;
  /** CEB orderNo. */
  readonly orderNo?: string;
  /** CEB 清单编号 invtNo; 金二 核注清单编号 (INV receipts' businessId). */
  readonly invtNo?: string;
  /** CEB logisticsNo. */
  readonly logisticsNo?: string;
  /** 金二 企业内部编号 (CommonResponeMessage EtpsPreentNo, INV201 etpsInnerInvtNo). */
  readonly etpsPreentNo?: string;
  /** 金二 业务编号 (HdeApprResult businessId: 清单编号, 核放单编号, …). */
  readonly businessId?: string;
  /** 金二 pocket_id of the message we sent (= its message_id), echoed by SAS200 as pocketId. */
  readonly pocketId?: string;
  /** 代理报关委托 委托编号 (ImportAgrResponse ConsignNo, confirmation CONSIGN_NO). */
  readonly consignNo?: string;
  /** 舱单 提运单号 (MT9999 Consignment/TransportContractDocument/ID). */
  readonly billNo?: string;
  /** 修撤单统一编号 (HzApprovalResult DestResourceId). */
  readonly decModSeqNo?: string;
  /** DXP CopMsgId of the message we sent (DxpRep OriHead, CEB900 oriCopMsgId). */
  readonly copMsgId?: string;
  /**
   * The stem of the file the legacy system dropped, recovered from a client response name
   * `Successed_{stem}[_{timestamp}].xml` / `Failed_…`.
   */
  readonly sourceStem?: string;
}

/** One status statement inside a receipt. Most receipts carry exactly one. */
export interface ReceiptRecord {
  readonly keys: ReceiptKeys;
  /** ResponseCode, CHANNEL, returnStatus, DealFlag, manageResult, DXP ResponseCode — as written. */
  readonly code: string;
  /** The receipt's own words (ErrorMessage, NOTE, returnInfo, CheckInfo, rmk, ResponseInfo). */
  readonly text: string;
  /** Receipt time as written (NOTICE_DATE, returnTime, manageDate, NoticeTime). */
  readonly noticeTime?: string;
  /** The status this record asks for; feed it to `nextStatus`. 'sent' when the code says nothing. */
  readonly status: GatewayStatus;
  readonly terminal: boolean;
  /** The record reports a failure, rejection, deletion or hold that a person should look at. */
  readonly negative: boolean;
}

/** The DXP envelope a receipt arrived in (the sender's TransInfo, not ours). */
export interface ReceiptEnvelope {
  readonly copMsgId?: string;
  readonly senderId?: string;
  readonly receiverIds: readonly string[];
  readonly msgType?: string;
  readonly createdAt?: string;
  readonly fileName?: string;
  /** AddInfo/BizKey/Key name → value (receipts seen with DealFlag, RetType). */
  readonly bizKeys: Readonly<Record<string, string>>;
}

/** A classified receipt. The top-level record fields describe the first record. */
export interface ParsedReceipt extends ReceiptRecord {
  readonly family: ReceiptFamily;
  readonly kind: ReceiptKind;
  /** Root element local name, or the 金二 message_type (INV201, SAS221, …). */
  readonly messageType: string;
  /** The message type this receipt answers, when it says (CEB900 oriMessageType, DxpRep OriHead/MsgType). */
  readonly originalType?: string;
  /** Present when the receipt came wrapped in a DxpMsg. */
  readonly envelope?: ReceiptEnvelope;
  /** The unwrapped business XML bytes when an envelope was removed (what to write back). */
  readonly payload?: Buffer;
  /**
   * All distinct records, only when there are more than one (a CEB receipt may answer several
   * orders; DxpRep may carry several Responses). Exact duplicates are collapsed.
   */
  readonly records?: readonly ReceiptRecord[];
}
