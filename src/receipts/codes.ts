/**
 * Code tables of every receipt family, with the status each code asks for and an operator label
 * in Chinese and English. Sources and confidence are in shared/reference/eport-formats.md
 * §2 (DXP error codes), §3.5 (CHANNEL), §5.4 (CEB returnStatus), §7 (金二).
 */
import type { ReceiptFamily, ReceiptKind } from './receipt.js';
import type { GatewayStatus } from './status.js';

/** What a code means. `status` is absent when the code says nothing about progress. */
export interface CodeInfo {
  readonly status?: GatewayStatus;
  readonly negative: boolean;
  readonly zh: string;
  readonly en: string;
}

/** A bilingual label. */
export interface CodeLabel {
  readonly zh: string;
  readonly en: string;
}

type Row = readonly [status: GatewayStatus | undefined, zh: string, en: string, negative?: boolean];

function table(rows: Record<string, Row>): ReadonlyMap<string, CodeInfo> {
  return new Map(
    Object.entries(rows).map(([code, [status, zh, en, negative]]) => [
      code,
      {
        ...(status ? { status } : {}),
        // By default a code is negative exactly when its status is a negative terminal.
        negative: negative ?? (status === 'rejected' || status === 'cancelled'),
        zh,
        en,
      },
    ]),
  );
}

/** 报关单 CHANNEL (and the import response's 0/1). [L] rows are single-source or conflicting. */
const CHANNEL = table({
  '0': ['imported', '导入成功', 'imported by the client'],
  '1': ['rejected', '导入失败', 'client import failed'],
  '2': ['declared', 'QP接收成功，上载发往数据中心', 'accepted by QP, uploaded to the data centre'],
  // [L] Odoo says 上载成功, a JS formatter says 回填数据失败: claim no progress either way.
  '3': [
    undefined,
    '上载成功 / 回填数据失败（来源不一）',
    'uploaded / back-fill failed (sources disagree)',
  ],
  '4': ['rejected', '上载失败 / 逻辑校验失败', 'upload failed / logic check failed'],
  '5': [undefined, '回写数据失败', 'write-back failed', true], // [L]
  '6': [
    'declared',
    'QP接收成功，申报发往数据中心',
    'accepted by QP, declaration sent to the data centre',
  ],
  '7': ['declared', '申报成功', 'declared to customs'],
  '8': ['rejected', '上载未申报（无申报权限）', 'uploaded but not declared (no declaration right)'],
  '9': ['rejected', '上载申报失败', 'upload/declaration failed'],
  N: [
    'rejected',
    '重传文件（清空统一编号后重新发送）',
    'resend the file (clear SeqNo and send again)',
  ],
  L: ['accepted', '海关已接收（入库成功）', 'received by customs (stored)'],
  J: ['audited', '通关无纸化审结（海关已接受申报）', 'paperless audit completed'],
  G: ['audited', '报关单已审结', 'declaration audited'],
  W: ['audited', '无纸验放通知（审结）', 'paperless inspection-release notice (audited)'],
  C: ['inspection', '查验通知', 'inspection notice'],
  S: ['inspection', '施检', 'inspection under way'],
  T: ['tax-due', '需交税费', 'duties and taxes due'],
  B: ['released', '担保放行', 'released against guarantee'],
  K: ['released', '通关无纸化担保放行', 'paperless release against guarantee'],
  I: ['released', '无纸放行通知（放行）', 'paperless release notice'],
  P: ['released', '海关已放行', 'released by customs'],
  F: ['released', '放行交单', 'released, documents handed in'],
  R: ['closed', '已结关', 'closed (cleared)'],
  E: ['rejected', '海关退单', 'rejected by customs'],
  Y: ['rejected', '申报失败', 'declaration failed'],
  Z: ['rejected', '退回修改', 'returned for correction'],
  v: ['rejected', '退回修改', 'returned for correction'],
  D: ['cancelled', '海关删单', 'deleted by customs'],
  A: ['cancelled', '放行前删除 / 异常处理', 'deleted before release / exception handling'],
  H: [undefined, '挂起，需手工申报', 'suspended, manual declaration needed', true],
  M: ['accepted', '报关单重审', 'declaration under re-review'],
  X: ['audited', '准予进港', 'admitted into the port'],
  '#': ['audited', '通关无纸化准予进卡通知', 'paperless gate-entry permitted'],
  // 两步申报 (two-step declaration), [M]
  SpL: ['accepted', '概要申报入库', 'summary declaration stored'],
  SpE: ['rejected', '概要申报退单', 'summary declaration rejected'],
  SpJ: ['audited', '概要申报审结', 'summary declaration audited'],
  Sp1: ['audited', '要求补充申报', 'supplementary declaration required'],
  SpC: ['inspection', '概要申报查验', 'summary declaration inspection'],
  SpK: ['released', '提货放行', 'released for pick-up'],
});

