/**
 * The business receipts of an accepted 报关单: the DEC_RESULT walk through its scenario's steps,
 * and the TRN_RESULT of a transit declaration's 转关单.
 */
import type { DeskState } from './desk-types.js';
import { buildDecResult } from './receipts.js';
import type { ReceiptStep } from './scenario.js';
import { buildTrnResult, type TransitFacts } from './transit.js';

/** What every DEC_RESULT of one declaration repeats. */
export interface DecReceiptFacts {
  seqNo: string;
  entryId: string;
  clientSeqNo: string;
  customMaster: string;
  ieDate: string;
  dDate: string;
}

/** Emits step `i` after stepMs, then the next one, until the plan ends. */
export function walkReceipts(
  d: DeskState,
  steps: readonly ReceiptStep[],
  i: number,
  f: DecReceiptFacts,
): void {
  const step = steps[i];
  if (!step) return;
  d.timers.after(d.settings.stepMs, () => {
    const xml = buildDecResult({
      cusCiqNo: f.seqNo,
      entryId: f.entryId,
      noticeDate: new Date(),
      channel: step.channel,
      note: step.note(f.seqNo),
      customMaster: f.customMaster,
      ieDate: f.ieDate,
      dDate: f.dDate,
      clientSeqNo: f.clientSeqNo,
    });
    const fileName = `Receipt_DEC_${f.seqNo}_${String(i + 1).padStart(2, '0')}_${step.channel}.xml`;
    d.emit(fileName, xml, f.clientSeqNo);
    d.stats.add('receiptsEmitted');
    walkReceipts(d, steps, i + 1, f);
  });
}

/** A transit declaration's 转关单 is answered by one TRN_RESULT after a step. */
export function answerTransit(
  d: DeskState,
  seqNo: string,
  trnPreId: string,
  transit: TransitFacts,
  clientSeqNo: string,
): void {
  d.timers.after(d.settings.stepMs, () => {
    const xml = buildTrnResult({
      cusCiqNo: seqNo,
      spTrnSeqNo: trnPreId,
      transDclNo: transit.turnNo,
      billNo: transit.billNo,
      noticeDate: new Date(),
      procResult: '1',
      note: '转关单已接受（沙箱模拟；处理结果代码表未公开）',
    });
    d.emit(`Receipt_TRN_${trnPreId}.xml`, xml, clientSeqNo);
    d.stats.add('receiptsEmitted');
  });
}
