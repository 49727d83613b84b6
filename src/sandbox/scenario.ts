/**
 * Which business receipts the sandbox walks through after an import, chosen by a marker in
 * `DecHead/NoteS` (备注). Real customs has no such markers; they exist so demos and tests can ask
 * for an inspection or a rejection.
 */

/** Marker asking for 海关退单 (E) after 入库 (L). Takes precedence over the inspection marker. */
export const REJECT_MARKER = 'SANDBOX:REJECT';
/** Marker asking for a 查验通知 (C) before release (P). */
export const INSPECT_MARKER = 'SANDBOX:INSPECT';

export type SandboxScenario = 'normal' | 'inspect' | 'reject';

/** One business receipt to emit: its CHANNEL code and NOTE text. */
export interface ReceiptStep {
  readonly channel: string;
  /** NOTE text given the SeqNo (统一编号) of the declaration. */
  readonly note: (seqNo: string) => string;
}

/** Picks the scenario from the NoteS text. */
export function scenarioFor(noteS: string): SandboxScenario {
  if (noteS.includes(REJECT_MARKER)) return 'reject';
  if (noteS.includes(INSPECT_MARKER)) return 'inspect';
  return 'normal';
}

const DECLARED: ReceiptStep = { channel: '7', note: (seqNo) => `${seqNo}直接申报成功` };
const STORED: ReceiptStep = { channel: 'L', note: () => '入库成功' };
const ACCEPTED: ReceiptStep = { channel: 'J', note: () => '海关已接受申报' };
const INSPECTION: ReceiptStep = {
  channel: 'C',
  note: () => '查验通知：海关决定对该报关单货物实施查验，请联系现场海关办理查验手续（沙箱模拟）',
};
const RELEASED: ReceiptStep = { channel: 'P', note: () => '报关单已放行' };
const CLOSED: ReceiptStep = { channel: 'R', note: () => '报关单已结关' };
const REJECTED: ReceiptStep = {
  channel: 'E',
  note: () =>
    `海关退单：申报内容与随附单证不符，请核实后重新申报（沙箱模拟，备注含 ${REJECT_MARKER}）`,
};

/** The receipts of a scenario, in emission order. */
export function receiptPlan(scenario: SandboxScenario): readonly ReceiptStep[] {
  switch (scenario) {
    case 'reject':
      return [DECLARED, STORED, REJECTED];
    case 'inspect':
      return [DECLARED, STORED, ACCEPTED, INSPECTION, RELEASED, CLOSED];
    case 'normal':
      return [DECLARED, STORED, ACCEPTED, RELEASED, CLOSED];
  }
}
