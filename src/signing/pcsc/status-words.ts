/**
 * Status words (ISO/IEC 7816-4 §5.6) turned into typed errors. The signer decides what each
 * reason means for the gateway (PIN error, wrong card, retry later); this file only classifies.
 */
import { swHex, type ResponseApdu } from './apdu.js';

export const SW_OK = 0x9000;

/** Why the card refused a command. */
export type SwReason =
  | 'wrong-pin' // 63Cx / 6300: verification failed (x = tries left)
  | 'pin-blocked' // 6983: authentication method blocked
  | 'security' // 6982: security status not satisfied (no PIN verified)
  | 'not-found' // 6A82 / 6A88: application, file or data object not found
  | 'wrong-length' // 6700 / 6Cxx
  | 'wrong-data' // 6A80 / 6984 / 6A87
  | 'wrong-params' // 6A86 / 6B00 / 6A81
  | 'conditions' // 6985: conditions of use not satisfied
  | 'chaining' // 6883 / 6884: chaining not supported or broken
  | 'ins-unsupported' // 6D00
  | 'cla-unsupported' // 6E00 / 6881 / 6882
  | 'memory' // 6581 / 6400: card-side failure
  | 'unknown';

export interface SwMeaning {
  readonly reason: SwReason;
  /** For 63Cx: the tries left. */
  readonly retriesLeft?: number;
  readonly en: string;
  readonly zh: string;
}

const FIXED: Readonly<Record<number, Omit<SwMeaning, 'retriesLeft'>>> = {
  0x6300: { reason: 'wrong-pin', en: 'verification failed', zh: '校验失败' },
  0x6983: { reason: 'pin-blocked', en: 'PIN blocked', zh: 'PIN 已锁定' },
  0x6982: {
    reason: 'security',
    en: 'security status not satisfied',
    zh: '安全状态不满足（未校验 PIN）',
  },
  0x6a82: { reason: 'not-found', en: 'application or file not found', zh: '应用或文件不存在' },
  0x6a88: { reason: 'not-found', en: 'referenced data not found', zh: '引用的数据不存在' },
  0x6700: { reason: 'wrong-length', en: 'wrong length', zh: '长度错误' },
  0x6a80: { reason: 'wrong-data', en: 'incorrect data', zh: '数据不正确' },
  0x6984: { reason: 'wrong-data', en: 'reference data not usable', zh: '引用数据不可用' },
  0x6a87: { reason: 'wrong-data', en: 'Lc inconsistent with P1-P2', zh: 'Lc 与 P1-P2 不一致' },
  0x6a86: { reason: 'wrong-params', en: 'incorrect P1-P2', zh: 'P1-P2 参数错误' },
  0x6b00: { reason: 'wrong-params', en: 'wrong parameters', zh: '参数错误' },
  0x6a81: { reason: 'wrong-params', en: 'function not supported', zh: '功能不支持' },
  0x6985: { reason: 'conditions', en: 'conditions of use not satisfied', zh: '使用条件不满足' },
  0x6883: { reason: 'chaining', en: 'last command of the chain expected', zh: '命令链未结束' },
  0x6884: { reason: 'chaining', en: 'command chaining not supported', zh: '不支持命令链' },
  0x6d00: { reason: 'ins-unsupported', en: 'instruction not supported', zh: '不支持该指令' },
  0x6e00: { reason: 'cla-unsupported', en: 'class not supported', zh: '不支持该类别字节' },
  0x6881: { reason: 'cla-unsupported', en: 'logical channel not supported', zh: '不支持逻辑通道' },
  0x6882: { reason: 'cla-unsupported', en: 'secure messaging not supported', zh: '不支持安全报文' },
  0x6581: { reason: 'memory', en: 'memory failure', zh: '卡内存错误' },
  0x6400: { reason: 'memory', en: 'execution error', zh: '卡执行错误' },
};

/** What a status word means. 63Cx carries the retry counter in the low nibble. */
export function describeSw(sw: number): SwMeaning {
  if ((sw & 0xfff0) === 0x63c0) {
    const left = sw & 0x0f;
    return {
      reason: 'wrong-pin',
      retriesLeft: left,
      en: `verification failed, ${left} tries left`,
      zh: `校验失败，剩余 ${left} 次`,
    };
  }
  if ((sw & 0xff00) === 0x6c00)
    return {
      reason: 'wrong-length',
      en: `wrong Le, card has ${sw & 0xff} bytes`,
      zh: '期望长度（Le）错误',
    };
  return FIXED[sw] ?? { reason: 'unknown', en: `status ${swHex(sw)}`, zh: `状态字 ${swHex(sw)}` };
}

/** A command the card answered with something other than 9000. */
export class CardStatusError extends Error {
  readonly sw: number;
  readonly reason: SwReason;
  readonly retriesLeft: number | undefined;
  /** What was being done, in English (`VERIFY PW1`, `SELECT OpenPGP`). */
  readonly command: string;
  readonly zh: string;

  constructor(command: string, sw: number) {
    const m = describeSw(sw);
    super(`${command}: card answered ${swHex(sw)} (${m.en})`);
    this.name = 'CardStatusError';
    this.sw = sw;
    this.reason = m.reason;
    this.retriesLeft = m.retriesLeft;
    this.command = command;
    this.zh = `${command}：卡片返回 ${swHex(sw)}（${m.zh}）`;
  }
}

/** The response data when SW is 9000, otherwise throws CardStatusError. */
export function expectOk(resp: ResponseApdu, command: string): Buffer {
  if (resp.sw !== SW_OK) throw new CardStatusError(command, resp.sw);
  return resp.data;
}
