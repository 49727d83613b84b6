/**
 * The notice codes, the catalogue's second table (the error codes are in error-catalogue.ts;
 * errors.ts re-exports both).
 */

interface NoticeEntry {
  readonly zh: string;
  readonly en: string;
}

/**
 * Codes that are not failures: what the gateway tells the ERP or the operator about a message
 * that is fine (a duplicate it did not send again, an operator's cancel, a receipt overdue). They
 * travel in gateway receipts and ledger events next to the error codes; no code is in both tables
 * and no code is ever reused for another meaning.
 */
export const NOTICES = {
  GW_DUPLICATE: {
    zh: '重复文件：与已接收的文件相同，未再次发送',
    en: 'duplicate: identical to a file already received, not sent again',
  },
  GW_CANCELLED: { zh: '操作员已在发送前撤销', en: 'cancelled by the operator before sending' },
  GW_ALERT_NO_RECEIPT: {
    zh: '在通道的回执时限（receiptSlaMs）内未收到海关回执',
    en: 'no customs receipt within the channel SLA (receiptSlaMs)',
  },
} as const satisfies Record<string, NoticeEntry>;

export type NoticeCode = keyof typeof NOTICES;