/** 跨境电商 returnStatus (richest list: CEB622). Negative numbers are handled apart. */
const CEB_RETURN = table({
  '1': ['imported', '电子口岸已暂存', 'stored at the E-Port (not declared)'],
  '2': ['declared', '电子口岸申报中', 'being declared by the E-Port'],
  '3': ['declared', '发送海关成功', 'delivered to customs'],
  '4': ['rejected', '发送海关失败', 'delivery to customs failed'],
  '100': ['rejected', '海关退单', 'rejected by customs'],
  '120': ['accepted', '海关入库', 'stored by customs'],
  '300': ['accepted', '人工审核', 'under manual review'],
  '399': ['audited', '海关审结', 'audited by customs'],
  '500': ['inspection', '查验', 'inspection'],
  '501': ['inspection', '扣留移送通关', 'held, passed to clearance', true],
  '502': ['inspection', '扣留移送缉私', 'held, passed to anti-smuggling', true],
  '503': ['inspection', '扣留移送法规', 'held, passed to the legal department', true],
  '599': ['inspection', '其它扣留', 'held (other)', true],
  // 退运 ends the declaration without a release; treated as a customs negative.
  '700': ['rejected', '退运', 'returned abroad'],
  '800': ['released', '放行', 'released'],
  '899': ['closed', '结关', 'closed (cleared)'],
});

/** 金二 CommonResponeMessage DealFlag. */
const SAS_RESPONSE = table({
  '0': ['imported', '导入成功', 'imported by the client'],
  '-1': ['rejected', '导入失败', 'client import failed'],
});

/**
 * 金二 HdeApprResult manageResult. [M/L]: 1 and 4 agree with the sample receipts' own state
 * fields (SAS221 stucd 1 已审批; INV201 vrfdedMarkcd 1 预核扣); 2 and 3 are from memory of the
 * spec. Unlisted values claim no progress. Verify against the 金二 spec before relying on them.
 */
const SAS_RECEIPT = table({
  '1': ['audited', '通过（已审批）', 'approved'],
  '2': ['accepted', '转人工审核', 'passed to manual review'],
  '3': ['rejected', '退单', 'rejected'],
  '4': ['audited', '预核扣', 'approved, pre-deducted from the ledger'],
});

/** DXP platform error codes (spec table 7-1). Success is all zeros. */
const DXP = table({
  '0001': ['rejected', '报文格式错误', 'message format error'],
  '0002': ['rejected', '不能通过 schema 验证', 'schema validation failed'],
  '0999': ['rejected', '其他格式错误', 'other format error'],
  '1001': ['rejected', '数字签名无效', 'invalid digital signature'],
  '1002': ['rejected', '数字签名过期', 'digital signature expired'],
  '1003': ['rejected', '报文解密错误', 'decryption error'],
  '1004': ['rejected', '签名与数据不符', 'signature does not match the data'],
  '1999': ['rejected', '其他安全错误', 'other security error'],
  '2001': ['rejected', '指定的接收方不存在', 'receiver does not exist'],
  '2002': ['rejected', '地址不匹配', 'address mismatch'],
  '2999': ['rejected', '其他业务逻辑错误', 'other business logic error'],
  // System-level errors may clear on a resend; claim no progress and let the pipeline decide.
  '3001': [undefined, '系统错误（数据库/中间件）', 'system error (database/middleware)', true],
  '3002': [undefined, '远程连接错误', 'remote connection error', true],
  '3003': [undefined, '远程连接超时', 'remote connection timed out', true],
  '3999': [undefined, '其他系统级错误', 'other system error', true],
});

