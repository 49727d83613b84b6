import type { DecRecord } from '../model/record.js';
import { containerCheckDigit, containerProblem } from '../validation/check-digits.js';
import { CONTAINER_SEPARATOR } from './layout.js';

/**
 * `TransportEquipment` of a bill (eport-formats.md §4.3, seed-subsystems.md §8.2): one element per
 * container with `EquipmentIdentification/ID`, `CharacteristicCode` (ISO size-type such as 22G1),
 * `FullnessCode` and up to 9 `SealID@AgencyCode`. The enterprise gives them as parallel cells of
 * one bill row: container numbers separated by `;`, and per container (same order, same `;`) its
 * size-type, fullness and seals; several seals of one container are separated by `,` (or `/`),
 * and so are their agency codes (one agency code for all of a container's seals is allowed).
 */

export const EQUIPMENT = 'TransportEquipment';
export const EQUIPMENT_DETAILS = [
  'TransportEquipment/CharacteristicCode',
  'TransportEquipment/FullnessCode',
  'TransportEquipment/SealID',
  'TransportEquipment/SealID@AgencyCode',
] as const;

/** The list separator inside the container cells. */
const LIST = CONTAINER_SEPARATOR;
/** Several seals of one container. */
const SEALS = /[,，/]/;
/** The spec pages give SealID 0..9 per container. */
export const MAX_SEALS = 9;

export interface Seal {
  readonly id: string;
  readonly agency: string;
}

export interface Equipment {
  readonly id: string;
  readonly characteristic: string;
  readonly fullness: string;
  readonly seals: readonly Seal[];
}

/** A problem with a container cell: the field it is about and the text. */
export interface EquipmentProblem {
  readonly field: string;
  readonly rule: string;
  readonly zh: string;
  readonly en: string;
}

const split = (v: string, re: RegExp): string[] => v.split(re).map((s) => s.trim());
const value = (rec: DecRecord, name: string): string => rec.fields.get(name)?.value ?? '';

/** The containers of a bill, with their details; empty cells give empty details. */
export function equipmentOf(rec: DecRecord): Equipment[] {
  const ids = split(value(rec, EQUIPMENT), LIST);
  const part = (name: string): string[] => {
    const v = value(rec, name);
    return v === '' ? [] : split(v, LIST);
  };
  const [types, fullness, seals, agencies] = EQUIPMENT_DETAILS.map(part) as [
    string[],
    string[],
    string[],
    string[],
  ];
  const out: Equipment[] = [];
  ids.forEach((id, i) => {
    if (id === '') return;
    const sealIds = (seals[i] ?? '') === '' ? [] : split(seals[i]!, SEALS);
    const ag = (agencies[i] ?? '') === '' ? [] : split(agencies[i]!, SEALS);
    out.push({
      id,
      characteristic: types[i] ?? '',
      fullness: fullness[i] ?? '',
      seals: sealIds.map((s, j) => ({ id: s, agency: ag.length === 1 ? ag[0]! : (ag[j] ?? '') })),
    });
  });
  return out;
}

const SIZE_TYPE = /^[0-9A-Z]{4}$/;
const FULLNESS = /^[0-9]$/;
const SEAL_ID = /^[\x21-\x7e]{1,35}$/;
const AGENCY = /^[A-Z0-9]{1,3}$/;

/**
 * Checks the container cells of a bill: ISO 6346 numbers, one entry per container in each detail
 * cell, size-type codes, fullness codes, at most 9 seals, and an agency code for each seal that
 * has one. Lengths are not in the sources (confidence [M]); the shapes follow the values seen.
 */
