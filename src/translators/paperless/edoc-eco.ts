/** The EcoRelation (原产地证明) part of a paperless plan. */
import type { OriginEntry } from './edoc-manifest.js';
import type { AddProblem, Fields } from './edoc-rules.js';

/**
 * EcoRelation entries of one origin proof, in the spec form (seed-subsystems.md §4.3): for a
 * preferential agreement CertType = `Y` + 协定代码 and EcoCertNo = proof type (C/D) + number. The
 * CargoWise form (CertType `Y`, EcoCertNo `<03>C123…`) is converted to it.
 */
export function ecoRelations(
  o: OriginEntry,
  where: string,
  itemCount: number,
  add: AddProblem,
): Fields[] {
  let certType = o.certType ?? '';
  let certNo = o.ecoCertNo ?? '';
  const cw = /^<(\d{2})>([CD].+)$/.exec(certNo);
  if (certType === 'Y' && cw) {
    certType = `Y${cw[1]}`;
    certNo = cw[2]!;
  }
  if (o.agreement !== undefined) {
    if (!/^\d{2}$/.test(o.agreement))
      add(
        where,
        'eco-agreement',
        `优惠贸易协定代码“${o.agreement}”应为 2 位数字`,
        `agreement code "${o.agreement}" must be 2 digits`,
      );
    if (!o.proof || !o.number)
      add(
        where,
        'eco-proof',
        '优惠贸易协定的原产地证明需写明 proof（C 证书 / D 声明）和 number',
        'a preferential origin proof needs proof (C certificate / D declaration) and number',
      );
    certType = `Y${o.agreement}`;
    certNo = `${o.proof ?? ''}${o.number ?? ''}`;
  }
  if (!certType || !certNo) {
    add(
      where,
      'eco-required',
      '原产地证明缺少 CertType/EcoCertNo（或 agreement + proof + number）',
      'the origin proof lacks CertType/EcoCertNo (or agreement + proof + number)',
    );
    return [];
  }
  if (certType.length > 3)
    add(
      where,
      'eco-cert-type',
      `CertType“${certType}”超过 3 个字符`,
      `CertType "${certType}" is longer than 3 characters`,
    );
  if (/^Y/.test(certType) && !/^Y\d{2}$/.test(certType))
    add(
      where,
      'eco-cert-type',
      `优惠贸易协定的 CertType 应为 Y + 2 位协定代码，实际“${certType}”`,
      `a preferential CertType must be Y and the 2-digit agreement code, found "${certType}"`,
    );
  if (/^Y\d{2}$/.test(certType) && !/^[CD]/.test(certNo))
    add(
      where,
      'eco-cert-no',
      `EcoCertNo“${certNo}”应以 C（原产地证书）或 D（原产地声明）开头`,
      `EcoCertNo "${certNo}" must start with C (certificate) or D (declaration)`,
    );
  if (certNo.length > 64)
    add(where, 'eco-cert-no', 'EcoCertNo 超过 64 个字符', 'EcoCertNo is longer than 64 characters');
  return o.items.map((p, j): Fields => {
    if (p.decGNo < 1 || p.decGNo > itemCount)
      add(
        `${where}.items[${j}]`,
        'eco-items',
        `报关单商品项号 ${p.decGNo} 不在 1..${itemCount} 内`,
        `declaration item ${p.decGNo} is not within 1..${itemCount}`,
      );
    if (p.ecoGNo < 1 || p.ecoGNo > 999_999_999)
      add(
        `${where}.items[${j}]`,
        'eco-items',
        `原产地证明商品项号 ${p.ecoGNo} 无效`,
        `origin-proof item ${p.ecoGNo} is invalid`,
      );
    return [
      ['CertType', certType],
      ['EcoCertNo', certNo],
      ['DecGNo', String(p.decGNo)],
      ['EcoGNo', String(p.ecoGNo)],
      ['ExtendFiled', o.extend ?? ''],
    ];
  });
}