const OK_IMPORT: CodeInfo = {
  status: 'imported',
  negative: false,
  zh: '导入成功',
  en: 'imported by the client',
};
const IMPORT_FAILED: CodeInfo = {
  status: 'rejected',
  negative: true,
  zh: '导入失败',
  en: 'client import failed',
};
const DXP_OK: CodeInfo = {
  status: 'sent',
  negative: false,
  zh: '交换平台已接收',
  en: 'accepted by the exchange platform',
};

function lookup(rows: ReadonlyMap<string, CodeInfo>, code: string): CodeInfo | undefined {
  const exact = rows.get(code);
  if (exact) return exact;
  // Receipts are written by many systems; accept a code whose only difference is letter case.
  const folded = code.toLowerCase();
  const matches = [...rows.entries()].filter(([k]) => k.toLowerCase() === folded);
  return matches.length === 1 ? matches[0]?.[1] : undefined;
}

function cebInfo(code: string): CodeInfo | undefined {
  if (/^-\d+$/.test(code)) {
    return {
      status: 'rejected',
      negative: true,
      zh: `处理异常（${code}）`,
      en: `processing error (${code})`,
    };
  }
  const known = CEB_RETURN.get(code);
  if (known) return known;
  // 501–599 are all 扣留 (held) variants.
  const n = /^\d+$/.test(code) ? Number(code) : NaN;
  if (n >= 501 && n <= 599) return { status: 'inspection', negative: true, zh: '扣留', en: 'held' };
  return undefined;
}

/**
 * 舱单 MT9999 ResponseType/Code (ryanrong95/HXT CusMftStatus, eport-formats §4.4 [M]): 01 海关接受申报,
 * 02 传输待人工审核, 03 不允许传输/退单, 11 提运单放行, 12 拒装, 13 禁卸.
 */
const MT9999: ReadonlyMap<string, CodeInfo> = new Map<string, CodeInfo>([
  ['01', { status: 'accepted', negative: false, zh: '海关接受申报', en: 'accepted by customs' }],
  [
    '02',
    { status: 'declared', negative: false, zh: '传输待人工审核', en: 'waiting for manual review' },
  ],
  [
    '03',
    { status: 'rejected', negative: true, zh: '不允许传输（退单）', en: 'refused (returned)' },
  ],
  ['11', { status: 'released', negative: false, zh: '提运单放行', en: 'bill released' }],
  [
    '12',
    {
      status: 'rejected',
      negative: true,
      zh: '提（运）单或集装箱拒装',
      en: 'bill or container refused loading',
    },
  ],
  [
    '13',
    {
      status: 'rejected',
      negative: true,
      zh: '提（运）单或集装箱禁卸',
      en: 'bill or container refused unloading',
    },
  ],
]);

/**
 * 修撤单 HzApprovalResult FeedbackResults. The real code list is not public (see the README): 1
 * 审批通过 and 2 驳回 are the sandbox's convention; any other code is recorded without a verdict.
 */
const HZ_APPROVAL: ReadonlyMap<string, CodeInfo> = new Map<string, CodeInfo>([
  [
    '1',
    {
      status: 'closed',
      negative: false,
      zh: '修撤申请审批通过',
      en: 'modification / withdrawal approved',
    },
  ],
  [
    '2',
    {
      status: 'rejected',
      negative: true,
      zh: '修撤申请被驳回',
      en: 'modification / withdrawal refused',
    },
  ],
]);

function defaultKind(family: ReceiptFamily, code: string): ReceiptKind {
  switch (family) {
    case 'dec':
      return 'dec-result';
    case 'ceb':
      return 'ceb-return';
    case 'sas':
      // DealFlag is 0 or negative; manageResult is a positive number.
      return /^(0|-\d+)$/.test(code) ? 'sas-response' : 'sas-receipt';
    case 'dxp-rep':
      return 'dxp-rep';
    case 'manifest':
      return 'mt9999';
    case 'dec-mod':
      return 'hz-approval';
    case 'sw-client':
      return 'client-taken';
    case 'acd':
      return 'agr-confirm';
    case 'unknown':
      return 'unknown';
  }
}

