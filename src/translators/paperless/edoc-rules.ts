import { createHash } from 'node:crypto';
import { MAX_EDOC_NAME } from '../../core/edoc-files.js';

/** Element name -> value, in the order the element is written. */
export type Fields = readonly (readonly [string, string])[];

/** Records one problem of a plan: where, the rule's id, bilingual text and an optional fix. */
export type AddProblem = (
  where: string,
  rule: string,
  zh: string,
  en: string,
  fix?: { fixZh: string; fixEn: string },
) => void;

export {
  DEFAULT_MAX_ATTACHMENT_BYTES,
  DEFAULT_MAX_ATTACHMENTS,
  DEFAULT_MAX_MARK_BYTES,
  isPdf,
  MAX_EDOC_NAME,
  unsafeFileName,
} from '../../core/edoc-files.js';

/**
 * The sourced rules of 通关无纸化 (seed-subsystems.md §4), in one place so the translator, the
 * client-route packer and the sandbox agree.
 */

/** DecMarkLob/AttachName: 80 characters [R]. */
export const MAX_MARK_NAME = 80;
/** GNoStr: 150 characters [R, CIT spec]. */
export const MAX_GNO_STR = 150;
/** EdocRealation code of the electronic agency agreement (代理报关委托协议（电子）). */
export const AGENCY_AGREEMENT_CODE = '10000001';

/**
 * EdocID by the sourced naming rule [R×2]: 申报口岸 (4, here DecHead/CustomMaster) + 随附单据类别代码 (8)
 * + `IM` + an 18-digit serial + `.pdf`. The serial is derived from the declaration's ClientSeqNo,
 * the file name and its content, so a re-run gives the same EdocID and two files never share one.
 */
export function edocIdFor(
  port: string,
  code: string,
  clientSeqNo: string,
  fileName: string,
  bytes: Uint8Array,
): string {
  const digest = createHash('sha256')
    .update(clientSeqNo)
    .update('\0')
    .update(fileName)
    .update('\0')
    .update(bytes)
    .digest();
  const serial = (digest.readBigUInt64BE(0) * 4n + BigInt(digest[8]! & 3)) % 10n ** 18n;
  return `${port}${code}IM${serial.toString().padStart(18, '0')}.pdf`;
}

/** Item numbers from "1,3" or [1, 3]; undefined entries are reported by the caller. */
export function itemNumbers(items: string | readonly number[] | undefined): {
  list: number[];
  bad: string[];
} {
  if (items === undefined) return { list: [], bad: [] };
  const parts =
    typeof items === 'string' ? items.split(/[,，\s]+/).filter(Boolean) : items.map(String);
  const list: number[] = [];
  const bad: string[] = [];
  for (const p of parts) {
    if (/^[1-9]\d{0,8}$/.test(p)) list.push(Number(p));
    else bad.push(p);
  }
  return { list, bad };
}