export function equipmentProblems(rec: DecRecord): EquipmentProblem[] {
  const out: EquipmentProblem[] = [];
  const ids = split(value(rec, EQUIPMENT), LIST).filter((s) => s !== '');
  for (const id of ids) {
    const p = containerProblem(id);
    if (p === 'shape')
      out.push({
        field: EQUIPMENT,
        rule: 'container-format',
        zh: `集装箱号“${id}”格式不对：应为 4 位字母（第 4 位 U/J/Z）+ 7 位数字`,
        en: `container number "${id}" has the wrong shape: 4 letters (4th U, J or Z) + 7 digits`,
      });
    else if (p === 'check')
      out.push({
        field: EQUIPMENT,
        rule: 'container-check',
        zh: `集装箱号“${id}”校验位错误（ISO 6346）：最后一位应为 ${containerCheckDigit(id.slice(0, 10))}`,
        en: `container number "${id}" fails the ISO 6346 check digit: the last digit should be ${containerCheckDigit(id.slice(0, 10))}`,
      });
  }
  for (const name of EQUIPMENT_DETAILS) {
    const v = value(rec, name);
    if (v === '') continue;
    const n = split(v, LIST).length;
    if (n !== ids.length)
      out.push({
        field: name,
        rule: 'container-count',
        zh: `有 ${n} 项（以 ; 分隔），而集装箱号有 ${ids.length} 个：每个集装箱一项，顺序相同`,
        en: `has ${n} entries (separated by ;) for ${ids.length} container numbers: one per container, in the same order`,
      });
  }
  for (const e of equipmentOf(rec)) {
    const bad = (field: string, rule: string, zh: string, en: string): void => {
      out.push({ field, rule, zh: `集装箱 ${e.id}：${zh}`, en: `container ${e.id}: ${en}` });
    };
    if (e.characteristic !== '' && !SIZE_TYPE.test(e.characteristic))
      bad(
        EQUIPMENT_DETAILS[0],
        'container-size-type',
        `箱型尺寸代码“${e.characteristic}”应为 4 位大写字母或数字（ISO 6346，如 22G1、45G1）`,
        `size-type code "${e.characteristic}" should be 4 capital letters or digits (ISO 6346, e.g. 22G1, 45G1)`,
      );
    if (e.fullness !== '' && !FULLNESS.test(e.fullness))
      bad(
        EQUIPMENT_DETAILS[1],
        'container-fullness',
        `重箱或空箱标识“${e.fullness}”应为 1 位数字（如 8 整箱、7 拼箱、4 空箱）`,
        `fullness code "${e.fullness}" should be 1 digit (e.g. 8 full, 7 groupage, 4 empty)`,
      );
    if (e.seals.length > MAX_SEALS)
      bad(
        EQUIPMENT_DETAILS[2],
        'container-seals',
        `有 ${e.seals.length} 个封志号，最多 ${MAX_SEALS} 个`,
        `has ${e.seals.length} seals, at most ${MAX_SEALS}`,
      );
    for (const s of e.seals) {
      if (!SEAL_ID.test(s.id))
        bad(
          EQUIPMENT_DETAILS[2],
          'container-seal',
          `封志号“${s.id}”应为 1–35 个可见 ASCII 字符`,
          `seal number "${s.id}" should be 1–35 visible ASCII characters`,
        );
      if (s.agency !== '' && !AGENCY.test(s.agency))
        bad(
          EQUIPMENT_DETAILS[3],
          'container-seal-agency',
          `封志 ${s.id} 的施封人代码“${s.agency}”应为 1–3 位大写字母或数字（如 CA 承运人、CU 海关、SH 发货人）`,
          `the agency code "${s.agency}" of seal ${s.id} should be 1–3 capital letters or digits (e.g. CA carrier, CU customs, SH shipper)`,
        );
    }
  }
  return out;
}

/** The `TransportEquipment` elements of a bill, indented by `depth`. */
export function writeEquipment(
  rec: DecRecord,
  depth: number,
  escape: (s: string) => string,
): string {
  const pad = (d: number): string => '  '.repeat(depth + d);
  let out = '';
  for (const e of equipmentOf(rec)) {
    out += `${pad(0)}<TransportEquipment>\n${pad(1)}<EquipmentIdentification>\n${pad(2)}<ID>${escape(e.id)}</ID>\n${pad(1)}</EquipmentIdentification>\n`;
    if (e.characteristic !== '')
      out += `${pad(1)}<CharacteristicCode>${escape(e.characteristic)}</CharacteristicCode>\n`;
    if (e.fullness !== '') out += `${pad(1)}<FullnessCode>${escape(e.fullness)}</FullnessCode>\n`;
    for (const s of e.seals) {
      const agency =
        s.agency === '' ? '' : ` AgencyCode="${escape(s.agency).replace(/"/g, '&quot;')}"`;
      out += `${pad(1)}<SealID${agency}>${escape(s.id)}</SealID>\n`;
    }
    out += `${pad(0)}</TransportEquipment>\n`;
  }
  return out;
}