/**
 * The meaning of a receipt code, or undefined when the code is not in any table.
 * `kind` picks the table inside a family (import response vs DEC_RESULT, DealFlag vs
 * manageResult); without it the family's main table is used.
 */
export function codeInfo(
  family: ReceiptFamily,
  code: string,
  kind?: ReceiptKind,
): CodeInfo | undefined {
  const c = code.trim();
  switch (kind ?? defaultKind(family, c)) {
    case 'import-response':
      // 0 = 导入成功, anything else = 导入失败.
      return c === '' ? undefined : c === '0' ? OK_IMPORT : IMPORT_FAILED;
    case 'dec-result':
      return lookup(CHANNEL, c);
    case 'trn-result':
      // The 转关 PROC_RESULT code list is not known (seed-subsystems.md §11): no status from it.
      return undefined;
    case 'ceb-return':
      return cebInfo(c);
    case 'ceb900':
      return /^-\d+$/.test(c)
        ? {
            status: 'rejected',
            negative: true,
            zh: `报文格式校验异常（${c}）`,
            en: `format check failed (${c})`,
          }
        : undefined;
    case 'sas-response':
      // DealFlag 0 = 成功; -1 and anything else = 失败.
      return c === '' ? undefined : (SAS_RESPONSE.get(c) ?? IMPORT_FAILED);
    case 'sas-receipt':
      return SAS_RECEIPT.get(c);
    case 'dxp-rep':
      if (/^0+$/.test(c)) return DXP_OK;
      if (c === '') return undefined;
      return (
        DXP.get(c) ?? {
          status: 'rejected',
          negative: true,
          zh: `交换平台错误（${c}）`,
          en: `platform error (${c})`,
        }
      );
    case 'mt9999':
      return MT9999.get(c);
    case 'agr-response':
      // Decided by the presence of ConsignNo (receipts/acd.ts), not by this code.
      return undefined;
    case 'agr-confirm':
      if (c === 'S')
        return {
          status: 'closed',
          negative: false,
          zh: '委托方已确认，代理报关委托协议生效',
          en: 'the counter-party confirmed; the agency agreement is in force',
        };
      return c === ''
        ? undefined
        : {
            status: 'rejected',
            negative: true,
            zh: `委托协议未获确认（${c}）`,
            en: `the agreement was not confirmed (${c})`,
          };
    case 'hz-approval':
      return HZ_APPROVAL.get(c);
    case 'unknown':
      return undefined;
  }
}

/**
 * The status a customs code asks for, or undefined when the code says nothing about progress
 * (unknown, or conflicting like CHANNEL 3). `family` 'dec' reads 报关单 CHANNEL (0/1 included),
 * 'ceb' reads CEB returnStatus (1 暂存 … 899 结关, negative = rejected).
 */
export function channelStatus(
  code: string,
  family: 'dec' | 'ceb' = 'dec',
): GatewayStatus | undefined {
  return codeInfo(family, code)?.status;
}

/** Chinese and English label of a receipt code; unknown codes get a generic label naming the code. */
export function describeCode(family: ReceiptFamily, code: string, kind?: ReceiptKind): CodeLabel {
  const info = codeInfo(family, code, kind);
  if (info) return { zh: info.zh, en: info.en };
  const c = code.trim();
  return c === ''
    ? { zh: '无代码', en: 'no code' }
    : { zh: `未知代码 ${c}`, en: `unknown code ${c}` };
}

/** Every code listed in the DEC CHANNEL table (for tests and operator docs). */
export const CHANNEL_CODES: readonly string[] = [...CHANNEL.keys()];
/** Every explicitly listed CEB returnStatus (501–599 and negatives are ranges). */
export const CEB_RETURN_CODES: readonly string[] = [...CEB_RETURN.keys()];
